package dev.lakestream.ops.reconcile;

import java.util.List;

/**
 * The primary key of a shop row, integer columns in key order; ordered column by column, so "the
 * first differing key" means the same on both sides.
 */
public record RowKey(List<Long> values) implements Comparable<RowKey> {

    public RowKey {
        values = List.copyOf(values);
    }

    public static RowKey of(Long... values) {
        return new RowKey(List.of(values));
    }

    /** The first key column: what cuts the ranges. */
    public long first() {
        return values.get(0);
    }

    @Override
    public int compareTo(RowKey o) {
        for (int i = 0; i < Math.min(values.size(), o.values.size()); i++) {
            int c = Long.compare(values.get(i), o.values.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(values.size(), o.values.size());
    }

    /** {@code 42} or {@code (42,3)}. */
    @Override
    public String toString() {
        if (values.size() == 1) {
            return values.get(0).toString();
        }
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < values.size(); i++) {
            s.append(i == 0 ? "" : ",").append(values.get(i));
        }
        return s.append(')').toString();
    }
}
