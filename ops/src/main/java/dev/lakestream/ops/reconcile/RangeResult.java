package dev.lakestream.ops.reconcile;

/**
 * One compared key range of one check: a row of {@code ops.reconciliation}.
 *
 * @param check {@link #SOURCE_SILVER} or {@link #SILVER_GOLD}
 * @param keysDiffering keys that drift (neither in flight nor explained)
 * @param firstKeys a few example keys, in key order
 */
public record RangeResult(
        String check,
        String table,
        String rangeName,
        String rangeStart,
        String rangeEnd,
        RangeSummary source,
        RangeSummary target,
        Status status,
        long keysDiffering,
        String firstKeys,
        String detail) {

    public static final String SOURCE_SILVER = "source_silver";
    public static final String SILVER_GOLD = "silver_gold";

    /** What a range came to; the order is precedence (drift wins over the rest). */
    public enum Status {
        OK,
        IN_FLIGHT,
        EXPLAINED,
        DRIFT;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
