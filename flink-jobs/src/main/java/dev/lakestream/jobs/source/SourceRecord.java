package dev.lakestream.jobs.source;

import java.io.Serializable;

/**
 * One record read from a polled (REST) or landed-file source, or the reason it could not be read.
 *
 * <p>The polled and file sources emit these; the IngestionJob writes good ones to bronze with their
 * provenance and refused ones to quarantine, so nothing read is ever dropped silently.
 *
 * @param source where it came from, e.g. {@code rest:exchange_rates} or {@code files:foot_traffic}
 * @param dataset the dataset it belongs to, e.g. {@code exchange_rates} or {@code foot_traffic}
 * @param origin provenance: the request (endpoint and cursor) or the file's URI
 * @param position the record's index within its response (0-based) or its line number in the file
 *     (1-based, the header being line 1)
 * @param sequence orders two records of the same key: the newer has the higher value (REST: the
 *     cursor field in epoch microseconds; files: last-modified epoch second * 10^9 + line)
 * @param sourceTimeMillis when the source says the record was written (epoch millis; the cursor
 *     field or the file's last-modified time)
 * @param payload the record as a JSON object text (a CSV row becomes {"header": "value", ...}); for
 *     a refused record the raw text as read (a line, or a response body)
 * @param rejectReason {@code null} for a good record, else why it was refused (naming the field or
 *     the parse error)
 */
public record SourceRecord(
        String source,
        String dataset,
        String origin,
        long position,
        long sequence,
        long sourceTimeMillis,
        String payload,
        String rejectReason)
        implements Serializable {

    public boolean rejected() {
        return rejectReason != null;
    }

    public static SourceRecord good(
            String source,
            String dataset,
            String origin,
            long position,
            long sequence,
            long sourceTimeMillis,
            String payloadJson) {
        return new SourceRecord(
                source, dataset, origin, position, sequence, sourceTimeMillis, payloadJson, null);
    }

    public static SourceRecord rejected(
            String source,
            String dataset,
            String origin,
            long position,
            long sourceTimeMillis,
            String raw,
            String reason) {
        return new SourceRecord(
                source, dataset, origin, position, 0L, sourceTimeMillis, raw, reason);
    }
}
