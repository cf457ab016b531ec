package dev.lakestream.jobs.gold;

import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * A change of one store's visitors on one local date: {@link #delta} people added (a counter's hour
 * arriving) or removed (a corrected hour retracting its old count). {@link #sequence} is the
 * sequence of the foot-traffic record that caused it; the highest one seen becomes part of the gold
 * version.
 *
 * <p>A Flink POJO with explicit type information ({@link #TYPE}), so it never falls back to Kryo.
 */
public class VisitorCount {

    public String saleDate;
    public long storeId;
    public long delta;
    public long sequence;

    public static final TypeInformation<VisitorCount> TYPE =
            Types.POJO(
                    VisitorCount.class,
                    Map.of(
                            "saleDate", Types.STRING,
                            "storeId", Types.LONG,
                            "delta", Types.LONG,
                            "sequence", Types.LONG));

    public VisitorCount() {}

    public VisitorCount(String saleDate, long storeId, long delta, long sequence) {
        this.saleDate = saleDate;
        this.storeId = storeId;
        this.delta = delta;
        this.sequence = sequence;
    }

    /** The gold key it belongs to, e.g. {@code 2026-11-29|3}. */
    public String groupKey() {
        return saleDate + "|" + storeId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VisitorCount v
                && storeId == v.storeId
                && delta == v.delta
                && sequence == v.sequence
                && Objects.equals(saleDate, v.saleDate);
    }

    @Override
    public int hashCode() {
        return Objects.hash(saleDate, storeId, delta, sequence);
    }

    @Override
    public String toString() {
        return saleDate + " store " + storeId + " visitors " + (delta >= 0 ? "+" : "") + delta;
    }
}
