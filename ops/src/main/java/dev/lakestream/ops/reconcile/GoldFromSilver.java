package dev.lakestream.ops.reconcile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Gold's core metrics recomputed from silver, as {@code sales_daily_metrics} defines them (see
 * {@code GoldReconciliation}, the SQL oracle): per (sale_date, store_id), where sale_date is the
 * order's {@code created_at} in its store's IANA time zone, the count of orders not cancelled, the
 * count of cancelled orders, and, over the lines of orders not cancelled, the items sold and the
 * net revenue (quantity x unit_price - discount). Orders of a store silver has no row of wait in
 * gold (quarantine.gold_pending) and are left out here too.
 */
final class GoldFromSilver {

    /** The compared metrics of one gold key. */
    record Metrics(long orders, long cancelled, long items, BigDecimal netRevenue) {

        static Metrics of(Record gold) {
            return new Metrics(
                    (Long) gold.getField("order_count"),
                    (Long) gold.getField("cancelled_order_count"),
                    (Long) gold.getField("items_sold"),
                    (BigDecimal) gold.getField("net_revenue"));
        }

        /** Canonical text: the four metrics, the revenue at two decimals. */
        String text() {
            return orders
                    + "|"
                    + cancelled
                    + "|"
                    + items
                    + "|"
                    + netRevenue.setScale(2).toPlainString();
        }
    }

    private GoldFromSilver() {}

    /** Key (epoch day of sale_date, store_id) to metrics, from the three silver tables. */
    static Map<RowKey, Metrics> compute(
            Table stores,
            Long storesSnapshot,
            Table orders,
            Long ordersSnapshot,
            Table lines,
            Long linesSnapshot) {
        Map<Long, ZoneId> zones = new HashMap<>();
        read(
                stores,
                storesSnapshot,
                r ->
                        zones.put(
                                (Long) r.getField("store_id"),
                                ZoneId.of((String) r.getField("time_zone"))),
                "store_id",
                "time_zone");
        Map<Long, long[]> items = new HashMap<>();
        Map<Long, BigDecimal> net = new HashMap<>();
        read(
                lines,
                linesSnapshot,
                r -> {
                    long order = (Long) r.getField("order_id");
                    long quantity = ((Number) r.getField("quantity")).longValue();
                    BigDecimal lineNet =
                            ((BigDecimal) r.getField("unit_price"))
                                    .multiply(BigDecimal.valueOf(quantity))
                                    .subtract((BigDecimal) r.getField("discount"));
                    items.computeIfAbsent(order, o -> new long[1])[0] += quantity;
                    net.merge(order, lineNet, BigDecimal::add);
                },
                "order_id",
                "quantity",
                "unit_price",
                "discount");
        Map<RowKey, Metrics> gold = new TreeMap<>();
        read(
                orders,
                ordersSnapshot,
                r -> {
                    long store = (Long) r.getField("store_id");
                    ZoneId zone = zones.get(store);
                    if (zone == null) {
                        return;
                    }
                    long order = (Long) r.getField("order_id");
                    LocalDate day =
                            ((OffsetDateTime) r.getField("created_at"))
                                    .atZoneSameInstant(zone)
                                    .toLocalDate();
                    boolean cancelled = "CANCELLED".equals(r.getField("status"));
                    Metrics m =
                            cancelled
                                    ? new Metrics(0, 1, 0, BigDecimal.ZERO)
                                    : new Metrics(
                                            1,
                                            0,
                                            items.getOrDefault(order, new long[1])[0],
                                            net.getOrDefault(order, BigDecimal.ZERO));
                    gold.merge(
                            RowKey.of(day.toEpochDay(), store),
                            m,
                            (a, b) ->
                                    new Metrics(
                                            a.orders + b.orders,
                                            a.cancelled + b.cancelled,
                                            a.items + b.items,
                                            a.netRevenue.add(b.netRevenue)));
                },
                "order_id",
                "store_id",
                "status",
                "created_at");
        return gold;
    }

    /** Gold's rows at its snapshot: key to metrics. */
    static Map<RowKey, Metrics> gold(Table gold, Long snapshot) {
        Map<RowKey, Metrics> rows = new TreeMap<>();
        read(
                gold,
                snapshot,
                r ->
                        rows.put(
                                RowKey.of(
                                        ((LocalDate) r.getField("sale_date")).toEpochDay(),
                                        (Long) r.getField("store_id")),
                                Metrics.of(r)),
                "sale_date",
                "store_id",
                "order_count",
                "cancelled_order_count",
                "items_sold",
                "net_revenue");
        return rows;
    }

    private static void read(
            Table table, Long snapshot, Consumer<Record> action, String... columns) {
        if (snapshot == null) {
            return;
        }
        try (CloseableIterable<Record> rows =
                IcebergGenerics.read(table).useSnapshot(snapshot).select(columns).build()) {
            rows.forEach(action);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + table.name(), e);
        }
    }
}
