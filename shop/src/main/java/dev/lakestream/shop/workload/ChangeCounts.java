package dev.lakestream.shop.workload;

import dev.lakestream.shop.ShopSchema;

/**
 * Row changes of one database transaction that has not committed yet.
 *
 * <p>Kept apart from {@link WorkloadStats} so that a transaction that rolls back simply drops its
 * counts: nothing has to be subtracted again, and readers of the stats never see them.
 */
final class ChangeCounts {
    private final long[][] rows = new long[ShopSchema.TABLES.size()][RowOperation.values().length];

    /**
     * Adds the JDBC update count of a statement.
     *
     * @throws IllegalStateException if the driver did not report a count; the stats would no longer
     *     be exact
     */
    void add(String table, RowOperation operation, long count) {
        if (count < 0) {
            throw new IllegalStateException(
                    "the JDBC driver reported no row count ("
                            + count
                            + ") for "
                            + operation
                            + " on "
                            + table
                            + "; exact accounting needs real update counts"
                            + " (do not set reWriteBatchedInserts)");
        }
        rows[index(table)][operation.ordinal()] += count;
    }

    /** Adds the update counts of a batch, one per statement of it. */
    void add(String table, RowOperation operation, int[] batchCounts) {
        for (int n : batchCounts) {
            add(table, operation, n);
        }
    }

    long get(int tableIndex, RowOperation operation) {
        return rows[tableIndex][operation.ordinal()];
    }

    static int index(String table) {
        int index = ShopSchema.TABLES.indexOf(table);
        if (index < 0) {
            throw new IllegalArgumentException("unknown shop table '" + table + "'");
        }
        return index;
    }
}
