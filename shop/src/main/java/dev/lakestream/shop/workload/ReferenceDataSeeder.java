package dev.lakestream.shop.workload;

import static dev.lakestream.shop.ShopSchema.CUSTOMERS;
import static dev.lakestream.shop.ShopSchema.ORDERS;
import static dev.lakestream.shop.ShopSchema.ORDER_LINES;
import static dev.lakestream.shop.ShopSchema.PRODUCTS;
import static dev.lakestream.shop.ShopSchema.STORES;
import static dev.lakestream.shop.workload.ShopRows.bindCustomer;
import static dev.lakestream.shop.workload.ShopRows.bindLines;
import static dev.lakestream.shop.workload.ShopRows.bindOrder;
import static dev.lakestream.shop.workload.ShopRows.lineCount;
import static dev.lakestream.shop.workload.ShopRows.min;
import static dev.lakestream.shop.workload.ShopRows.timestamp;
import static dev.lakestream.shop.workload.ShopStatements.INSERT_CUSTOMER;
import static dev.lakestream.shop.workload.ShopStatements.INSERT_LINE;
import static dev.lakestream.shop.workload.ShopStatements.INSERT_ORDER;
import static dev.lakestream.shop.workload.ShopStatements.INSERT_PRODUCT;
import static dev.lakestream.shop.workload.ShopStatements.INSERT_STORE;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeds an empty shop: stores, customers, products and the historical orders, in chunks of {@value
 * #SEED_CHUNK} rows per transaction, each chunk counted as a seed transaction. Every value comes
 * from a random source seeded with the config's seed alone, so two empty shops seeded with one
 * config are equal.
 */
final class ReferenceDataSeeder {

    // the generator's logger: its log lines keep their name (and any log configuration for it)
    private static final Logger LOG = LoggerFactory.getLogger(WorkloadGenerator.class);
    private static final int SEED_CHUNK = 500;

    private final ShopSession session;
    private final WorkloadConfig config;
    private final WorkloadStats stats;

    ReferenceDataSeeder(ShopSession session, WorkloadConfig config, WorkloadStats stats) {
        this.session = session;
        this.config = config;
        this.stats = stats;
    }

    /**
     * Inserts the reference data (stores, customers, products) and the configured number of
     * historical orders, unless the shop already has stores.
     *
     * <p>Seeding commits in chunks of a few hundred rows, each chunk counted in {@link
     * WorkloadStats} as a seed transaction. All timestamps lie before the config's clock start, so
     * the workload's own transactions come after them.
     *
     * @return true if it seeded, false if stores already existed and nothing was written
     */
    boolean seed() throws SQLException {
        session.prepare();
        long existingStores;
        try (PreparedStatement ps =
                        session.connection().prepareStatement("SELECT count(*) FROM " + STORES);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            existingStores = rs.getLong(1);
        } finally {
            session.rollback();
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
        PreparedStatement ps = session.statement(INSERT_STORE);
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
        changes.add(STORES, RowOperation.INSERT, ps.executeBatch());
    }

    private void seedCustomers(
            SplittableRandom r, Instant start, long first, long last, ChangeCounts changes)
            throws SQLException {
        PreparedStatement ps = session.statement(INSERT_CUSTOMER);
        for (long id = first; id <= last; id++) {
            Instant created =
                    start.minus(1 + r.nextInt(1500), ChronoUnit.DAYS)
                            .minusSeconds(r.nextInt(86_400))
                            .minusNanos(r.nextInt(1_000_000) * 1000L);
            bindCustomer(ps, r, id, created);
            ps.addBatch();
        }
        changes.add(CUSTOMERS, RowOperation.INSERT, ps.executeBatch());
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
        PreparedStatement ps = session.statement(INSERT_PRODUCT);
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
        changes.add(PRODUCTS, RowOperation.INSERT, ps.executeBatch());
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
        PreparedStatement orders = session.statement(INSERT_ORDER);
        PreparedStatement lines = session.statement(INSERT_LINE);
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
        changes.add(ORDERS, RowOperation.INSERT, orders.executeBatch());
        changes.add(ORDER_LINES, RowOperation.INSERT, lines.executeBatch());
    }

    private interface SeedWork {
        void run(ChangeCounts changes) throws SQLException;
    }

    private void inSeedTransaction(SeedWork work) throws SQLException {
        ChangeCounts changes = new ChangeCounts();
        try {
            work.run(changes);
            session.commit();
        } catch (SQLException | RuntimeException e) {
            session.rollbackAfter(e);
            throw e;
        }
        stats.recordSeedTransaction(changes);
    }
}
