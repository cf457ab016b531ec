package dev.lakestream.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Reads a bronze table back as change events: for checks (tests, the local stack's {@code verify})
 * and for operators inspecting what was captured. Not for the hot path: it reads the whole current
 * snapshot.
 */
public final class BronzeChanges {

    private BronzeChanges() {}

    /** One bronze row. */
    public record Change(
            String source,
            String sourceTable,
            String op,
            long lsn,
            Long txId,
            OffsetDateTime sourceTs,
            OffsetDateTime ingestTs,
            String key,
            String before,
            String after,
            List<String> unavailableColumns) {}

    /**
     * Every captured change of the table's current snapshot. Corrections re-injected from the
     * quarantine ({@link BronzeTables#CORRECTION_ORIGIN_PREFIX}) are left out: they were not
     * captured, and a check of bronze against the source would count each as a duplicate change.
     */
    public static List<Change> readAll(Table table) {
        table.refresh();
        List<Change> changes = new ArrayList<>();
        if (table.currentSnapshot() == null) {
            return changes;
        }
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            for (Record r : records) {
                String origin = (String) r.getField("origin");
                if (origin != null && origin.startsWith(BronzeTables.CORRECTION_ORIGIN_PREFIX)) {
                    continue;
                }
                @SuppressWarnings("unchecked")
                List<String> unavailable = (List<String>) r.getField("unavailable_columns");
                changes.add(
                        new Change(
                                (String) r.getField("source"),
                                (String) r.getField("source_table"),
                                (String) r.getField("op"),
                                (Long) r.getField("lsn"),
                                (Long) r.getField("tx_id"),
                                (OffsetDateTime) r.getField("source_ts"),
                                (OffsetDateTime) r.getField("ingest_ts"),
                                (String) r.getField("key"),
                                (String) r.getField("before"),
                                (String) r.getField("after"),
                                unavailable == null ? List.of() : List.copyOf(unavailable)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return changes;
    }

    /** Rows in the current snapshot, from its summary (no data read). */
    public static long committedRows(Table table) {
        table.refresh();
        if (table.currentSnapshot() == null) {
            return 0L;
        }
        String total = table.currentSnapshot().summary().get("total-records");
        return total == null ? 0L : Long.parseLong(total);
    }
}
