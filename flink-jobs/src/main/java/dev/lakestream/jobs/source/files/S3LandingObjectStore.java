package dev.lakestream.jobs.source.files;

import dev.lakestream.catalog.S3Access;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Landing files on S3 through the AWS SDK v2: {@code ListObjectsV2} page by page, and {@code
 * GetObject} with {@code Range: bytes=<offset>-} and {@code If-Match: <etag>}, streamed.
 */
final class S3LandingObjectStore implements LandingObjectStore {

    private final S3Client s3;

    public S3LandingObjectStore(S3Client s3) {
        this.s3 = s3;
    }

    @Override
    public void list(String bucket, String prefix, Consumer<LandingFile> each) throws IOException {
        ListObjectsV2Request request =
                ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(request).contents()) {
                each.accept(
                        new LandingFile(
                                bucket,
                                o.key(),
                                o.size(),
                                o.eTag(),
                                o.lastModified().toEpochMilli()));
            }
        } catch (SdkException e) {
            throw new IOException(
                    "Could not list s3://" + bucket + "/" + prefix + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(LandingFile file, long offset) throws IOException {
        GetObjectRequest.Builder request =
                GetObjectRequest.builder()
                        .bucket(file.bucket())
                        .key(file.key())
                        .range("bytes=" + offset + "-");
        if (file.etag() != null) {
            request.ifMatch(file.etag());
        }
        try {
            return s3.getObject(request.build());
        } catch (NoSuchKeyException e) {
            throw new FileGoneException(file.uri() + " was deleted before it was read", e);
        } catch (S3Exception e) {
            if (e.statusCode() == 412) {
                throw new FileGoneException(
                        file.uri()
                                + " was overwritten while being read (etag "
                                + file.etag()
                                + " is gone); its new version is read as a new file",
                        e);
            }
            throw new IOException("Could not read " + file.uri() + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("Could not read " + file.uri() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }

    /** Opens a store with a client built from the {@code s3.*} settings. */
    public record Factory(S3Access access) implements LandingObjectStore.Factory {
        @Override
        public LandingObjectStore open() {
            return new S3LandingObjectStore(access.newClient());
        }
    }
}
