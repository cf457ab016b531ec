package dev.lakestream.jobs.source.files;

import java.io.Serializable;

/**
 * One object in the landing folder, as listed.
 *
 * @param bucket its bucket
 * @param key its key
 * @param size its length in bytes
 * @param etag its entity tag: a read fails rather than mixing two versions of an overwritten file
 * @param lastModifiedMillis S3's last-modified time (upload completion for a single PUT, the
 *     upload's start for a multipart upload)
 */
public record LandingFile(
        String bucket, String key, long size, String etag, long lastModifiedMillis)
        implements Serializable {

    /** {@code s3://bucket/key}: the records' origin. */
    public String uri() {
        return "s3://" + bucket + "/" + key;
    }
}
