package dev.lakestream.shop.workload;

import static dev.lakestream.shop.ShopSchema.CUSTOMERS;
import static dev.lakestream.shop.ShopSchema.ORDERS;
import static dev.lakestream.shop.ShopSchema.ORDER_LINES;
import static dev.lakestream.shop.ShopSchema.PRODUCTS;
import static dev.lakestream.shop.workload.ShopRows.bindCustomer;
import static dev.lakestream.shop.workload.ShopRows.bindLines;
import static dev.lakestream.shop.workload.ShopRows.bindOrder;
import static dev.lakestream.shop.workload.ShopRows.lineCount;
import static dev.lakestream.shop.workload.ShopRows.oneToThree;
import static dev.lakestream.shop.workload.ShopRows.quantity;
import static dev.lakestream.shop.workload.ShopRows.timestamp;
import static dev.lakestream.shop.workload.ShopStatements.CANCEL_ORDER;
import static dev.lakestream.shop.workload.ShopStatements.DELETE_LINE;
import static dev.lakestream.shop.workload.ShopStatements.DELETE_ORDER;
import static dev.lakestream.shop.workload.ShopStatements.DELETE_ORDER_LINES;
import static dev.lakestream.shop.workload.ShopStatements.INSERT_CUSTOMER;
import static dev.lakestream.shop.workload.ShopStatements.INSERT_LINE;
import static dev.lakestream.shop.workload.ShopStatements.INSERT_ORDER;
import static dev.lakestream.shop.workload.ShopStatements.TOUCH_ORDER;
import static dev.lakestream.shop.workload.ShopStatements.UPDATE_EMAIL;
import static dev.lakestream.shop.workload.ShopStatements.UPDATE_LINE_DISCOUNT;
import static dev.lakestream.shop.workload.ShopStatements.UPDATE_LINE_QUANTITY;
import static dev.lakestream.shop.workload.ShopStatements.UPDATE_ORDER_STATUS;
import static dev.lakestream.shop.workload.ShopStatements.UPDATE_PRICE;
import static dev.lakestream.shop.workload.ShopStatements.expectOne;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The workload's transactions (see {@link TransactionKind}): each runs its statements on the
 * session, keeps the in-memory picture of the shop ({@link ShopState}) in step, and counts the rows
 * it changed. A kind that finds nothing to work on runs another one (usually a new order) and
 * returns the kind it actually ran. The caller commits.
 */
final class ShopTransactions {

    private static final EnumSet<OrderStatus> OPEN =
            EnumSet.of(OrderStatus.PLACED, OrderStatus.PAID);
    private static final EnumSet<OrderStatus> UNFINISHED =
            EnumSet.of(OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.SHIPPED);
    private static final EnumSet<OrderStatus> FINISHED =
            EnumSet.of(OrderStatus.DELIVERED, OrderStatus.CANCELLED);
    private static final EnumSet<OrderStatus> ANY = EnumSet.allOf(OrderStatus.class);

    private static final int MAX_LINES_PER_ORDER = 12;

    private final ShopSession session;
    private final ShopState state;
    private final SplittableRandom random;

    ShopTransactions(ShopSession session, ShopState state, SplittableRandom random) {
        this.session = session;
        this.state = state;
        this.random = random;
    }

    /** Runs one transaction's statements; returns the kind actually run (see fallbacks). */
    TransactionKind execute(TransactionKind kind, ChangeCounts changes) throws SQLException {
        switch (kind) {
            case NEW_ORDER:
                return newOrder(changes);
            case STATUS_CHANGE:
                return statusChange(changes);
            case LINE_EDIT:
                return lineEdit(changes);
            case CANCELLATION:
                return cancellation(changes);
            case ORDER_DELETE:
                return orderDelete(changes);
            case PRICE_CHANGE:
                return priceChange(changes);
            case NEW_CUSTOMER:
                return newCustomer(changes);
            case EMAIL_UPDATE:
                return emailUpdate(changes);
            default:
                throw new AssertionError(kind);
        }
    }

