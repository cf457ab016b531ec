package dev.lakestream.ops.reconcile;

/**
 * A fixed-width range of the first key column, {@code [index * width, index * width + width - 1]},
 * named as an operator reads it: {@code shop.orders order_id [1000, 1999]}.
 */
public record KeyRange(String table, String column, long index, long width) {

    /** The range of a key value (floor division, so negative ids get ranges of their own). */
    public static KeyRange containing(String table, String column, long key, long width) {
        return new KeyRange(table, column, Math.floorDiv(key, width), width);
    }

    public long start() {
        return index * width;
    }

    public long end() {
        return index * width + width - 1;
    }

    public String name() {
        return table + " " + column + " [" + start() + ", " + end() + "]";
    }
}
