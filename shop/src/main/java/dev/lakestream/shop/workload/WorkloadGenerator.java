package dev.lakestream.shop.workload;

import static dev.lakestream.shop.ShopSchema.CUSTOMERS;
import static dev.lakestream.shop.ShopSchema.ORDERS;
import static dev.lakestream.shop.ShopSchema.ORDER_LINES;
import static dev.lakestream.shop.ShopSchema.PRODUCTS;
import static dev.lakestream.shop.ShopSchema.STORES;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a reproducible retail OLTP workload into the {@code shop} schema, for a CDC pipeline to
 * capture, and counts exactly what it committed.
 *
 * <h2>Determinism</h2>
 *
 * Given the same {@link WorkloadConfig} and a database with the same contents, a generator issues
 * the same statements with the same values. Every choice comes from a {@link SplittableRandom}
 * seeded from the config (and, for transactions, from a fingerprint of the database state, so that
 * a resumed run does not replay its predecessor); every collection it draws from is sorted; and all
 * timestamps come from a logical clock that starts at {@link WorkloadConfig#clockStart()} and
 * advances a random number of seconds per transaction. The wall clock only decides <em>when</em> a
 * transaction runs (rate and duration), never what it writes. This is what lets a test compare two
 * runs row by row, or re-create a failing run exactly.
 *
 * <h2>Resumability</h2>
 *
 * Ids come from the generator, not from sequences. Before its first transaction the generator reads
 * the ids, order statuses, line numbers, prices and the latest timestamp from the database ({@link
 * ShopState}), so a generator started on a database that an earlier run left behind carries on
 * without key collisions and with a clock that does not go backwards. If a transaction fails, that
 * picture may hold changes that were rolled back; it is dropped and read again before the next
 * transaction.
 *
 * <h2>Accounting</h2>
 *
 * {@link WorkloadStats} is what a CDC pipeline's output is checked against, so it counts rows from
 * JDBC update counts and only after a commit returned. Deletes never rely on {@code ON DELETE
 * CASCADE}: an order's lines are deleted by their own, counted statement first, because the
 * cascade's row deletions would appear in the change stream but not in any update count.
 *
 * <h2>Shapes of change</h2>
 *
 * The transaction kinds (see {@link TransactionKind}) are picked to produce the cases a CDC
 * pipeline gets wrong: multi-table, multi-row transactions; transactions that update several
 * orders; deletes of parents with children; key reuse within an order (a removed line number can be
 * given to a new line); updates of a row whose TOASTed description stays untouched; and timestamps
 * at 23:30 local store time and just around midnight UTC, where local and UTC dates differ.
 *
 * <p>A generator uses one connection from one thread and is not thread-safe, except {@link
 * #stats()} and {@link #stop()}, which other threads may call while it runs. It expects to be the
 * only writer of the shop tables.
 */
public final class WorkloadGenerator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkloadGenerator.class);

    private static final String INSERT_STORE =
            "INSERT INTO "
                    + STORES
                    + " (store_id, code, name, region, city, country, time_zone, currency,"
                    + " opened_on, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_CUSTOMER =
            "INSERT INTO "
                    + CUSTOMERS
                    + " (customer_id, email, full_name, country, loyalty_tier, created_at,"
                    + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_PRODUCT =
            "INSERT INTO "
                    + PRODUCTS
                    + " (product_id, sku, name, category, description, list_price, active,"
                    + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_ORDER =
            "INSERT INTO "
                    + ORDERS
                    + " (order_id, store_id, customer_id, channel, status, created_at, updated_at,"
                    + " note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_LINE =
            "INSERT INTO "
                    + ORDER_LINES
                    + " (order_id, line_no, product_id, quantity, unit_price, discount)"
                    + " VALUES (?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_ORDER_STATUS =
            "UPDATE " + ORDERS + " SET status = ?, updated_at = ? WHERE order_id = ?";
    private static final String CANCEL_ORDER =
            "UPDATE "
                    + ORDERS
                    + " SET status = 'CANCELLED', updated_at = ?, note = ? WHERE order_id = ?";
    private static final String TOUCH_ORDER =
            "UPDATE " + ORDERS + " SET updated_at = ? WHERE order_id = ?";
    // a smaller quantity caps the line's discount at the new line amount, as a till would:
    // a discount above its line is invalid data that silver quarantines
    private static final String UPDATE_LINE_QUANTITY =
            "UPDATE "
                    + ORDER_LINES
                    + " SET quantity = ?, discount = least(discount, unit_price * ?)"
                    + " WHERE order_id = ? AND line_no = ?";
    private static final String UPDATE_LINE_DISCOUNT =
            "UPDATE "
                    + ORDER_LINES
                    + " SET discount = round(unit_price * quantity * ?, ?)"
                    + " WHERE order_id = ? AND line_no = ?";
    private static final String DELETE_LINE =
            "DELETE FROM " + ORDER_LINES + " WHERE order_id = ? AND line_no = ?";
    private static final String DELETE_ORDER_LINES =
            "DELETE FROM " + ORDER_LINES + " WHERE order_id = ?";
    private static final String DELETE_ORDER = "DELETE FROM " + ORDERS + " WHERE order_id = ?";

    /** Deliberately leaves {@code description} out: its TOASTed value must stay untouched. */
    private static final String UPDATE_PRICE =
            "UPDATE " + PRODUCTS + " SET list_price = ?, updated_at = ? WHERE product_id = ?";

    private static final String UPDATE_EMAIL =
            "UPDATE "
                    + CUSTOMERS
                    + " SET email = split_part(email, '@', 1) || '@' || ?,"
                    + " loyalty_tier = coalesce(?, loyalty_tier), updated_at = ?"
                    + " WHERE customer_id = ?";

    private static final EnumSet<OrderStatus> OPEN =
            EnumSet.of(OrderStatus.PLACED, OrderStatus.PAID);
    private static final EnumSet<OrderStatus> UNFINISHED =
            EnumSet.of(OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.SHIPPED);
    private static final EnumSet<OrderStatus> FINISHED =
            EnumSet.of(OrderStatus.DELIVERED, OrderStatus.CANCELLED);
    private static final EnumSet<OrderStatus> ANY = EnumSet.allOf(OrderStatus.class);

    private static final int SEED_CHUNK = 500;
    private static final int MAX_LINES_PER_ORDER = 12;
    private static final long REANCHOR_LAG_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Connection connection;
    private final boolean ownsConnection;
    private final WorkloadConfig config;
    private final WorkloadStats stats = new WorkloadStats();
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private volatile boolean stopRequested;

    private Boolean callerAutoCommit;
    private ShopState state;
    private SplittableRandom random;
    private long lastProgressNanos;
    private long transactionsAtLastProgress;

    /**
     * Creates a generator on a connection that the caller keeps ownership of.
     *
     * <p>The generator switches the connection to manual commit while it works and restores the
     * previous auto-commit setting in {@link #close()}, which does not close the connection.
     * Nothing is read or written before the first call of a seeding or run method.
     */
    public WorkloadGenerator(Connection connection, WorkloadConfig config) {
        this(connection, config, false);
    }

    private WorkloadGenerator(Connection connection, WorkloadConfig config, boolean owns) {
        if (connection == null) {
            throw new IllegalArgumentException("connection must not be null");
        }
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        this.connection = connection;
        this.config = config;
        this.ownsConnection = owns;
    }

    /**
     * Opens a connection that the returned generator owns and closes in {@link #close()}.
     *
     * @param password may be null when the server does not ask for one
     */
    public static WorkloadGenerator connect(
            String jdbcUrl, String user, String password, WorkloadConfig config)
            throws SQLException {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        return new WorkloadGenerator(
                DriverManager.getConnection(jdbcUrl, properties), config, true);
    }

    /** Takes a connection from {@code dataSource}; the generator closes it in {@link #close()}. */
    public static WorkloadGenerator connect(DataSource dataSource, WorkloadConfig config)
            throws SQLException {
        return new WorkloadGenerator(dataSource.getConnection(), config, true);
    }

    public WorkloadConfig config() {
        return config;
    }

    /** The live counters; safe to read from any thread while the generator runs. */
    public WorkloadStats stats() {
        return stats;
    }

    /**
     * Asks a running (or future) run to return after its current transaction. Permanent: later runs
     * of this generator return at once. Safe to call from any thread.
     */
    public void stop() {
        stopRequested = true;
    }

    // ---------------------------------------------------------------------------------------
    // seeding

    /**
     * Inserts the reference data (stores, customers, products) and the configured number of
     * historical orders, unless the shop already has stores.
     *
     * <p>Seeding commits in chunks of a few hundred rows, each chunk counted in {@link #stats()} as
     * a seed transaction. All timestamps lie before the config's clock start, so the workload's own
     * transactions come after them.
     *
     * @return true if it seeded, false if stores already existed and nothing was written
     */
    public boolean seedReferenceData() throws SQLException {
        prepareConnection();
        long existingStores;
        try (PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM " + STORES);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            existingStores = rs.getLong(1);
        } finally {
            connection.rollback();
        }
        if (existingStores > 0) {
            LOG.info(
                    "{} already holds {} stores; reference data left as it is",
                    STORES,
                    existingStores);
            return false;
        }

        SplittableRandom seedRandom = new SplittableRandom(config.seed());
        Instant start = config.clockStart().truncatedTo(ChronoUnit.MICROS);

        List<ShopState.Store> stores = new ArrayList<>();
        inSeedTransaction(changes -> seedStores(seedRandom, stores, changes));

        for (int from = 1; from <= config.customers(); from += SEED_CHUNK) {
            int first = from;
            int last = Math.min(config.customers(), from + SEED_CHUNK - 1);
            inSeedTransaction(changes -> seedCustomers(seedRandom, start, first, last, changes));
        }

        IdPool activeProducts = new IdPool();
        TreeMap<Long, BigDecimal> prices = new TreeMap<>();
        for (int from = 1; from <= config.products(); from += SEED_CHUNK) {
            int first = from;
            int last = Math.min(config.products(), from + SEED_CHUNK - 1);
            inSeedTransaction(
                    changes ->
                            seedProducts(
                                    seedRandom,
                                    start,
                                    first,
                                    last,
                                    activeProducts,
                                    prices,
                                    changes));
        }

        IdPool customers = new IdPool();
        for (long id = 1; id <= config.customers(); id++) {
            customers.add(id);
        }
        for (int from = 1; from <= config.initialOrders(); from += SEED_CHUNK) {
            int first = from;
            int last = Math.min(config.initialOrders(), from + SEED_CHUNK - 1);
            inSeedTransaction(
                    changes ->
                            seedOrders(
                                    seedRandom,
                                    start,
                                    first,
                                    last,
                                    stores,
                                    customers,
                                    activeProducts,
                                    prices,
                                    changes));
        }

        // the workload reads its picture of the shop from what was committed
        state = null;
        WorkloadStats.Snapshot s = stats.snapshot();
        LOG.info(
                "seeded the shop: {} stores, {} customers, {} products, {} orders with {} lines"
                        + " in {} transactions",
                s.rows(STORES, RowOperation.INSERT),
                s.rows(CUSTOMERS, RowOperation.INSERT),
                s.rows(PRODUCTS, RowOperation.INSERT),
                s.rows(ORDERS, RowOperation.INSERT),
                s.rows(ORDER_LINES, RowOperation.INSERT),
                s.seedTransactions());
        return true;
    }

    private void seedStores(SplittableRandom r, List<ShopState.Store> stores, ChangeCounts changes)
            throws SQLException {
        PreparedStatement ps = statement(INSERT_STORE);
        LocalDate firstOpening = LocalDate.of(2012, 3, 1);
        for (int i = 0; i < config.stores(); i++) {
            ShopData.StoreTemplate t = ShopData.STORES.get(i % ShopData.STORES.size());
            int round = i / ShopData.STORES.size() + 1;
            long id = i + 1;
            ps.setLong(1, id);
            ps.setString(2, String.format(Locale.ROOT, "%s-%02d", t.code(), round));
            ps.setString(3, round == 1 ? t.name() : t.name() + " " + round);
            ps.setString(4, t.region());
            ps.setString(5, t.city());
            ps.setString(6, t.country());
            ps.setString(7, t.timeZone());
            ps.setString(8, t.currency());
            ps.setObject(9, firstOpening.plusDays(r.nextInt(4000)));
            ps.setBoolean(10, true);
            ps.addBatch();
            stores.add(new ShopState.Store(id, ZoneId.of(t.timeZone()), t.currency()));
        }
        count(changes, STORES, RowOperation.INSERT, ps.executeBatch());
    }

    private void seedCustomers(
            SplittableRandom r, Instant start, long first, long last, ChangeCounts changes)
            throws SQLException {
        PreparedStatement ps = statement(INSERT_CUSTOMER);
        for (long id = first; id <= last; id++) {
            Instant created =
                    start.minus(1 + r.nextInt(1500), ChronoUnit.DAYS)
                            .minusSeconds(r.nextInt(86_400))
                            .minusNanos(r.nextInt(1_000_000) * 1000L);
            bindCustomer(ps, r, id, created);
            ps.addBatch();
        }
        count(changes, CUSTOMERS, RowOperation.INSERT, ps.executeBatch());
    }

    private void seedProducts(
            SplittableRandom r,
            Instant start,
            long first,
            long last,
            IdPool activeProducts,
            Map<Long, BigDecimal> prices,
            ChangeCounts changes)
            throws SQLException {
        PreparedStatement ps = statement(INSERT_PRODUCT);
        for (long id = first; id <= last; id++) {
            String category = ShopData.pick(r, ShopData.CATEGORIES);
            String name = ShopData.productName(r, category);
            String description;
            if (id % 10 == 1) {
                // one in ten, product 1 included, is long enough to be stored out of line
                description = ShopData.longDescription(r, name, 5000 + r.nextInt(4000));
            } else if (r.nextInt(10) == 0) {
                description = null;
            } else {
                description = ShopData.shortDescription(r, name, category);
            }
            BigDecimal price = BigDecimal.valueOf(199 + r.nextInt(49_800), 2);
            boolean active = id == 1 || r.nextInt(20) != 0;
            ps.setLong(1, id);
            ps.setString(2, ShopData.sku(id, category));
            ps.setString(3, name);
            ps.setString(4, category);
            ps.setString(5, description);
            ps.setBigDecimal(6, price);
            ps.setBoolean(7, active);
            ps.setObject(8, timestamp(start.minus(1 + r.nextInt(365), ChronoUnit.DAYS)));
            ps.addBatch();
            prices.put(id, price);
            if (active) {
                activeProducts.add(id);
            }
        }
        count(changes, PRODUCTS, RowOperation.INSERT, ps.executeBatch());
    }

    private void seedOrders(
            SplittableRandom r,
            Instant start,
            long first,
            long last,
            List<ShopState.Store> stores,
            IdPool customers,
            IdPool products,
            Map<Long, BigDecimal> prices,
            ChangeCounts changes)
            throws SQLException {
        PreparedStatement orders = statement(INSERT_ORDER);
        PreparedStatement lines = statement(INSERT_LINE);
        Instant latestUpdate = start.minusSeconds(1);
        for (long id = first; id <= last; id++) {
            ShopState.Store store = ShopData.pick(r, stores);
            Instant created =
                    start.minusSeconds(60 + r.nextInt(60 * 86_400))
                            .minusNanos(r.nextInt(1_000_000) * 1000L);
            int s = r.nextInt(100);
            OrderStatus status =
                    s < 55
                            ? OrderStatus.DELIVERED
                            : s < 65
                                    ? OrderStatus.CANCELLED
                                    : s < 75
                                            ? OrderStatus.SHIPPED
                                            : s < 87 ? OrderStatus.PAID : OrderStatus.PLACED;
            Instant updated =
                    status == OrderStatus.PLACED
                            ? created
                            : min(created.plusSeconds(600 + r.nextInt(5 * 86_400)), latestUpdate);
            bindOrder(orders, r, id, store, customers, status, created, updated);
            orders.addBatch();
            bindLines(lines, r, id, store.currency(), products, prices, 1, lineCount(r));
        }
        count(changes, ORDERS, RowOperation.INSERT, orders.executeBatch());
        count(changes, ORDER_LINES, RowOperation.INSERT, lines.executeBatch());
    }

    // ---------------------------------------------------------------------------------------
    // running

    /**
     * Runs until the config's {@link WorkloadConfig#maxTransactions()} or {@link
     * WorkloadConfig#duration()} is reached, whichever comes first, or until {@link #stop()} or an
     * interrupt; with neither limit set, only the latter two end it.
     *
     * @return the number of transactions committed by this call
     */
    public long run() throws SQLException {
        long max = config.maxTransactions() == 0 ? Long.MAX_VALUE : config.maxTransactions();
        return loop(max, config.duration());
    }

    /**
     * Runs {@code n} transactions at the config's rate (or fewer if stopped or interrupted).
     *
     * @return the number of transactions committed by this call
     */
    public long runTransactions(long n) throws SQLException {
        if (n < 0) {
            throw new IllegalArgumentException("transactions must be >= 0, was " + n);
        }
        return loop(n, Duration.ZERO);
    }

    /**
     * Runs at the config's rate for {@code duration} of wall-clock time (or less if stopped or
     * interrupted). A transaction under way when the time is up is finished.
     *
     * @return the number of transactions committed by this call
     */
    public long run(Duration duration) throws SQLException {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be > 0, was " + duration);
        }
        return loop(Long.MAX_VALUE, duration);
    }

    private long loop(long maxTransactions, Duration limit) throws SQLException {
        prepareConnection();
        ensureState();
        long start = System.nanoTime();
        boolean bounded = !limit.isZero();
        long deadline = bounded ? start + saturatedNanos(limit) : 0;
        double intervalNanos = config.rate() > 0 ? 1e9 / config.rate() : 0;
        long anchor = start;
        long sinceAnchor = 0;
        long done = 0;
        lastProgressNanos = start;
        transactionsAtLastProgress = stats.transactions();
        while (done < maxTransactions
                && !stopRequested
                && !Thread.currentThread().isInterrupted()) {
            if (intervalNanos > 0) {
                long due = anchor + (long) (sinceAnchor * intervalNanos);
                if (!awaitUntil(due, bounded, deadline)) {
                    break;
                }
                long now = System.nanoTime();
                if (now - due > REANCHOR_LAG_NANOS) {
                    // far behind schedule (slow database): do not burst to catch up
                    anchor = now;
                    sinceAnchor = 0;
                }
            }
            if (bounded && System.nanoTime() - deadline >= 0) {
                break;
            }
            executeOne();
            done++;
            sinceAnchor++;
            logProgressIfDue();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info(
                "workload run ended after {} transactions in {} s ({} tx/s); {} row changes in"
                        + " total; logical clock at {}",
                done,
                String.format(Locale.ROOT, "%.1f", seconds),
                String.format(Locale.ROOT, "%.1f", seconds > 0 ? done / seconds : 0.0),
                stats.totalRows(),
                state == null ? "?" : state.clock);
        return done;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    /** Parks until {@code due}; false if stopped, interrupted or past the deadline first. */
    private boolean awaitUntil(long due, boolean bounded, long deadline) {
        while (true) {
            if (stopRequested || Thread.currentThread().isInterrupted()) {
                return false;
            }
            long now = System.nanoTime();
            if (bounded && now - deadline >= 0) {
                return false;
            }
            long wait = due - now;
            if (wait <= 0) {
                return true;
            }
            if (bounded) {
                wait = Math.min(wait, deadline - now);
            }
            LockSupport.parkNanos(Math.min(wait, MAX_PARK_NANOS));
        }
    }

    private void logProgressIfDue() {
        long now = System.nanoTime();
        long elapsed = now - lastProgressNanos;
        if (elapsed < config.progressInterval().toNanos()) {
            return;
        }
        long transactions = stats.transactions();
        double rate = (transactions - transactionsAtLastProgress) * 1e9 / elapsed;
        LOG.info(
                "workload: {} transactions committed ({} tx/s), {} row changes, logical clock"
                        + " at {}",
                transactions,
                String.format(Locale.ROOT, "%.1f", rate),
                stats.totalRows(),
                state.clock);
        lastProgressNanos = now;
        transactionsAtLastProgress = transactions;
    }

    private void ensureState() throws SQLException {
        if (state != null) {
            return;
        }
        try {
            state = ShopState.load(connection, config.clockStart().truncatedTo(ChronoUnit.MICROS));
        } finally {
            connection.rollback();
        }
        if (state.stores.isEmpty() || state.products.isEmpty()) {
            state = null;
            throw new IllegalStateException(
                    "the shop has no active stores or products; apply the schema and seed it"
                            + " first (seedReferenceData(), or --init on the command line)");
        }
        random = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + state.fingerprint());
        LOG.info(
                "workload state: {} stores, {} customers, {} products, {} orders (highest id {}),"
                        + " logical clock at {}",
                state.stores.size(),
                state.customers.size(),
                state.productPrices.size(),
                state.orders.size(),
                state.maxOrderId,
                state.clock);
    }

    private void executeOne() throws SQLException {
        ensureState();
        TransactionKind planned = config.mix().pick(random);
        ChangeCounts changes = new ChangeCounts();
        TransactionKind executed;
        try {
            advanceClock();
            executed = execute(planned, changes);
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackAfter(e);
            // the in-memory picture may contain the rolled-back changes: read it again
            state = null;
            throw e;
        }
        stats.recordTransaction(executed, changes);
    }

    /** Runs one transaction's statements; returns the kind actually run (see fallbacks). */
    private TransactionKind execute(TransactionKind kind, ChangeCounts changes)
            throws SQLException {
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

    private void advanceClock() {
        state.clock =
                state.clock
                        .plusSeconds(1 + random.nextInt(120))
                        .plusNanos(random.nextInt(1_000_000) * 1000L);
    }

    private TransactionKind newOrder(ChangeCounts changes) throws SQLException {
        ShopState.Store store = ShopData.pick(random, state.stores);
        moveClockToAwkwardHour(store.zone());
        long id = state.maxOrderId + 1;
        PreparedStatement orders = statement(INSERT_ORDER);
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
        count(changes, ORDERS, RowOperation.INSERT, orders.executeBatch());
        PreparedStatement lines = statement(INSERT_LINE);
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
        count(changes, ORDER_LINES, RowOperation.INSERT, lines.executeBatch());
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
        PreparedStatement ps = statement(UPDATE_ORDER_STATUS);
        for (long id : ids) {
            OrderStatus next = state.orders.get(id).status.next();
            ps.setString(1, next.name());
            ps.setObject(2, timestamp(state.clock));
            ps.setLong(3, id);
            count(changes, ORDERS, RowOperation.UPDATE, expectOne(ps.executeUpdate(), id));
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
            PreparedStatement ps = statement(INSERT_LINE);
            bindLines(
                    ps,
                    random,
                    orderId,
                    order.currency,
                    state.products,
                    state.productPrices,
                    lineNo,
                    1);
            count(changes, ORDER_LINES, RowOperation.INSERT, ps.executeBatch());
            order.lines.add(lineNo);
        } else if (action >= 85 && lines.size() > 1) {
            int lineNo = ShopData.pick(random, lines);
            PreparedStatement ps = statement(DELETE_LINE);
            ps.setLong(1, orderId);
            ps.setInt(2, lineNo);
            count(
                    changes,
                    ORDER_LINES,
                    RowOperation.DELETE,
                    expectOne(ps.executeUpdate(), orderId));
            order.lines.remove(lineNo);
        } else if (action < 35 || action >= 60) {
            int lineNo = ShopData.pick(random, lines);
            PreparedStatement ps = statement(UPDATE_LINE_QUANTITY);
            int quantity = quantity(random);
            ps.setInt(1, quantity);
            ps.setInt(2, quantity);
            ps.setLong(3, orderId);
            ps.setInt(4, lineNo);
            count(
                    changes,
                    ORDER_LINES,
                    RowOperation.UPDATE,
                    expectOne(ps.executeUpdate(), orderId));
        } else {
            int lineNo = ShopData.pick(random, lines);
            PreparedStatement ps = statement(UPDATE_LINE_DISCOUNT);
            ps.setBigDecimal(1, BigDecimal.valueOf(random.nextInt(6) * 5L, 2));
            ps.setInt(2, ShopData.currency(order.currency).scale());
            ps.setLong(3, orderId);
            ps.setInt(4, lineNo);
            count(
                    changes,
                    ORDER_LINES,
                    RowOperation.UPDATE,
                    expectOne(ps.executeUpdate(), orderId));
        }
        PreparedStatement touch = statement(TOUCH_ORDER);
        touch.setObject(1, timestamp(state.clock));
        touch.setLong(2, orderId);
        count(changes, ORDERS, RowOperation.UPDATE, expectOne(touch.executeUpdate(), orderId));
        return TransactionKind.LINE_EDIT;
    }

    private TransactionKind cancellation(ChangeCounts changes) throws SQLException {
        if (state.countOrders(OPEN) == 0) {
            return newOrder(changes);
        }
        int count = random.nextInt(100) < 85 ? 1 : 2;
        PreparedStatement ps = statement(CANCEL_ORDER);
        for (long id : state.pickOrders(random, count, OPEN, 0)) {
            ps.setObject(1, timestamp(state.clock));
            ps.setString(2, ShopData.pick(random, ShopData.CANCELLATION_REASONS));
            ps.setLong(3, id);
            count(changes, ORDERS, RowOperation.UPDATE, expectOne(ps.executeUpdate(), id));
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
        PreparedStatement deleteLines = statement(DELETE_ORDER_LINES);
        PreparedStatement deleteOrder = statement(DELETE_ORDER);
        for (long id : ids) {
            deleteLines.setLong(1, id);
            count(changes, ORDER_LINES, RowOperation.DELETE, deleteLines.executeUpdate());
            deleteOrder.setLong(1, id);
            count(changes, ORDERS, RowOperation.DELETE, expectOne(deleteOrder.executeUpdate(), id));
            state.removeOrder(id);
        }
        return TransactionKind.ORDER_DELETE;
    }

    private boolean isFinished(long orderId) {
        ShopState.Order order = state.orders.get(orderId);
        return order != null && order.status.isFinished();
    }

    private TransactionKind priceChange(ChangeCounts changes) throws SQLException {
        PreparedStatement ps = statement(UPDATE_PRICE);
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
            count(changes, PRODUCTS, RowOperation.UPDATE, expectOne(ps.executeUpdate(), id));
            state.productPrices.put(id, price);
        }
        return TransactionKind.PRICE_CHANGE;
    }

    private TransactionKind newCustomer(ChangeCounts changes) throws SQLException {
        int count = random.nextInt(100) < 90 ? 1 : 2;
        PreparedStatement ps = statement(INSERT_CUSTOMER);
        for (int i = 0; i < count; i++) {
            long id = state.maxCustomerId + 1;
            bindCustomer(ps, random, id, state.clock);
            count(changes, CUSTOMERS, RowOperation.INSERT, ps.executeUpdate());
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
        PreparedStatement ps = statement(UPDATE_EMAIL);
        ps.setString(1, ShopData.pick(random, ShopData.EMAIL_DOMAINS));
        if (random.nextInt(100) < 30) {
            ps.setShort(2, (short) random.nextInt(4));
        } else {
            ps.setNull(2, Types.SMALLINT);
        }
        ps.setObject(3, timestamp(state.clock));
        ps.setLong(4, id);
        count(changes, CUSTOMERS, RowOperation.UPDATE, expectOne(ps.executeUpdate(), id));
        return TransactionKind.EMAIL_UPDATE;
    }

    // ---------------------------------------------------------------------------------------
    // row builders shared by seeding and transactions

    private static void bindCustomer(
            PreparedStatement ps, SplittableRandom r, long id, Instant created)
            throws SQLException {
        String first = ShopData.pick(r, ShopData.FIRST_NAMES);
        String last = ShopData.pick(r, ShopData.LAST_NAMES);
        String email =
                ShopData.emailPart(first)
                        + "."
                        + ShopData.emailPart(last)
                        + id
                        + "@"
                        + ShopData.pick(r, ShopData.EMAIL_DOMAINS);
        ps.setLong(1, id);
        ps.setString(2, email);
        ps.setString(3, r.nextInt(30) == 0 ? null : first + " " + last);
        ps.setString(4, r.nextInt(10) == 0 ? null : ShopData.pick(r, ShopData.COUNTRIES));
        if (r.nextInt(5) == 0) {
            ps.setNull(5, Types.SMALLINT);
        } else {
            ps.setShort(5, (short) r.nextInt(4));
        }
        ps.setObject(6, timestamp(created));
        ps.setObject(7, timestamp(created));
    }

    private static void bindOrder(
            PreparedStatement ps,
            SplittableRandom r,
            long id,
            ShopState.Store store,
            IdPool customers,
            OrderStatus status,
            Instant created,
            Instant updated)
            throws SQLException {
        ps.setLong(1, id);
        ps.setLong(2, store.id());
        if (customers.isEmpty() || r.nextInt(100) < 15) {
            ps.setNull(3, Types.BIGINT); // guest checkout
        } else {
            ps.setLong(3, customers.pick(r));
        }
        int channel = r.nextInt(100);
        ps.setString(4, channel < 50 ? "STORE" : channel < 85 ? "WEB" : "APP");
        ps.setString(5, status.name());
        ps.setObject(6, timestamp(created));
        ps.setObject(7, timestamp(updated));
        if (status == OrderStatus.CANCELLED) {
            ps.setString(8, ShopData.pick(r, ShopData.CANCELLATION_REASONS));
        } else {
            ps.setString(8, r.nextInt(10) == 0 ? ShopData.pick(r, ShopData.ORDER_NOTES) : null);
        }
    }

    /** Adds {@code count} lines numbered from {@code firstLineNo} to the batch of {@code ps}. */
    private static void bindLines(
            PreparedStatement ps,
            SplittableRandom r,
            long orderId,
            String currency,
            IdPool products,
            Map<Long, BigDecimal> prices,
            int firstLineNo,
            int count)
            throws SQLException {
        int scale = ShopData.currency(currency).scale();
        for (int line = firstLineNo; line < firstLineNo + count; line++) {
            long productId = products.pick(r);
            int quantity = quantity(r);
            BigDecimal unitPrice = ShopData.localPrice(prices.get(productId), currency);
            BigDecimal discount = BigDecimal.ZERO.setScale(2);
            if (r.nextInt(100) < 15) {
                BigDecimal rate = BigDecimal.valueOf(5L * (1 + r.nextInt(5)), 2);
                discount =
                        unitPrice
                                .multiply(BigDecimal.valueOf(quantity))
                                .multiply(rate)
                                .setScale(scale, RoundingMode.HALF_EVEN)
                                .setScale(2);
            }
            ps.setLong(1, orderId);
            ps.setInt(2, line);
            ps.setLong(3, productId);
            ps.setInt(4, quantity);
            ps.setBigDecimal(5, unitPrice);
            ps.setBigDecimal(6, discount);
            ps.addBatch();
        }
    }

    private static int lineCount(SplittableRandom r) {
        int x = r.nextInt(100);
        return x < 35 ? 1 : x < 60 ? 2 : x < 80 ? 3 : x < 92 ? 4 : 5;
    }

    private static int quantity(SplittableRandom r) {
        int x = r.nextInt(100);
        return x < 60 ? 1 : x < 85 ? 2 : 3 + r.nextInt(4);
    }

    private static int oneToThree(SplittableRandom r) {
        int x = r.nextInt(100);
        return x < 60 ? 1 : x < 85 ? 2 : 3;
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    // ---------------------------------------------------------------------------------------
    // JDBC plumbing

    private interface SeedWork {
        void run(ChangeCounts changes) throws SQLException;
    }

    private void inSeedTransaction(SeedWork work) throws SQLException {
        ChangeCounts changes = new ChangeCounts();
        try {
            work.run(changes);
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackAfter(e);
            throw e;
        }
        stats.recordSeedTransaction(changes);
    }

    private static void count(
            ChangeCounts changes, String table, RowOperation operation, int[] batchCounts) {
        for (int n : batchCounts) {
            changes.add(table, operation, n);
        }
    }

    private static void count(
            ChangeCounts changes, String table, RowOperation operation, int updateCount) {
        changes.add(table, operation, updateCount);
    }

    /**
     * Checks that a statement keyed on a row the generator believes exists changed exactly it. A
     * mismatch means someone else changed the shop; the transaction is rolled back.
     */
    private static int expectOne(int updateCount, long id) {
        if (updateCount != 1) {
            throw new IllegalStateException(
                    "expected to change exactly one row for id "
                            + id
                            + " but changed "
                            + updateCount
                            + "; is another process writing to the shop tables?");
        }
        return updateCount;
    }

    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    private void prepareConnection() throws SQLException {
        if (callerAutoCommit != null) {
            return;
        }
        callerAutoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            connection.setClientInfo("ApplicationName", "lakestream-workload");
        } catch (SQLClientInfoException e) {
            LOG.debug("driver does not take ApplicationName", e);
        }
    }

    private void rollbackAfter(Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * Closes the statements; restores the auto-commit setting of a caller's connection, or closes
     * the connection if the generator opened it.
     */
    @Override
    public void close() throws SQLException {
        SQLException failure = null;
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException e) {
                failure = e;
            }
        }
        statements.clear();
        try {
            if (ownsConnection) {
                connection.close();
            } else if (callerAutoCommit != null && !connection.isClosed()) {
                connection.setAutoCommit(callerAutoCommit);
            }
        } catch (SQLException e) {
            if (failure != null) {
                e.addSuppressed(failure);
            }
            throw e;
        }
        if (failure != null) {
            throw failure;
        }
    }
}
