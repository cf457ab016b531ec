package dev.lakestream.jobs.gold;

import dev.lakestream.jobs.silver.RowChange;
import java.math.BigDecimal;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins each order with its lines (keyed by order id) and turns every change of either into a
 * retraction of the order's old contribution and the addition of its new one.
 *
 * <pre>
 *  silver changelog of shop.orders + shop.order_lines --keyBy(order_id)--> [OrderContributions]
 *      --(-old, +new contribution)--> keyBy(store_id) --> LocalSaleDate --> DailyMetrics
 * </pre>
 *
 * An order that moves store or date, changes status or lines, or is deleted, takes its old
 * contribution back exactly, so the aggregation downstream never counts it twice. Retractions of
 * the input ({@code -U}) are not needed here: the state already holds the old row.
 */
public class OrderContributions extends KeyedProcessFunction<Long, RowChange, OrderContribution> {

    private static final long serialVersionUID = 1L;
    static final String ORDERS = "shop.orders";
    static final String ORDER_LINES = "shop.order_lines";

    private transient ValueState<OrderState> state;

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("order", OrderState.TYPE));
    }

    /** The key both tables share. */
    public static long orderId(RowChange change) {
        return JsonLiterals.longValue(change.values, "order_id", -1);
    }

    @Override
    public void processElement(RowChange change, Context ctx, Collector<OrderContribution> out)
            throws Exception {
        if (change.kind.equals("-U")) {
            return;
        }
        OrderState s = state.value();
        if (s == null) {
            s = new OrderState();
        }
        OrderContribution before = contribution(s, ctx.getCurrentKey());
        boolean delete = change.kind.equals("-D");
        if (change.table.equals(ORDERS)) {
            if (delete) {
                s.present = false;
            } else {
                s.present = true;
                s.storeId = JsonLiterals.longValue(change.values, "store_id", -1);
                s.createdAt = JsonLiterals.text(change.values, "created_at");
                s.customerId = JsonLiterals.longValue(change.values, "customer_id", 0);
                s.status = JsonLiterals.text(change.values, "status");
            }
        } else if (change.table.equals(ORDER_LINES)) {
            String line = JsonLiterals.text(change.values, "line_no");
            if (delete) {
                s.lines.remove(line);
            } else {
                s.lines.put(
                        line,
                        JsonLiterals.text(change.values, "quantity")
                                + ";"
                                + JsonLiterals.text(change.values, "unit_price")
                                + ";"
                                + JsonLiterals.text(change.values, "discount"));
            }
        } else {
            throw new IllegalArgumentException(
                    "OrderContributions got a change of " + change.table);
        }
        s.lsn = Math.max(s.lsn, change.lsn);
        if (!s.present && s.lines.isEmpty()) {
            state.clear();
        } else {
            state.update(s);
        }
        OrderContribution after = contribution(s, ctx.getCurrentKey());
        if (before != null && before.sameAs(after)) {
            return;
        }
        if (before != null) {
            out.collect(before.withSign(-1, s.lsn));
        }
        if (after != null) {
            out.collect(after.withSign(+1, s.lsn));
        }
    }

    /** The order's current contribution, or null while the order row is unknown or deleted. */
    static OrderContribution contribution(OrderState s, long orderId) {
        if (!s.present) {
            return null;
        }
        OrderContribution c = new OrderContribution();
        c.orderId = orderId;
        c.storeId = s.storeId;
        c.createdAt = s.createdAt;
        c.customerId = s.customerId;
        c.cancelled = "CANCELLED".equals(s.status);
        c.gross = BigDecimal.ZERO;
        c.discounts = BigDecimal.ZERO;
        for (Map.Entry<String, String> line : s.lines.entrySet()) {
            String[] parts = line.getValue().split(";", 3);
            long quantity = Long.parseLong(parts[0]);
            BigDecimal unitPrice = new BigDecimal(parts[1]);
            BigDecimal discount =
                    parts[2].equals("null") ? BigDecimal.ZERO : new BigDecimal(parts[2]);
            c.items += quantity;
            c.gross = c.gross.add(unitPrice.multiply(BigDecimal.valueOf(quantity)));
            c.discounts = c.discounts.add(discount);
        }
        c.lsn = s.lsn;
        return c;
    }
}
