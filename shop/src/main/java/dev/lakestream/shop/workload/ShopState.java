package dev.lakestream.shop.workload;

import dev.lakestream.shop.ShopSchema;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The generator's in-memory picture of the shop: which ids exist, each order's status and line
 * numbers, each product's price, and the logical clock.
 *
 * <p>The generator needs this to pick rows to change without reading the database in every
 * transaction, and, more importantly, to stay deterministic: every choice depends only on this
 * state and the random source, never on the order in which the database happens to return rows. All
 * collections are sorted for the same reason.
 *
 * <p>It is {@link #load loaded} from the database rather than carried over from a previous run,
 * which is what makes the generator resumable: a new generator on an existing database continues
 * after the highest ids and the latest timestamp it finds. The highest order id is never deleted
 * (see {@link #pickOrders}), so it is a true high-water mark and ids are not reused.
 */
final class ShopState {

    record Store(long id, ZoneId zone, String currency) {}

    static final class Order {
        OrderStatus status;

        /** ISO code of the store's currency, in which the order's lines are priced. */
        final String currency;

        final TreeSet<Integer> lines = new TreeSet<>();

        Order(OrderStatus status, String currency) {
            this.status = status;
            this.currency = currency;
        }
    }

    final List<Store> stores = new ArrayList<>();
    final IdPool customers = new IdPool();

    /** Current list price (USD) of every product, active or not. */
    final TreeMap<Long, BigDecimal> productPrices = new TreeMap<>();

    /** Active products: the ones new lines and price changes pick from. */
    final IdPool products = new IdPool();

    final TreeMap<Long, Order> orders = new TreeMap<>();
    private final Map<OrderStatus, IdPool> ordersByStatus = new EnumMap<>(OrderStatus.class);
    long maxCustomerId;
    long maxProductId;
    long maxOrderId;
    Instant clock;

    ShopState(Instant clock) {
        this.clock = clock;
        for (OrderStatus status : OrderStatus.values()) {
            ordersByStatus.put(status, new IdPool());
        }
    }

    /**
     * Reads the current contents of the shop schema. The orders of inactive stores are history the
     * workload never touches (a store out of service; the latency benchmark's probe store), and
     * their times do not move its clock; new order ids still start above theirs.
     *
     * @param clockStart the clock's value if the database holds no later timestamp
     */
    static ShopState load(Connection connection, Instant clockStart) throws SQLException {
        ShopState state = new ShopState(clockStart);
        try (Statement st = connection.createStatement()) {
            try (ResultSet rs =
                    st.executeQuery(
                            "SELECT store_id, time_zone, currency FROM "
                                    + ShopSchema.STORES
                                    + " WHERE active ORDER BY store_id")) {
                while (rs.next()) {
                    state.stores.add(
                            new Store(rs.getLong(1), zone(rs.getString(2)), rs.getString(3)));
                }
            }
            try (ResultSet rs =
                    st.executeQuery(
                            "SELECT customer_id FROM "
                                    + ShopSchema.CUSTOMERS
                                    + " ORDER BY customer_id")) {
                while (rs.next()) {
                    state.customers.add(rs.getLong(1));
                    state.maxCustomerId = rs.getLong(1);
                }
            }
            try (ResultSet rs =
                    st.executeQuery(
                            "SELECT product_id, list_price, active FROM "
                                    + ShopSchema.PRODUCTS
                                    + " ORDER BY product_id")) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    state.productPrices.put(id, rs.getBigDecimal(2));
                    if (rs.getBoolean(3)) {
                        state.products.add(id);
                    }
                    state.maxProductId = id;
                }
            }
            try (ResultSet rs =
                    st.executeQuery(
                            "SELECT o.order_id, o.status, s.currency FROM "
                                    + ShopSchema.ORDERS
                                    + " o JOIN "
                                    + ShopSchema.STORES
                                    + " s ON s.store_id = o.store_id WHERE s.active"
                                    + " ORDER BY o.order_id")) {
                while (rs.next()) {
                    state.addOrder(
                            rs.getLong(1), OrderStatus.valueOf(rs.getString(2)), rs.getString(3));
                }
            }
            try (ResultSet rs =
                    st.executeQuery(
                            "SELECT order_id, line_no FROM "
                                    + ShopSchema.ORDER_LINES
                                    + " ORDER BY order_id, line_no")) {
                while (rs.next()) {
                    Order order = state.orders.get(rs.getLong(1));
                    if (order != null) { // else an order of an inactive store
                        order.lines.add(rs.getInt(2));
                    }
                }
            }
            // new orders take ids above every order, the inactive stores' too
            try (ResultSet rs = st.executeQuery("SELECT max(order_id) FROM " + ShopSchema.ORDERS)) {
                if (rs.next()) {
                    state.maxOrderId = Math.max(state.maxOrderId, rs.getLong(1));
                }
            }
        }
        try (PreparedStatement ps =
                        connection.prepareStatement(
                                "SELECT greatest((SELECT max(o.updated_at) FROM "
                                        + ShopSchema.ORDERS
                                        + " o JOIN "
                                        + ShopSchema.STORES
                                        + " s ON s.store_id = o.store_id WHERE s.active"
                                        + "), (SELECT max(updated_at) FROM "
                                        + ShopSchema.CUSTOMERS
                                        + "), (SELECT max(updated_at) FROM "
                                        + ShopSchema.PRODUCTS
                                        + "))");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            OffsetDateTime latest = rs.getObject(1, OffsetDateTime.class);
            if (latest != null && latest.toInstant().isAfter(state.clock)) {
                state.clock = latest.toInstant();
            }
        }
        return state;
    }

    private static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            // A store typed in by hand with a zone Java does not know: book it in UTC.
            return ZoneOffset.UTC;
        }
    }

    /**
     * A number that differs between most database states, mixed into the random seed so that a
     * resumed run does not replay the choices of the run before it.
     */
    long fingerprint() {
        long h = maxOrderId;
        h = h * 31 + maxCustomerId;
        h = h * 31 + maxProductId;
        h = h * 31 + orders.size();
        h = h * 31 + clock.getEpochSecond();
        return h * 31 + clock.getNano();
    }

    Order addOrder(long id, OrderStatus status, String currency) {
        Order order = new Order(status, currency);
        orders.put(id, order);
        ordersByStatus.get(status).add(id);
        maxOrderId = Math.max(maxOrderId, id);
        return order;
    }

    void setStatus(long id, OrderStatus status) {
        Order order = orders.get(id);
        ordersByStatus.get(order.status).remove(id);
        order.status = status;
        ordersByStatus.get(status).add(id);
    }

    void removeOrder(long id) {
        Order order = orders.remove(id);
        ordersByStatus.get(order.status).remove(id);
    }

    int countOrders(EnumSet<OrderStatus> statuses) {
        int n = 0;
        for (OrderStatus status : statuses) {
            n += ordersByStatus.get(status).size();
        }
        return n;
    }

    /**
     * Draws up to {@code count} distinct orders whose status is in {@code statuses}, ascending.
     *
     * @param excluded an order id never to return, or 0
     */
    List<Long> pickOrders(
            SplittableRandom random, int count, EnumSet<OrderStatus> statuses, long excluded) {
        int total = countOrders(statuses);
        int available = total - (excluded > 0 && statuses.contains(statusOf(excluded)) ? 1 : 0);
        int wanted = Math.min(count, available);
        TreeSet<Long> chosen = new TreeSet<>();
        for (int attempt = 0; attempt < wanted * 4 + 4 && chosen.size() < wanted; attempt++) {
            int r = random.nextInt(total);
            for (OrderStatus status : statuses) {
                IdPool pool = ordersByStatus.get(status);
                if (r < pool.size()) {
                    long id = pool.pick(random);
                    if (id != excluded) {
                        chosen.add(id);
                    }
                    break;
                }
                r -= pool.size();
            }
        }
        return new ArrayList<>(chosen);
    }

    private OrderStatus statusOf(long id) {
        Order order = orders.get(id);
        return order == null ? null : order.status;
    }
}
