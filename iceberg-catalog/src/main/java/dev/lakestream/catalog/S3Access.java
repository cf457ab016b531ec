package dev.lakestream.catalog;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * How to reach S3: the catalog's own {@code s3.*} keys, so landing files and tables share one
 * endpoint and one set of credentials. Without static keys the AWS SDK's default credential chain
 * is used (environment, web identity / IAM role for service accounts on Kubernetes, instance
 * profile). {@link #toString()} never shows the keys.
 *
 * <p>Every request has bounds: a connect time-out, a read time-out (the longest silence while an
 * answer is awaited) and a number of retries, with exponential back-off between {@code
 * retryMinWait} and {@code retryMaxWait} for throttling answers (S3's {@code 503 SlowDown}). A
 * store that stops answering then fails a request after a known time instead of hanging a commit.
 *
 * @param endpoint S3 endpoint URI, or {@code null} for AWS's regional endpoint
 * @param pathStyleAccess bucket in the path rather than the host name (S3Proxy, MinIO)
 * @param region signing region, or {@code null} for the SDK's region chain
 * @param accessKeyId static access key, or {@code null} for the default credential chain
 * @param secretAccessKey static secret key, set exactly when {@code accessKeyId} is
 * @param connectTimeout longest wait for a TCP connection to the store
 * @param readTimeout longest silence on an open connection while an answer is awaited
 * @param numRetries retries after a failed attempt (time-out, reset, 5xx, throttling)
 * @param retryMinWait first back-off after a throttling answer
 * @param retryMaxWait longest back-off after a throttling answer
 */
public record S3Access(
        String endpoint,
        boolean pathStyleAccess,
        String region,
        String accessKeyId,
        String secretAccessKey,
        Duration connectTimeout,
        Duration readTimeout,
        int numRetries,
        Duration retryMinWait,
        Duration retryMaxWait)
        implements Serializable {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

    /** Iceberg's own default ({@code S3FileIOProperties.S3_RETRY_NUM_RETRIES_DEFAULT}). */
    public static final int DEFAULT_NUM_RETRIES = 5;

    /** Iceberg's own default ({@code S3FileIOProperties.S3_RETRY_MIN_WAIT_MS_DEFAULT}). */
    public static final Duration DEFAULT_RETRY_MIN_WAIT = Duration.ofSeconds(2);

    /** Iceberg's own default ({@code S3FileIOProperties.S3_RETRY_MAX_WAIT_MS_DEFAULT}). */
    public static final Duration DEFAULT_RETRY_MAX_WAIT = Duration.ofSeconds(20);

    /** Longest time-out or wait accepted: the HTTP client holds milliseconds in an int. */
    private static final Duration MAX_DURATION = Duration.ofHours(1);

    private static final int MAX_RETRIES = 100;

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|min|h)?");

    /** The {@code s3.*} keys read here. */
    public static final List<String> KEYS =
            List.of(
                    CatalogSettings.S3_ENDPOINT,
                    CatalogSettings.S3_PATH_STYLE,
                    CatalogSettings.S3_REGION,
                    CatalogSettings.S3_ACCESS_KEY,
                    CatalogSettings.S3_SECRET_KEY,
                    CatalogSettings.S3_CONNECT_TIMEOUT,
                    CatalogSettings.S3_READ_TIMEOUT,
                    CatalogSettings.S3_RETRY_NUM_RETRIES,
                    CatalogSettings.S3_RETRY_MIN_WAIT,
                    CatalogSettings.S3_RETRY_MAX_WAIT);

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
        Duration retryMinWait =
                duration(settings, CatalogSettings.S3_RETRY_MIN_WAIT, DEFAULT_RETRY_MIN_WAIT);
        Duration retryMaxWait =
                duration(settings, CatalogSettings.S3_RETRY_MAX_WAIT, DEFAULT_RETRY_MAX_WAIT);
        if (retryMaxWait.compareTo(retryMinWait) < 0) {
            throw new InvalidSettingException(
                    CatalogSettings.S3_RETRY_MAX_WAIT,
                    "("
                            + retryMaxWait.toMillis()
                            + "ms) must not be shorter than "
                            + CatalogSettings.S3_RETRY_MIN_WAIT
                            + " ("
                            + retryMinWait.toMillis()
                            + "ms)");
        }
        return new S3Access(
                endpoint,
                Boolean.parseBoolean(pathStyle),
                trimToNull(settings.get(CatalogSettings.S3_REGION)),
                accessKey,
                secretKey,
                duration(settings, CatalogSettings.S3_CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT),
                duration(settings, CatalogSettings.S3_READ_TIMEOUT, DEFAULT_READ_TIMEOUT),
                retries(settings),
                retryMinWait,
                retryMaxWait);
    }

    /**
     * A positive duration of at most an hour, written as Flink writes durations: {@code 500ms},
     * {@code 10s}, {@code 2min}, {@code 1h}; a bare number is milliseconds.
     */
    private static Duration duration(Map<String, String> settings, String key, Duration def) {
        String value = trimToNull(settings.get(key));
        if (value == null) {
            return def;
        }
        Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        Duration d;
        try {
            if (!m.matches()) {
                throw new NumberFormatException(value);
            }
            long amount = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "ms" : m.group(2);
            d =
                    switch (unit) {
                        case "s" -> Duration.ofSeconds(amount);
                        case "min" -> Duration.ofMinutes(amount);
                        case "h" -> Duration.ofHours(amount);
                        default -> Duration.ofMillis(amount);
                    };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InvalidSettingException(
                    key, "must be a duration like 500ms, 10s or 2min, was '" + value + "'");
        }
        if (d.isZero() || d.compareTo(MAX_DURATION) > 0) {
            throw new InvalidSettingException(
                    key, "must be more than 0 and at most 1h, was '" + value + "'");
        }
        return d;
    }

    private static int retries(Map<String, String> settings) {
        String key = CatalogSettings.S3_RETRY_NUM_RETRIES;
        String value = trimToNull(settings.get(key));
        if (value == null) {
            return DEFAULT_NUM_RETRIES;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 0 && n <= MAX_RETRIES) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidSettingException(
                key, "must be a whole number from 0 to " + MAX_RETRIES + ", was '" + value + "'");
    }

    /** A new client; the caller closes it. */
    public S3Client newClient() {
        S3ClientBuilder builder =
                S3Client.builder()
                        .httpClientBuilder(
                                ApacheHttpClient.builder()
                                        .connectionTimeout(connectTimeout)
                                        .socketTimeout(readTimeout))
                        // the same attempts and throttling back-off as Iceberg's S3FileIO
                        .overrideConfiguration(
                                o ->
                                        o.retryStrategy(
                                                r ->
                                                        r.maxAttempts(numRetries + 1)
                                                                .throttlingBackoffStrategy(
                                                                        BackoffStrategy
                                                                                .exponentialDelayHalfJitter(
                                                                                        retryMinWait,
                                                                                        retryMaxWait))))
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
                + ", connectTimeout="
                + connectTimeout
                + ", readTimeout="
                + readTimeout
                + ", numRetries="
                + numRetries
                + "]";
    }
}
