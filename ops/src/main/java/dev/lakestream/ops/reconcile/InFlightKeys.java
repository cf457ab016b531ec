package dev.lakestream.ops.reconcile;

import dev.lakestream.catalog.BronzeTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Set;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The keys of one source table that changed recently: every key of a bronze row ingested at or
 * after {@code since} (T0 - grace). A key that differs between the source snapshot and silver and
 * is among them is in flight, not drift: the pipeline had not applied its change yet when the cycle
 * looked. Bronze is partitioned by day of {@code ingest_ts}, so the filter reads the last day or
 * two only.
 */
final class InFlightKeys {

    private InFlightKeys() {}

    /** The keys changed in bronze since {@code since}; {@code truncated[0]} set on a TRUNCATE. */
    static Set<RowKey> read(
            Catalog catalog,
            String bronzeNamespace,
            CanonicalRow row,
            Instant since,
            boolean[] truncated) {
        Table bronze =
                catalog.loadTable(BronzeTables.identifierFor(bronzeNamespace, row.sourceTable()));
        long sinceMicros = ChronoUnit.MICROS.between(Instant.EPOCH, since);
        Set<RowKey> keys = new HashSet<>();
        try (CloseableIterable<Record> rows =
                IcebergGenerics.read(bronze)
                        .select("key", "op", "ingest_ts")
                        .where(Expressions.greaterThanOrEqual("ingest_ts", sinceMicros))
                        .build()) {
            for (Record r : rows) {
                if (CanonicalRow.epochMicros((java.time.OffsetDateTime) r.getField("ingest_ts"))
                        < sinceMicros) {
                    continue;
                }
                if ("t".equals(r.getField("op"))) {
                    truncated[0] = true;
                }
                KeyJson.parse((String) r.getField("key"), row.keyColumns()).ifPresent(keys::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + bronze.name(), e);
        }
        return keys;
    }
}
