package dev.lakestream.ops.reconcile;

import dev.lakestream.catalog.SilverTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
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

    /**
     * Rows kept from the full read, so a differing range needs no second read: up to this many per
     * table (about 150 bytes each), beyond which differing ranges are read again with a key filter.
     */
    static final int RETAINED_ROWS = 500_000;

    private final Table table;
    private final CanonicalRow row;
    private final Long snapshotId;
    private NavigableMap<RowKey, SilverRow> retained = new TreeMap<>();

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
        forEach(
                null,
                r -> {
                    RowKey key = keyOf(r);
                    SilverRow silverRow = silverRow(r);
                    ranges.merge(
                            Math.floorDiv(key.first(), width),
                            RangeSummary.EMPTY.plus(silverRow.hash()),
                            (a, b) ->
                                    new RangeSummary(
                                            a.rows() + b.rows(), a.checksum() + b.checksum()));
                    if (retained != null) {
                        retained.put(key, silverRow);
                        if (retained.size() > RETAINED_ROWS) {
                            retained = null;
                        }
                    }
                    rowsRead[0]++;
                });
        return ranges;
    }

    /**
     * Each row of a range: key, hash and {@code _lsn}; from memory when the full read kept them.
     */
    public Map<RowKey, SilverRow> rows(KeyRange range) {
        if (retained != null) {
            return retained.subMap(
                    RowKey.of(range.start()), true, RowKey.of(range.end() + 1), false);
        }
        Map<RowKey, SilverRow> rows = new TreeMap<>();
        forEach(range, r -> rows.put(keyOf(r), silverRow(r)));
        return rows;
    }

    private RowKey keyOf(Record r) {
        List<Long> key = new ArrayList<>();
        for (String c : row.keyColumns()) {
            key.add(((Number) r.getField(c)).longValue());
        }
        return new RowKey(key);
    }

    private SilverRow silverRow(Record r) {
        return new SilverRow(RowHash.of(row.text(r)), (Long) r.getField(SilverTables.LSN_COLUMN));
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
