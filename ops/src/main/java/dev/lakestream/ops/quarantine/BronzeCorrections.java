package dev.lakestream.ops.quarantine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakestream.jobs.changelog.Corrections;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The rows of one change in its bronze table: the refused original, and a correction appended for
 * it (see {@link Corrections}). Bronze stays append-only: a correction is one more row of the same
 * key and LSN, appended in a snapshot whose summary names the reject ({@link #SUMMARY_PROPERTY}).
 */
public final class BronzeCorrections {

    /** The bronze snapshot summary property of a correction: the reject it corrects. */
    public static final String SUMMARY_PROPERTY = "lakestream.reinject";

    private final Table bronze;

    BronzeCorrections(Table bronze) {
        this.bronze = bronze;
    }

    String tableName() {
        return bronze.name();
    }

    /** The table's current snapshot: what holds a correction whose own snapshot has expired. */
    long currentSnapshotId() {
        bronze.refresh();
        return bronze.currentSnapshot().snapshotId();
    }

    /** The bronze rows of the change (key and LSN), original and corrections alike. */
    private List<Record> rowsOf(String key, long lsn) {
        bronze.refresh();
        List<Record> rows = new ArrayList<>();
        try (CloseableIterable<Record> records =
                IcebergGenerics.read(bronze)
                        .where(
                                Expressions.and(
                                        Expressions.equal("lsn", lsn),
                                        Expressions.equal("key", key)))
                        .build()) {
            for (Record r : records) {
                if (key.equals(r.getField("key")) && Long.valueOf(lsn).equals(r.getField("lsn"))) {
                    rows.add(r);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + bronze.name(), e);
        }
        return rows;
    }

    /**
     * The LSN of a delete of the key newer than the change, if bronze holds one. A correction of a
     * change older than a delete must not be re-injected: the TransformationJob drops it while it
     * remembers the delete, but after the tombstone retention it would bring the row back.
     */
    Optional<Long> deletedAfter(String key, long lsn) {
        bronze.refresh();
        Long newest = null;
        try (CloseableIterable<Record> records =
                IcebergGenerics.read(bronze)
                        .where(
                                Expressions.and(
                                        Expressions.equal("key", key),
                                        Expressions.equal("op", "d")))
                        .select("key", "op", "lsn")
                        .build()) {
            for (Record r : records) {
                long deleted = (Long) r.getField("lsn");
                if (key.equals(r.getField("key"))
                        && "d".equals(r.getField("op"))
                        && deleted > lsn
                        && (newest == null || deleted > newest)) {
                    newest = deleted;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + bronze.name(), e);
        }
        return Optional.ofNullable(newest);
    }

    /** The change as captured (not a correction), if bronze still holds it. */
    Optional<Record> original(String key, long lsn) {
        return rowsOf(key, lsn).stream()
                .filter(r -> !Corrections.isCorrection((String) r.getField("origin")))
                .filter(r -> !"d".equals(r.getField("op")))
                .findFirst();
    }

    /**
     * The corrections already in bronze for this reject (same table, key and LSN): what a retried
     * command finds when an earlier run appended the correction and stopped before recording it.
     */
    List<Record> corrections(String sourceTable, String key, long lsn) {
        List<Record> found = new ArrayList<>();
        for (Record r : rowsOf(key, lsn)) {
            String origin = (String) r.getField("origin");
            if (Corrections.isCorrection(origin)) {
                JsonNode reject = Corrections.provenance(origin).path("reject");
                if (sourceTable.equals(reject.path("source_table").asText())
                        && reject.path("lsn").asLong() == lsn) {
                    found.add(r);
                }
            }
        }
        return found;
    }

    /** The snapshot that appended the correction of this reject, while bronze still keeps it. */
    Optional<Long> snapshotOf(String rejectId) {
        bronze.refresh();
        return IcebergAppends.snapshotWith(bronze, SUMMARY_PROPERTY, rejectId)
                .map(Snapshot::snapshotId);
    }

    /**
     * Appends a correction: the original's source, op, transaction and commit time, the same key
     * and LSN, the fixed image and the provenance as origin.
     *
     * @return the id of the bronze snapshot that holds it
     */
    long append(
            Optional<Record> original,
            String sourceTable,
            String op,
            String key,
            long lsn,
            String after,
            String origin,
            String rejectId) {
        GenericRecord r = GenericRecord.create(bronze.schema());
        r.setField(
                "source", original.map(o -> o.getField("source")).orElse("lakestream:quarantine"));
        r.setField("source_table", sourceTable);
        r.setField("op", original.map(o -> o.getField("op")).orElse(op));
        r.setField("lsn", lsn);
        r.setField("tx_id", original.map(o -> o.getField("tx_id")).orElse(null));
        r.setField("source_ts", original.map(o -> o.getField("source_ts")).orElse(null));
        r.setField("ingest_ts", Instant.now().atOffset(ZoneOffset.UTC));
        r.setField("key", key);
        r.setField("before", original.map(o -> o.getField("before")).orElse(null));
        r.setField("after", after);
        r.setField("unavailable_columns", null);
        r.setField("origin", origin);
        r.setField("origin_position", 0L);
        r.setField("after_types", original.map(o -> o.getField("after_types")).orElse(null));
        return IcebergAppends.append(bronze, List.of(r), Map.of(SUMMARY_PROPERTY, rejectId));
    }
}
