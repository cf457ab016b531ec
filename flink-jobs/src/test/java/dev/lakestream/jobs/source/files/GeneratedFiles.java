package dev.lakestream.jobs.source.files;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Foot-traffic CSV files of any size, generated while they are uploaded (never held in memory):
 * {@code store_id,hour_start,visitors} with fixed-width rows, so the length is known up front.
 */
final class GeneratedFiles {

    static final String HEADER = "store_id,hour_start,visitors\n";
    static final int ROW_LENGTH = row(0).length();

    private GeneratedFiles() {}

    /** Row {@code i} (0-based; it is line {@code i + 2} of the file). */
    static String row(long i) {
        return String.format("%04d,2026-11-29T10:00:00Z,%09d", i % 1000, i) + "\n";
    }

    static long length(long rows) {
        return HEADER.length() + rows * ROW_LENGTH;
    }

    /** Uploads {@code rows} generated rows as {@code key}. */
    static void uploadCsv(S3Client s3, String bucket, String key, long rows) {
        s3.putObject(
                PutObjectRequest.builder().bucket(bucket).key(key).contentType("text/csv").build(),
                RequestBody.fromContentProvider(
                        () -> new RowStream(rows), length(rows), "text/csv"));
    }

    static void uploadText(S3Client s3, String bucket, String key, String text) {
        s3.putObject(
                PutObjectRequest.builder().bucket(bucket).key(key).build(),
                RequestBody.fromString(text, StandardCharsets.UTF_8));
    }

    /** The file's bytes, produced row by row as they are read. */
    private static final class RowStream extends InputStream {
        private final long rows;
        private long next = -1;
        private byte[] current = HEADER.getBytes(StandardCharsets.US_ASCII);
        private int position;

        RowStream(long rows) {
            this.rows = rows;
        }

        private boolean fill() {
            while (position >= current.length) {
                if (next + 1 >= rows) {
                    return false;
                }
                next++;
                current = row(next).getBytes(StandardCharsets.US_ASCII);
                position = 0;
            }
            return true;
        }

        @Override
        public int read() {
            return fill() ? current[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int n = 0;
            while (n < len && fill()) {
                int take = Math.min(len - n, current.length - position);
                System.arraycopy(current, position, b, off + n, take);
                position += take;
                n += take;
            }
            return n == 0 ? -1 : n;
        }
    }
}