    void advanceClock() {
        state.clock =
                state.clock
                        .plusSeconds(1 + random.nextInt(120))
                        .plusNanos(random.nextInt(1_000_000) * 1000L);
    }

    private TransactionKind newOrder(ChangeCounts changes) throws SQLException {
        ShopState.Store store = ShopData.pick(random, state.stores);
        moveClockToAwkwardHour(store.zone());
        long id = state.maxOrderId + 1;
        PreparedStatement orders = session.statement(INSERT_ORDER);
        bindOrder(
                orders,
                random,
                id,
                store,
                state.customers,
                OrderStatus.PLACED,
                state.clock,
                state.clock);
        orders.addBatch();
        changes.add(ORDERS, RowOperation.INSERT, orders.executeBatch());
        PreparedStatement lines = session.statement(INSERT_LINE);
        int lineCount = lineCount(random);
        bindLines(
                lines,
                random,
                id,
                store.currency(),
                state.products,
                state.productPrices,
                1,
                lineCount);
        changes.add(ORDER_LINES, RowOperation.INSERT, lines.executeBatch());
        ShopState.Order order = state.addOrder(id, OrderStatus.PLACED, store.currency());
        for (int line = 1; line <= lineCount; line++) {
            order.lines.add(line);
        }
        return TransactionKind.NEW_ORDER;
    }

    /**
     * Sometimes moves the clock forward to 23:30-24:00 in the store's zone or to within 45 s of
     * midnight UTC: the hours at which "the order's day" depends on the time zone used.
     */
    private void moveClockToAwkwardHour(ZoneId storeZone) {
        int choice = random.nextInt(100);
        int offsetSeconds = random.nextInt(1800);
        long micros = random.nextInt(1_000_000);
        Instant now = state.clock;
        Instant target;
        if (choice < 3) {
            LocalDate day = now.atZone(storeZone).toLocalDate();
            target = localLateEvening(day, storeZone, offsetSeconds, micros);
            if (!target.isAfter(now)) {
                target = localLateEvening(day.plusDays(1), storeZone, offsetSeconds, micros);
            }
        } else if (choice < 6) {
            LocalDate day = now.atZone(ZoneOffset.UTC).toLocalDate();
            target = aroundUtcMidnight(day.plusDays(1), offsetSeconds, micros);
            if (!target.isAfter(now)) {
                target = aroundUtcMidnight(day.plusDays(2), offsetSeconds, micros);
            }
        } else {
            return;
        }
        state.clock = target;
    }

    private static Instant localLateEvening(
            LocalDate day, ZoneId zone, int offsetSeconds, long micros) {
        return day.atTime(23, 30)
                .plusSeconds(offsetSeconds)
                .atZone(zone)
                .toInstant()
                .plusNanos(micros * 1000);
    }

    private static Instant aroundUtcMidnight(LocalDate day, int offsetSeconds, long micros) {
        return day.atStartOfDay(ZoneOffset.UTC)
                .toInstant()
                .minusSeconds(45)
                .plusSeconds(offsetSeconds % 90)
                .plusNanos(micros * 1000);
    }

    private TransactionKind statusChange(ChangeCounts changes) throws SQLException {
        if (state.countOrders(UNFINISHED) == 0) {
            return newOrder(changes);
        }
        List<Long> ids = state.pickOrders(random, oneToThree(random), UNFINISHED, 0);
        PreparedStatement ps = session.statement(UPDATE_ORDER_STATUS);
        for (long id : ids) {
            OrderStatus next = state.orders.get(id).status.next();
            ps.setString(1, next.name());
            ps.setObject(2, timestamp(state.clock));
            ps.setLong(3, id);
            changes.add(ORDERS, RowOperation.UPDATE, expectOne(ps.executeUpdate(), id));
            state.setStatus(id, next);
        }
        return TransactionKind.STATUS_CHANGE;
    }

