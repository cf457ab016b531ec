package dev.lakestream.jobs.gold;

import java.math.BigDecimal;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * What one order adds to (sign +1) or takes back from (sign -1) its store's day: the order with its
 * lines, before the store's time zone has turned {@link #createdAt()} into a sale date.
 */
public class OrderContribution {

    public int sign;
    public long orderId;
    public long storeId;

    /** When the order was created, in microseconds since the epoch. */
    public long createdAtMicros;

    /** 0 for a guest checkout. */
    public long customerId;

    public boolean cancelled;
    public long items;
    public BigDecimal gross;
    public BigDecimal discounts;

    /** Highest source LSN folded into this contribution. */
    public long lsn;

    /** The order's date in its store's time zone (set by {@link LocalSaleDate}). */
    public String saleDate;

    /** The store's ISO currency (set by {@link LocalSaleDate}). */
    public String currency;

    /**
     * When the source committed the change that made this contribution, epoch ms; 0 when unknown.
     * For the commit-to-publish metric only.
     */
    public long sourceMillis;

    public static final TypeInformation<OrderContribution> TYPE =
            Types.POJO(
                    OrderContribution.class,
                    Map.ofEntries(
                            Map.entry("sign", Types.INT),
                            Map.entry("orderId", Types.LONG),
                            Map.entry("storeId", Types.LONG),
                            Map.entry("createdAtMicros", Types.LONG),
                            Map.entry("customerId", Types.LONG),
                            Map.entry("cancelled", Types.BOOLEAN),
                            Map.entry("items", Types.LONG),
                            Map.entry("gross", Types.BIG_DEC),
                            Map.entry("discounts", Types.BIG_DEC),
                            Map.entry("lsn", Types.LONG),
                            Map.entry("saleDate", Types.STRING),
                            Map.entry("currency", Types.STRING),
                            Map.entry("sourceMillis", Types.LONG)));

    public OrderContribution() {}

    /** When the order was created. */
    public java.time.Instant createdAt() {
        return java.time.Instant.EPOCH.plus(createdAtMicros, java.time.temporal.ChronoUnit.MICROS);
    }

    OrderContribution withSign(int newSign, long newLsn) {
        OrderContribution c = new OrderContribution();
        c.sign = newSign;
        c.orderId = orderId;
        c.storeId = storeId;
        c.createdAtMicros = createdAtMicros;
        c.customerId = customerId;
        c.cancelled = cancelled;
        c.items = items;
        c.gross = gross;
        c.discounts = discounts;
        c.lsn = newLsn;
        c.saleDate = saleDate;
        c.currency = currency;
        c.sourceMillis = sourceMillis;
        return c;
    }

    /** Same contribution, ignoring sign and LSN. */
    boolean sameAs(OrderContribution o) {
        return o != null
                && orderId == o.orderId
                && storeId == o.storeId
                && createdAtMicros == o.createdAtMicros
                && customerId == o.customerId
                && cancelled == o.cancelled
                && items == o.items
                && gross.compareTo(o.gross) == 0
                && discounts.compareTo(o.discounts) == 0;
    }

    @Override
    public String toString() {
        return (sign > 0 ? "+" : "-")
                + "order "
                + orderId
                + " store "
                + storeId
                + " at "
                + createdAt()
                + (cancelled ? " cancelled" : "")
                + " items "
                + items
                + " gross "
                + gross
                + " discounts "
                + discounts
                + " @"
                + lsn
                + (saleDate == null ? "" : " on " + saleDate + " " + currency);
    }
}
