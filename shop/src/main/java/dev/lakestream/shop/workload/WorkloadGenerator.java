package dev.lakestream.shop.workload;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Properties;
import java.util.SplittableRandom;
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
 * <h2>Parts</h2>
 *
 * This class paces the run and keeps the picture of the shop; the work is done by package-private
 * parts: {@link ReferenceDataSeeder} (the empty shop's stores, customers, products and history),
 * {@link ShopTransactions} (one method per transaction kind), {@link ShopRows} (row values both
 * draw), {@link ShopStatements} (the SQL) and {@link ShopSession} (the connection, its prepared
 * statements, commit and rollback).
 *
 * <p>A generator uses one connection from one thread and is not thread-safe, except {@link
 * #stats()} and {@link #stop()}, which other threads may call while it runs. It expects to be the
 * only writer of the shop tables.
 */
public final class WorkloadGenerator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkloadGenerator.class);

    private static final long REANCHOR_LAG_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ShopSession session;
    private final WorkloadConfig config;
    private final WorkloadStats stats = new WorkloadStats();
    private volatile boolean stopRequested;

    private ShopState state;
    private SplittableRandom random;
    private ShopTransactions transactions;
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
        this.session = new ShopSession(connection, owns);
        this.config = config;
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
        boolean seeded = new ReferenceDataSeeder(session, config, stats).seed();
        if (seeded) {
            // the workload reads its picture of the shop from what was committed
            state = null;
            transactions = null;
        }
        return seeded;
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
        session.prepare();
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
            state =
                    ShopState.load(
                            session.connection(),
                            config.clockStart().truncatedTo(ChronoUnit.MICROS));
        } finally {
            session.rollback();
        }
        if (state.stores.isEmpty() || state.products.isEmpty()) {
            state = null;
            throw new IllegalStateException(
                    "the shop has no active stores or products; apply the schema and seed it"
                            + " first (seedReferenceData(), or --init on the command line)");
        }
        random = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + state.fingerprint());
        transactions = new ShopTransactions(session, state, random);
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
            transactions.advanceClock();
            executed = transactions.execute(planned, changes);
            session.commit();
        } catch (SQLException | RuntimeException e) {
            session.rollbackAfter(e);
            // the in-memory picture may contain the rolled-back changes: read it again
            state = null;
            transactions = null;
            throw e;
        }
        stats.recordTransaction(executed, changes);
    }

    /**
     * Closes the statements; restores the auto-commit setting of a caller's connection, or closes
     * the connection if the generator opened it.
     */
    @Override
    public void close() throws SQLException {
        session.close();
    }
}