    private TransactionKind lineEdit(ChangeCounts changes) throws SQLException {
        if (state.countOrders(OPEN) == 0) {
            return newOrder(changes);
        }
        long orderId = state.pickOrders(random, 1, OPEN, 0).get(0);
        ShopState.Order order = state.orders.get(orderId);
        List<Integer> lines = new ArrayList<>(order.lines);
        // 0-34 change a quantity, 35-59 change a discount, 60-84 add a line, 85-99 remove one;
        // an add to a full order or a removal of the only line changes a quantity instead.
        // Adding after removing the last line reuses its number: a delete and an insert of the
        // same key, which the pipeline downstream must apply in order.
        int action = random.nextInt(100);
        if (lines.isEmpty()
                || (action >= 60 && action < 85 && lines.size() < MAX_LINES_PER_ORDER)) {
            int lineNo = lines.isEmpty() ? 1 : lines.get(lines.size() - 1) + 1;
            PreparedStatement ps = session.statement(INSERT_LINE);
            bindLines(
                    ps,
                    random,
                    orderId,
                    order.currency,
                    state.products,
                    state.productPrices,
                    lineNo,
                    1);
            changes.add(ORDER_LINES, RowOperation.INSERT, ps.executeBatch());
            order.lines.add(lineNo);
        } else if (action >= 85 && lines.size() > 1) {
            int lineNo = ShopData.pick(random, lines);
            PreparedStatement ps = session.statement(DELETE_LINE);
            ps.setLong(1, orderId);
            ps.setInt(2, lineNo);
            changes.add(ORDER_LINES, RowOperation.DELETE, expectOne(ps.executeUpdate(), orderId));
            order.lines.remove(lineNo);
        } else if (action < 35 || action >= 60) {
            int lineNo = ShopData.pick(random, lines);
            PreparedStatement ps = session.statement(UPDATE_LINE_QUANTITY);
            int quantity = quantity(random);
            ps.setInt(1, quantity);
            ps.setInt(2, quantity);
            ps.setLong(3, orderId);
            ps.setInt(4, lineNo);
            changes.add(ORDER_LINES, RowOperation.UPDATE, expectOne(ps.executeUpdate(), orderId));
        } else {
            int lineNo = ShopData.pick(random, lines);
            PreparedStatement ps = session.statement(UPDATE_LINE_DISCOUNT);
            ps.setBigDecimal(1, BigDecimal.valueOf(random.nextInt(6) * 5L, 2));
            ps.setInt(2, ShopData.currency(order.currency).scale());
            ps.setLong(3, orderId);
            ps.setInt(4, lineNo);
            changes.add(ORDER_LINES, RowOperation.UPDATE, expectOne(ps.executeUpdate(), orderId));
        }
        PreparedStatement touch = session.statement(TOUCH_ORDER);
        touch.setObject(1, timestamp(state.clock));
        touch.setLong(2, orderId);
        changes.add(ORDERS, RowOperation.UPDATE, expectOne(touch.executeUpdate(), orderId));
        return TransactionKind.LINE_EDIT;
    }

    private TransactionKind cancellation(ChangeCounts changes) throws SQLException {
        if (state.countOrders(OPEN) == 0) {
            return newOrder(changes);
        }
        int count = random.nextInt(100) < 85 ? 1 : 2;
        PreparedStatement ps = session.statement(CANCEL_ORDER);
        for (long id : state.pickOrders(random, count, OPEN, 0)) {
            ps.setObject(1, timestamp(state.clock));
            ps.setString(2, ShopData.pick(random, ShopData.CANCELLATION_REASONS));
            ps.setLong(3, id);
            changes.add(ORDERS, RowOperation.UPDATE, expectOne(ps.executeUpdate(), id));
            state.setStatus(id, OrderStatus.CANCELLED);
        }
        return TransactionKind.CANCELLATION;
    }

