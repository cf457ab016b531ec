package dev.lakestream.catalog;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * How to reach S3: the catalog's own {@code s3.*} keys, so landing files and tables share one
 * endpoint and one set of credentials. Without static keys the AWS SDK's default credential chain
 * is used (environment, web identity / IAM role for service accounts on Kubernetes, instance
 * profile). {@link #toString()} never shows the keys.
 *
 * @param endpoint S3 endpoint URI, or {@code null} for AWS's regional endpoint
 * @param pathStyleAccess bucket in the path rather than the host name (S3Proxy, MinIO)
 * @param region signing region, or {@code null} for the SDK's region chain
 * @param accessKeyId static access key, or {@code null} for the default credential chain
 * @param secretAccessKey static secret key, set exactly when {@code accessKeyId} is
 */
public record S3Access(
        String endpoint,
        boolean pathStyleAccess,
        String region,
        String accessKeyId,
        String secretAccessKey)
        implements Serializable {

    /** The {@code s3.*} keys read here. */
    public static final List<String> KEYS =
            List.of(
                    CatalogSettings.S3_ENDPOINT,
                    CatalogSettings.S3_PATH_STYLE,
                    CatalogSettings.S3_REGION,
                    CatalogSettings.S3_ACCESS_KEY,
                    CatalogSettings.S3_SECRET_KEY);

    /** Reads and checks the {@code s3.*} keys of a flat settings map. */
    public static S3Access fromMap(Map<String, String> settings) {
        String endpoint = trimToNull(settings.get(CatalogSettings.S3_ENDPOINT));
        if (endpoint != null) {
            try {
                URI uri = new URI(endpoint);
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new URISyntaxException(endpoint, "needs a scheme and a host");
                }
            } catch (URISyntaxException e) {
                throw new InvalidSettingException(
                        CatalogSettings.S3_ENDPOINT,
                        "'" + endpoint + "' is not a URI like http://host:9000: " + e.getMessage());
            }
        }
        String pathStyle = settings.getOrDefault(CatalogSettings.S3_PATH_STYLE, "false").trim();
        if (!pathStyle.equals("true") && !pathStyle.equals("false")) {
            throw new InvalidSettingException(
                    CatalogSettings.S3_PATH_STYLE,
                    "must be true or false, was '" + pathStyle + "'");
        }
        String accessKey = trimToNull(settings.get(CatalogSettings.S3_ACCESS_KEY));
        String secretKey = trimToNull(settings.get(CatalogSettings.S3_SECRET_KEY));
        if ((accessKey == null) != (secretKey == null)) {
            throw new InvalidSettingException(
                    accessKey == null
                            ? CatalogSettings.S3_ACCESS_KEY
                            : CatalogSettings.S3_SECRET_KEY,
                    "is missing: S3 static credentials need both "
                            + CatalogSettings.S3_ACCESS_KEY
                            + " and "
                            + CatalogSettings.S3_SECRET_KEY
                            + " (or neither, to use the default AWS credential chain)");
        }
        return new S3Access(
                endpoint,
                Boolean.parseBoolean(pathStyle),
                trimToNull(settings.get(CatalogSettings.S3_REGION)),
                accessKey,
                secretKey);
    }

    /** A new client; the caller closes it. */
    public S3Client newClient() {
        S3ClientBuilder builder =
                S3Client.builder()
                        .httpClientBuilder(ApacheHttpClient.builder())
                        .forcePathStyle(pathStyleAccess);
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        if (region != null) {
            builder.region(Region.of(region));
        } else if (endpoint != null) {
            // an S3-compatible store ignores the region but the SDK needs one to sign
            builder.region(Region.US_EAST_1);
        }
        if (accessKeyId != null) {
            builder.credentialsProvider(
                    StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(accessKeyId, secretAccessKey)));
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return builder.build();
    }

    private static String trimToNull(String value) {
        if (value == null) {
            return null;
        }
        String t = value.trim();
        return t.isEmpty() ? null : t;
    }

    /** Never prints the keys. */
    @Override
    public String toString() {
        return "S3Access[endpoint="
                + (endpoint == null ? "aws" : endpoint)
                + ", pathStyleAccess="
                + pathStyleAccess
                + ", region="
                + region
                + ", credentials="
                + (accessKeyId == null ? "default chain" : "static ****")
                + "]";
    }
}
