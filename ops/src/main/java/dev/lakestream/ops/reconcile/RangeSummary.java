package dev.lakestream.ops.reconcile;

/**
 * Rows and order-independent checksum of one key range on one side: the checksum is the sum, mod
 * 2^64, of each row's {@link RowHash}, so two sides agree whatever order they read their rows in.
 */
public record RangeSummary(long rows, long checksum) {

    public static final RangeSummary EMPTY = new RangeSummary(0, 0);

    public RangeSummary plus(long rowHash) {
        return new RangeSummary(rows + 1, checksum + rowHash);
    }
}
