package dev.lakestream.jobs.gold;

import dev.lakestream.jobs.changelog.RowChange;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
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
 *
 * <p>The state ({@link OrderState}) is typed and holds only what the metrics read; it is cleared
 * when the order row and its last line are deleted, and kept, without any expiry, for as long as
 * either lives: an order of a day long past can still be cancelled or corrected. It needs no
 * tombstone: its input is silver's changelog, already in LSN order per key ({@code
 * LsnOrderedApplier} keeps the tombstones), and an order and its lines share the key here.
 */
public class OrderContributions extends KeyedProcessFunction<Long, RowChange, OrderContribution> {

    private static final long serialVersionUID = 1L;
    static final String ORDERS = "shop.orders";
    static final String ORDER_LINES = "shop.order_lines";

    private transient ValueState<OrderState> state;

    @Override
    public void open(OpenContext openContext) {
        state =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>("order", OrderStateSerializer.INSTANCE));
    }

    /** The key both tables share. */
    public static long orderId(RowChange change) {
        return change.longValue("order_id", -1);
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
                s.storeId = change.longValue("store_id", -1);
                s.createdAtMicros = epochMicros(change.instant("created_at"));
                s.customerId = change.longValue("customer_id", 0);
                s.cancelled = "CANCELLED".equals(change.text("status"));
            }
        } else if (change.table.equals(ORDER_LINES)) {
            int line = (int) change.longValue("line_no", -1);
            if (delete) {
                s.lines.remove(line);
            } else {
                s.lines.put(
                        line,
                        new OrderLine(
                                change.longValue("quantity", 0),
                                cents(change.decimal("unit_price")),
                                cents(change.decimal("discount"))));
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
            OrderContribution retraction = before.withSign(-1, s.lsn);
            retraction.sourceMillis = change.sourceMillis;
            out.collect(retraction);
        }
        if (after != null) {
            OrderContribution addition = after.withSign(+1, s.lsn);
            addition.sourceMillis = change.sourceMillis;
            out.collect(addition);
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
        c.createdAtMicros = s.createdAtMicros;
        c.customerId = s.customerId;
        c.cancelled = s.cancelled;
        long grossCents = 0;
        long discountCents = 0;
        for (OrderLine line : s.lines.values()) {
            c.items += line.quantity;
            grossCents =
                    Math.addExact(
                            grossCents, Math.multiplyExact(line.unitPriceCents, line.quantity));
            discountCents = Math.addExact(discountCents, line.discountCents);
        }
        c.gross = BigDecimal.valueOf(grossCents, 2);
        c.discounts = BigDecimal.valueOf(discountCents, 2);
        c.lsn = s.lsn;
        return c;
    }

    /** An amount of the shop's {@code numeric(12,2)} columns in cents; more decimals fail. */
    static long cents(BigDecimal amount) {
        try {
            return amount.setScale(2, RoundingMode.UNNECESSARY).unscaledValue().longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    "an order line amount of "
                            + amount
                            + " is not in cents; gold keeps order lines in cents (OrderLine)",
                    e);
        }
    }

    static long epochMicros(Instant i) {
        if (i == null) {
            throw new IllegalArgumentException("an order without created_at reached gold");
        }
        return Math.addExact(
                Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
    }
}
