package dev.lakestream.ops.reconcile;

import dev.lakestream.catalog.SilverTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The silver side of a cycle: one silver table read at one snapshot (the current one when the cycle
 * reads it), with equality deletes applied by Iceberg's generic reader; rows are hashed in Java
 * with the same canonical text PostgreSQL uses.
 */
public final class SilverSnapshot {

    /** A silver row reduced to what a diff needs. */
    public record SilverRow(long hash, long lsn) {}

    private final Table table;
    private final CanonicalRow row;
    private final Long snapshotId;

    public SilverSnapshot(Table table, CanonicalRow row) {
        this.table = table;
        this.row = row;
        table.refresh();
        Snapshot current = table.currentSnapshot();
        this.snapshotId = current == null ? null : current.snapshotId();
    }

    /**
     * Rows and checksum per range index of the first key column; counts rows read into rowsRead.
     */
    public Map<Long, RangeSummary> ranges(long width, long[] rowsRead) {
        Map<Long, RangeSummary> ranges = new TreeMap<>();
        String first = row.keyColumns().get(0);
        forEach(
                null,
                r -> {
                    long index = Math.floorDiv(((Number) r.getField(first)).longValue(), width);
                    ranges.merge(
                            index,
                            RangeSummary.EMPTY.plus(RowHash.of(row.text(r))),
                            (a, b) ->
                                    new RangeSummary(
                                            a.rows() + b.rows(), a.checksum() + b.checksum()));
                    rowsRead[0]++;
                });
        return ranges;
    }

    /** Each row of a range: key, hash and {@code _lsn}. */
    public Map<RowKey, SilverRow> rows(KeyRange range) {
        Map<RowKey, SilverRow> rows = new TreeMap<>();
        forEach(
                range,
                r -> {
                    List<Long> key = new ArrayList<>();
                    for (String c : row.keyColumns()) {
                        key.add(((Number) r.getField(c)).longValue());
                    }
                    rows.put(
                            new RowKey(key),
                            new SilverRow(
                                    RowHash.of(row.text(r)),
                                    (Long) r.getField(SilverTables.LSN_COLUMN)));
                });
        return rows;
    }

    private void forEach(KeyRange range, java.util.function.Consumer<Record> action) {
        if (snapshotId == null) {
            return;
        }
        var scan = IcebergGenerics.read(table).useSnapshot(snapshotId);
        if (range != null) {
            scan =
                    scan.where(
                            Expressions.and(
                                    Expressions.greaterThanOrEqual(range.column(), range.start()),
                                    Expressions.lessThanOrEqual(range.column(), range.end())));
        }
        String first = row.keyColumns().get(0);
        try (CloseableIterable<Record> records = scan.build()) {
            for (Record r : records) {
                long k = ((Number) r.getField(first)).longValue();
                if (range == null || (k >= range.start() && k <= range.end())) {
                    action.accept(r);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + table.name(), e);
        }
    }
}
