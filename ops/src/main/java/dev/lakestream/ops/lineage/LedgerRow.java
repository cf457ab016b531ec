package dev.lakestream.ops.lineage;

import dev.lakestream.catalog.LineageTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/** One row of {@code lineage.commits} ({@link LineageTables}). */
record LedgerRow(
        String job,
        String jobId,
        long checkpointId,
        String layer,
        String table,
        long changes,
        Long minPosition,
        Long maxPosition,
        List<String> origins,
        List<String> records,
        Instant recordedAt) {

    /** Whether this row's position range holds {@code position}. */
    boolean covers(long position) {
        return minPosition != null && minPosition <= position && position <= maxPosition;
    }

    /** The ledger's rows of one layer. */
    static List<LedgerRow> read(Table ledger, String layer) {
        return read(ledger, layer, Expressions.alwaysTrue());
    }

    /**
     * The ledger's rows of one layer that match {@code where} (a time window or position range,
     * which Iceberg prunes files and day partitions by).
     */
    static List<LedgerRow> read(Table ledger, String layer, Expression where) {
        List<LedgerRow> rows = new ArrayList<>();
        if (ledger.currentSnapshot() == null) {
            return rows;
        }
        try (CloseableIterable<Record> records =
                IcebergGenerics.read(ledger)
                        .where(Expressions.and(Expressions.equal("layer", layer), where))
                        .build()) {
            for (Record r : records) {
                rows.add(
                        new LedgerRow(
                                (String) r.getField("job"),
                                (String) r.getField("job_id"),
                                (Long) r.getField("checkpoint_id"),
                                (String) r.getField("layer"),
                                (String) r.getField("table_name"),
                                (Long) r.getField("changes"),
                                (Long) r.getField("min_position"),
                                (Long) r.getField("max_position"),
                                strings(r.getField("origins")),
                                strings(r.getField("records")),
                                ((OffsetDateTime) r.getField("recorded_at")).toInstant()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object list) {
        return list == null ? List.of() : List.copyOf((List<String>) list);
    }
}