    /**
     * Deletes finished orders (or any, if none is finished), never the one with the highest id:
     * that id is the high-water mark a resumed generator continues from.
     */
    private TransactionKind orderDelete(ChangeCounts changes) throws SQLException {
        int count = random.nextInt(100) < 80 ? 1 : 2;
        long newest = state.maxOrderId;
        EnumSet<OrderStatus> from = FINISHED;
        if (state.countOrders(FINISHED) - (isFinished(newest) ? 1 : 0) <= 0) {
            from = ANY;
        }
        List<Long> ids = state.pickOrders(random, count, from, newest);
        if (ids.isEmpty()) {
            return newOrder(changes);
        }
        PreparedStatement deleteLines = session.statement(DELETE_ORDER_LINES);
        PreparedStatement deleteOrder = session.statement(DELETE_ORDER);
        for (long id : ids) {
            deleteLines.setLong(1, id);
            changes.add(ORDER_LINES, RowOperation.DELETE, deleteLines.executeUpdate());
            deleteOrder.setLong(1, id);
            changes.add(ORDERS, RowOperation.DELETE, expectOne(deleteOrder.executeUpdate(), id));
            state.removeOrder(id);
        }
        return TransactionKind.ORDER_DELETE;
    }

    private boolean isFinished(long orderId) {
        ShopState.Order order = state.orders.get(orderId);
        return order != null && order.status.isFinished();
    }

    private TransactionKind priceChange(ChangeCounts changes) throws SQLException {
        PreparedStatement ps = session.statement(UPDATE_PRICE);
        for (long id : state.products.pickDistinct(random, oneToThree(random))) {
            BigDecimal old = state.productPrices.get(id);
            BigDecimal price;
            if (random.nextInt(10) == 0) {
                price = old; // a re-confirmed price: the row is still updated and logged
            } else {
                BigDecimal factor = BigDecimal.valueOf(850 + random.nextInt(351), 3);
                price =
                        old.multiply(factor)
                                .setScale(2, RoundingMode.HALF_EVEN)
                                .max(new BigDecimal("0.99"));
            }
            ps.setBigDecimal(1, price);
            ps.setObject(2, timestamp(state.clock));
            ps.setLong(3, id);
            changes.add(PRODUCTS, RowOperation.UPDATE, expectOne(ps.executeUpdate(), id));
            state.productPrices.put(id, price);
        }
        return TransactionKind.PRICE_CHANGE;
    }

    private TransactionKind newCustomer(ChangeCounts changes) throws SQLException {
        int count = random.nextInt(100) < 90 ? 1 : 2;
        PreparedStatement ps = session.statement(INSERT_CUSTOMER);
        for (int i = 0; i < count; i++) {
            long id = state.maxCustomerId + 1;
            bindCustomer(ps, random, id, state.clock);
            changes.add(CUSTOMERS, RowOperation.INSERT, ps.executeUpdate());
            state.customers.add(id);
            state.maxCustomerId = id;
        }
        return TransactionKind.NEW_CUSTOMER;
    }

    private TransactionKind emailUpdate(ChangeCounts changes) throws SQLException {
        if (state.customers.isEmpty()) {
            return newCustomer(changes);
        }
        long id = state.customers.pick(random);
        PreparedStatement ps = session.statement(UPDATE_EMAIL);
        ps.setString(1, ShopData.pick(random, ShopData.EMAIL_DOMAINS));
        if (random.nextInt(100) < 30) {
            ps.setShort(2, (short) random.nextInt(4));
        } else {
            ps.setNull(2, Types.SMALLINT);
        }
        ps.setObject(3, timestamp(state.clock));
        ps.setLong(4, id);
        changes.add(CUSTOMERS, RowOperation.UPDATE, expectOne(ps.executeUpdate(), id));
        return TransactionKind.EMAIL_UPDATE;
    }
}
