package dev.lakestream.jobs.ingestion;

import dev.lakestream.jobs.bronze.BronzeRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.table.data.RowData;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * What a restored REST or file source will read again and its tables already hold: the bronze rows
 * and quarantine rows of one source written since the restored checkpoint, as a multiset of
 * fingerprints. A row read again whose fingerprint is in it is dropped, once per row held.
 *
 * <p>Why: restoring a savepoint older than the last checkpoint (a rollback) rewinds the source to
 * the savepoint's cursor or file offsets, but the Iceberg tables keep what the runs after it
 * committed (the sink's own duplicate guard only knows the checkpoints of the job that wrote them).
 * Without the fence every record read since the savepoint would land a second time.
 *
 * <p>The fingerprint is the content, not the provenance: a bronze row's {@code lsn} (the REST
 * cursor value, or the file's last-modified second and line) and {@code after}; a refused record's
 * reason and raw text. A REST query replayed from an old cursor returns the records of several
 * later polls in other pages and positions, so its origin and position differ while the record is
 * the same; two records with equal cursor value and equal content are the same record.
 *
 * <p>"Since the restored checkpoint" is by the time each row was made ({@code ingest_ts}, {@code
 * rejected_at}), which the same operator stamps right after the barrier of that checkpoint passed
 * it ({@link #pointInTime}); {@link #CLOCK_MARGIN} covers the clocks of other TaskManagers. Rows a
 * little older than the checkpoint in the set are harmless: the source never reads them again.
 */
final class ReplayFence {

    /** How far other TaskManagers' clocks may be behind the one that took the checkpoint. */
    static final Duration CLOCK_MARGIN = Duration.ofMinutes(1);

    private final Map<Fingerprint, Integer> held = new HashMap<>();
    private long dropped;

    record Fingerprint(long high, long low) {}

    /** An empty fence: nothing is dropped (a fresh start, or state from before the fence). */
    static ReplayFence none() {
        return new ReplayFence();
    }

    /**
     * The rows of {@code source} in its bronze table and in the ingestion quarantine made at or
     * after {@code checkpointTimeMillis} minus {@link #CLOCK_MARGIN}.
     */
    static ReplayFence load(Table bronze, Table rejects, String source, long checkpointTimeMillis) {
        ReplayFence fence = new ReplayFence();
        long fromMillis = checkpointTimeMillis - CLOCK_MARGIN.toMillis();
        fence.loadFrom(bronze, source, "ingest_ts", fromMillis, ReplayFence::bronzeFingerprint);
        fence.loadFrom(rejects, source, "rejected_at", fromMillis, ReplayFence::rejectFingerprint);
        return fence;
    }

    private void loadFrom(
            Table table,
            String source,
            String timeColumn,
            long fromMillis,
            java.util.function.Function<Record, Fingerprint> fingerprint) {
        table.refresh();
        try (CloseableIterable<Record> rows =
                IcebergGenerics.read(table)
                        .where(
                                Expressions.and(
                                        Expressions.equal("source", source),
                                        Expressions.greaterThanOrEqual(
                                                timeColumn, fromMillis * 1000L)))
                        .build()) {
            for (Record r : rows) {
                OffsetDateTime made = (OffsetDateTime) r.getField(timeColumn);
                if (source.equals(r.getField("source"))
                        && made.toInstant().toEpochMilli() >= fromMillis) {
                    held.merge(fingerprint.apply(r), 1, Integer::sum);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + table.name() + " for the fence", e);
        }
    }

    /** Rows held. */
    int size() {
        return held.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Rows dropped so far. */
    long dropped() {
        return dropped;
    }

    /** True when this bronze row is already held: drop it (it is taken out of the set). */
    boolean holdsBronze(RowData row) {
        return !held.isEmpty()
                && take(
                        fingerprint(
                                Long.toString(row.getLong(BronzeRow.LSN)),
                                text(row, BronzeRow.AFTER)));
    }

    /** True when this quarantine row (reason at 4, raw at 5) is already held. */
    boolean holdsReject(RowData row) {
        return !held.isEmpty() && take(fingerprint(text(row, 4), text(row, 5)));
    }

    private boolean take(Fingerprint f) {
        Integer n = held.get(f);
        if (n == null) {
            return false;
        }
        if (n == 1) {
            held.remove(f);
        } else {
            held.put(f, n - 1);
        }
        dropped++;
        return true;
    }

    private static Fingerprint bronzeFingerprint(Record r) {
        return fingerprint(String.valueOf(r.getField("lsn")), (String) r.getField("after"));
    }

    private static Fingerprint rejectFingerprint(Record r) {
        return fingerprint((String) r.getField("reason"), (String) r.getField("raw"));
    }

    private static String text(RowData row, int field) {
        return row.isNullAt(field) ? null : row.getString(field).toString();
    }

    /** 128 bits of SHA-256 over the two texts, each length-prefixed (null: length -1). */
    static Fingerprint fingerprint(String a, String b) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            update(sha, a);
            update(sha, b);
            ByteBuffer digest = ByteBuffer.wrap(sha.digest());
            return new Fingerprint(digest.getLong(), digest.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void update(MessageDigest sha, String s) {
        if (s == null) {
            sha.update(ByteBuffer.allocate(4).putInt(-1).array());
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
    }

    /** The time to stamp into a checkpoint: now, on this operator's clock. */
    static long pointInTime() {
        return System.currentTimeMillis();
    }
}
