package dev.lakestream.shop.workload;

import static dev.lakestream.shop.TestShop.queryLong;
import static dev.lakestream.shop.TestShop.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.shop.ShopSchema;
import dev.lakestream.shop.TestShop;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WorkloadGeneratorITCase {

    /** Small enough to seed in well under a second, big enough for every transaction kind. */
    private static final WorkloadConfig SMALL =
            WorkloadConfig.builder()
                    .seed(20250303)
                    .customers(120)
                    .products(60)
                    .initialOrders(80)
                    .rate(0)
                    .build();

    private static EmbeddedPostgres pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private static WorkloadGenerator generator(String database, WorkloadConfig config)
            throws SQLException {
        return WorkloadGenerator.connect(TestShop.jdbcUrl(pg, database), "postgres", null, config);
    }

    @Test
    void sameSeedOnFreshDatabasesWritesIdenticalContents() throws Exception {
        Map<String, List<String>> first;
        Map<String, List<String>> second;
        Map<String, List<String>> otherSeed;
        try (Connection c = TestShop.freshShop(pg, "det_a");
                WorkloadGenerator g = generator("det_a", SMALL)) {
            assertThat(g.seedReferenceData()).isTrue();
            assertThat(g.runTransactions(400)).isEqualTo(400);
            first = TestShop.dump(c);
        }
        // same statements even when the run is split into several calls
        try (Connection c = TestShop.freshShop(pg, "det_b");
                WorkloadGenerator g = generator("det_b", SMALL)) {
            g.seedReferenceData();
            g.runTransactions(150);
            g.runTransactions(250);
            second = TestShop.dump(c);
        }
        try (Connection c = TestShop.freshShop(pg, "det_c");
                WorkloadGenerator g = generator("det_c", SMALL.withSeed(SMALL.seed() + 1))) {
            g.seedReferenceData();
            g.runTransactions(400);
            otherSeed = TestShop.dump(c);
        }
        assertThat(first.get(ShopSchema.ORDERS)).hasSizeGreaterThan(SMALL.initialOrders());
        for (String table : ShopSchema.TABLES) {
            assertThat(second.get(table)).as(table).containsExactlyElementsOf(first.get(table));
        }
        assertThat(otherSeed).isNotEqualTo(first);
    }

    @Test
    void statsEqualRowLevelAuditOfTheDatabase() throws Exception {
        try (Connection c = TestShop.freshShop(pg, "accounting")) {
            installAudit(c);
            try (WorkloadGenerator g = generator("accounting", SMALL)) {
                g.seedReferenceData();
                g.runTransactions(800);
                WorkloadStats.Snapshot stats = g.stats().snapshot();

                assertThat(stats.rows()).isEqualTo(auditCounts(c));
                // every transaction wrote at least one audited row, so transaction ids count
                // the committed transactions
                assertThat(queryLong(c, "SELECT count(DISTINCT xid) FROM public.audit"))
                        .isEqualTo(stats.transactions() + stats.seedTransactions());
                assertThat(stats.transactions()).isEqualTo(800);
                for (String table : ShopSchema.TABLES) {
                    assertThat(
                                    stats.rows(table, RowOperation.INSERT)
                                            - stats.rows(table, RowOperation.DELETE))
                            .as("inserted - deleted for %s", table)
                            .isEqualTo(queryLong(c, "SELECT count(*) FROM " + table));
                }
                // the run exercised every kind and the interesting cases
                for (TransactionKind kind : TransactionKind.values()) {
                    assertThat(stats.transactionsByKind().get(kind)).as(kind.key()).isPositive();
                }
                assertThat(stats.rows(ShopSchema.ORDER_LINES, RowOperation.DELETE)).isPositive();
                assertThat(stats.rows(ShopSchema.ORDER_LINES, RowOperation.UPDATE)).isPositive();
                assertThat(stats.rows(ShopSchema.PRODUCTS, RowOperation.UPDATE)).isPositive();
                assertThat(stats.rows(ShopSchema.CUSTOMERS, RowOperation.UPDATE)).isPositive();
            }
        }
    }

    @Test
    void rolledBackTransactionCountsNothingAndTheGeneratorRecovers() throws Exception {
        try (Connection c = TestShop.freshShop(pg, "rollback")) {
            installAudit(c);
            try (WorkloadGenerator g =
                    generator(
                            "rollback",
                            SMALL.withMix(TransactionMix.only(TransactionKind.NEW_ORDER)))) {
                g.seedReferenceData();
                try (Statement st = c.createStatement()) {
                    st.execute(
                            "CREATE FUNCTION public.no_third_line() RETURNS trigger"
                                    + " LANGUAGE plpgsql AS $$ BEGIN"
                                    + " IF NEW.line_no = 3 THEN RAISE EXCEPTION 'no third line';"
                                    + " END IF; RETURN NEW; END $$");
                    // fails the statement after the order and two of its lines were written
                    st.execute(
                            "CREATE TRIGGER no_third_line BEFORE INSERT ON shop.order_lines"
                                    + " FOR EACH ROW EXECUTE FUNCTION public.no_third_line()");
                }
                assertThatThrownBy(() -> g.runTransactions(1000))
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("no third line");
                assertCountsMatchDatabase(c, g);

                try (Statement st = c.createStatement()) {
                    st.execute("DROP TRIGGER no_third_line ON shop.order_lines");
                    // fails at COMMIT, after every statement of the transaction succeeded
                    st.execute(
                            "CREATE CONSTRAINT TRIGGER no_third_line_at_commit"
                                    + " AFTER INSERT ON shop.order_lines"
                                    + " DEFERRABLE INITIALLY DEFERRED"
                                    + " FOR EACH ROW EXECUTE FUNCTION public.no_third_line()");
                }
                assertThatThrownBy(() -> g.runTransactions(1000))
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("no third line");
                assertCountsMatchDatabase(c, g);

                try (Statement st = c.createStatement()) {
                    st.execute("DROP TRIGGER no_third_line_at_commit ON shop.order_lines");
                }
                long committed = g.stats().transactions();
                assertThat(g.runTransactions(100)).isEqualTo(100);
                assertThat(g.stats().transactions()).isEqualTo(committed + 100);
                assertCountsMatchDatabase(c, g);
            }
        }
    }

    private static void assertCountsMatchDatabase(Connection c, WorkloadGenerator g)
            throws SQLException {
        assertThat(g.stats().snapshot().rows()).isEqualTo(auditCounts(c));
        assertThat(queryLong(c, "SELECT count(*) FROM shop.orders"))
                .isEqualTo(SMALL.initialOrders() + g.stats().transactions());
    }

    @Test
    void aResumedGeneratorLeavesTheOrdersOfAnInactiveStoreAlone() throws Exception {
        try (Connection c = TestShop.freshShop(pg, "inactive")) {
            try (WorkloadGenerator g = generator("inactive", SMALL)) {
                g.seedReferenceData();
                assertThat(g.runTransactions(50)).isEqualTo(50);
            }
            // what the latency benchmark does: a store of its own, inactive, with far-off orders
            // stamped with the wall clock
            try (Statement st = c.createStatement()) {
                st.executeUpdate(
                        "INSERT INTO shop.stores (store_id, code, name, region, city, country,"
                                + " time_zone, currency, active) VALUES (900000, 'PROBE', 'Probe',"
                                + " 'LAB', 'Lab', 'DE', 'UTC', 'EUR', false)");
                for (long k = 1; k <= 20; k++) {
                    st.executeUpdate(
                            "INSERT INTO shop.orders (order_id, store_id, status, created_at,"
                                    + " updated_at) VALUES ("
                                    + (900_000_000_000L + k * 1_000_000L)
                                    + ", 900000, 'PLACED', '2030-01-01T12:00:00Z', now())");
                }
            }
            String before =
                    queryString(
                            c,
                            "SELECT string_agg(order_id || status || updated_at, ',' ORDER BY"
                                    + " order_id) FROM shop.orders WHERE store_id = 900000");

            try (WorkloadGenerator g = generator("inactive", SMALL)) {
                assertThat(g.runTransactions(400)).isEqualTo(400);
            }

            assertThat(
                            queryString(
                                    c,
                                    "SELECT string_agg(order_id || status || updated_at, ',' ORDER"
                                            + " BY order_id) FROM shop.orders WHERE store_id ="
                                            + " 900000"))
                    .isEqualTo(before);
            // its wall-clock times did not move the shop's clock: no order of an active store
            // was stamped after 2030
            assertThat(
                            queryLong(
                                    c,
                                    "SELECT count(*) FROM shop.orders WHERE store_id <> 900000"
                                            + " AND updated_at >= '2026-01-01'"))
                    .isZero();
        }
    }

    @Test
    void aNewGeneratorResumesWhereTheLastOneStopped() throws Exception {
        try (Connection c = TestShop.freshShop(pg, "resume")) {
            try (WorkloadGenerator g = generator("resume", SMALL)) {
                g.seedReferenceData();
                assertThat(g.runTransactions(200)).isEqualTo(200);
            }
            long maxOrder = queryLong(c, "SELECT max(order_id) FROM shop.orders");
            long maxCustomer = queryLong(c, "SELECT max(customer_id) FROM shop.customers");
            long orders = queryLong(c, "SELECT count(*) FROM shop.orders");
            long lines = queryLong(c, "SELECT count(*) FROM shop.order_lines");
            String lastUpdate = queryString(c, "SELECT max(updated_at)::text FROM shop.orders");

            WorkloadStats resumed;
            try (WorkloadGenerator g = generator("resume", SMALL)) {
                assertThat(g.seedReferenceData()).isFalse();
                assertThat(g.runTransactions(200)).isEqualTo(200);
                resumed = g.stats();
            }
            assertThat(resumed.seedTransactions()).isZero();
            assertThat(resumed.transactions()).isEqualTo(200);
            assertThat(queryLong(c, "SELECT max(order_id) FROM shop.orders"))
                    .isGreaterThan(maxOrder);
            assertThat(
                            queryLong(
                                    c,
                                    "SELECT count(*) FROM shop.customers WHERE customer_id > "
                                            + maxCustomer))
                    .isEqualTo(resumed.rows(ShopSchema.CUSTOMERS, RowOperation.INSERT));
            // ids and the logical clock both continue: no new order predates the old ones
            assertThat(
                            queryLong(
                                    c,
                                    "SELECT count(*) FROM shop.orders WHERE order_id > "
                                            + maxOrder
                                            + " AND created_at <= '"
                                            + lastUpdate
                                            + "'"))
                    .isZero();
            assertThat(queryLong(c, "SELECT count(*) FROM shop.orders"))
                    .isEqualTo(
                            orders
                                    + resumed.rows(ShopSchema.ORDERS, RowOperation.INSERT)
                                    - resumed.rows(ShopSchema.ORDERS, RowOperation.DELETE));
            assertThat(queryLong(c, "SELECT count(*) FROM shop.order_lines"))
                    .isEqualTo(
                            lines
                                    + resumed.rows(ShopSchema.ORDER_LINES, RowOperation.INSERT)
                                    - resumed.rows(ShopSchema.ORDER_LINES, RowOperation.DELETE));
        }
    }

    @Test
    void longDescriptionsAreToastedAndPriceChangesLeaveThemAlone() throws Exception {
        try (Connection c = TestShop.freshShop(pg, "toast")) {
            try (WorkloadGenerator g =
                    generator(
                            "toast",
                            SMALL.withMix(TransactionMix.only(TransactionKind.PRICE_CHANGE)))) {
                g.seedReferenceData();
                assertThat(
                                queryLong(
                                        c,
                                        "SELECT count(*) FROM shop.products"
                                                + " WHERE length(description) > 4000"))
                        .isEqualTo(SMALL.products() / 10);
                String toast =
                        queryString(
                                c,
                                "SELECT reltoastrelid::regclass::text FROM pg_class"
                                        + " WHERE oid = 'shop.products'::regclass");
                assertThat(toast).startsWith("pg_toast.");
                assertThat(queryLong(c, "SELECT count(*) FROM " + toast)).isPositive();

                String descriptions =
                        "SELECT md5(string_agg(coalesce(description, '-'), '|'"
                                + " ORDER BY product_id)) FROM shop.products";
                String prices =
                        "SELECT md5(string_agg(list_price::text, '|' ORDER BY product_id))"
                                + " FROM shop.products";
                String descriptionsBefore = queryString(c, descriptions);
                String pricesBefore = queryString(c, prices);
                g.runTransactions(100);
                assertThat(g.stats().rows(ShopSchema.PRODUCTS, RowOperation.UPDATE))
                        .isGreaterThanOrEqualTo(100);
                assertThat(queryString(c, prices)).isNotEqualTo(pricesBefore);
                assertThat(queryString(c, descriptions)).isEqualTo(descriptionsBefore);
            }
        }
    }

    @Test
    void ordersLandAtLateLocalHoursAndAroundUtcMidnight() throws Exception {
        try (Connection c = TestShop.freshShop(pg, "midnight");
                WorkloadGenerator g =
                        generator(
                                "midnight",
                                SMALL.withMix(TransactionMix.only(TransactionKind.NEW_ORDER)))) {
            g.seedReferenceData();
            g.runTransactions(400);
            String newOrders =
                    "SELECT count(*) FROM shop.orders o JOIN shop.stores s USING (store_id)"
                            + " WHERE o.created_at >= '"
                            + SMALL.clockStart()
                            + "' AND ";
            assertThat(
                            queryLong(
                                    c,
                                    newOrders
                                            + "(o.created_at AT TIME ZONE s.time_zone)::time"
                                            + " >= '23:30'"))
                    .isPositive();
            assertThat(
                            queryLong(
                                    c,
                                    newOrders
                                            + "abs(extract(epoch FROM (o.created_at"
                                            + " - date_trunc('day', o.created_at + interval '1 min'"
                                            + ", 'UTC')))) < 46"))
                    .isPositive();
            // the distinct zones really are distinct: eight stores, eight zones
            assertThat(queryLong(c, "SELECT count(DISTINCT time_zone) FROM shop.stores"))
                    .isEqualTo(8);
            // timestamps come from the logical clock, not the wall clock
            assertThat(
                            queryLong(
                                    c,
                                    "SELECT count(*) FROM shop.orders WHERE updated_at > '"
                                            + SMALL.clockStart().plus(Duration.ofDays(60))
                                            + "'"))
                    .isZero();
        }
    }

    @Test
    void seedingTwiceChangesNothing() throws Exception {
        try (Connection c = TestShop.freshShop(pg, "seed_twice");
                WorkloadGenerator g = generator("seed_twice", SMALL)) {
            assertThat(g.seedReferenceData()).isTrue();
            Map<String, List<String>> before = TestShop.dump(c);
            long rows = g.stats().totalRows();
            assertThat(rows)
                    .isEqualTo(
                            SMALL.stores()
                                    + SMALL.customers()
                                    + SMALL.products()
                                    + SMALL.initialOrders()
                                    + queryLong(c, "SELECT count(*) FROM shop.order_lines"));
            assertThat(g.seedReferenceData()).isFalse();
            assertThat(g.stats().totalRows()).isEqualTo(rows);
            assertThat(TestShop.dump(c)).isEqualTo(before);
        }
    }

    @Test
    void rateAndDurationPaceTheRun() throws Exception {
        try (Connection c = TestShop.freshShop(pg, "pacing");
                WorkloadGenerator g = generator("pacing", SMALL.withRate(100))) {
            g.seedReferenceData();
            long start = System.nanoTime();
            assertThat(g.runTransactions(31)).isEqualTo(31);
            // 31 transactions at 100/s: the last one is due 300 ms after the first
            assertThat(System.nanoTime() - start)
                    .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(295));

            start = System.nanoTime();
            long done = g.run(Duration.ofMillis(400));
            long elapsed = System.nanoTime() - start;
            assertThat(elapsed).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(400));
            assertThat(done).isBetween(1L, 41L);

            WorkloadGenerator limited =
                    new WorkloadGenerator(c, SMALL.withRate(0).withMaxTransactions(25));
            assertThat(limited.run()).isEqualTo(25);
            limited.close();
            assertThat(c.getAutoCommit()).isTrue();
        }
    }

    @Test
    void stopEndsAnUnlimitedRunAndStatsAreReadableMeanwhile() throws Exception {
        try (Connection c = TestShop.freshShop(pg, "stopping");
                WorkloadGenerator g = generator("stopping", SMALL)) {
            g.seedReferenceData();
            CompletableFuture<Long> run =
                    CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    return g.run();
                                } catch (SQLException e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            long seen = 0;
            while (seen < 30 && System.nanoTime() < deadline && !run.isDone()) {
                long now = g.stats().transactions();
                assertThat(now).isGreaterThanOrEqualTo(seen);
                seen = now;
                Thread.onSpinWait();
            }
            assertThat(seen).isGreaterThanOrEqualTo(30);
            g.stop();
            long done = run.get(10, TimeUnit.SECONDS);
            assertThat(done).isEqualTo(g.stats().transactions()).isGreaterThanOrEqualTo(30);
            assertThat(g.run()).isZero();
        }
    }

    @Test
    void runningAnUnseededShopFailsWithAHint() throws Exception {
        try (Connection c = TestShop.freshShop(pg, "unseeded");
                WorkloadGenerator g = generator("unseeded", SMALL)) {
            assertThatThrownBy(() -> g.runTransactions(1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("seedReferenceData");
        }
    }

    // ------------------------------------------------------------------------------------

    /** Row-level triggers that record every change, with the transaction that made it. */
    private static void installAudit(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(
                    "CREATE TABLE public.audit (tbl text NOT NULL, op text NOT NULL,"
                            + " xid bigint NOT NULL DEFAULT txid_current())");
            st.execute(
                    "CREATE FUNCTION public.audit_row() RETURNS trigger LANGUAGE plpgsql AS $$"
                            + " BEGIN INSERT INTO public.audit (tbl, op)"
                            + " VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, TG_OP);"
                            + " RETURN NULL; END $$");
            for (String table : ShopSchema.TABLES) {
                st.execute(
                        "CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON "
                                + table
                                + " FOR EACH ROW EXECUTE FUNCTION public.audit_row()");
            }
        }
    }

    /** Audit counts in the shape of {@link WorkloadStats.Snapshot#rows()}, zeros included. */
    private static Map<String, Map<RowOperation, Long>> auditCounts(Connection c)
            throws SQLException {
        Map<String, Map<RowOperation, Long>> counts = new LinkedHashMap<>();
        for (String table : ShopSchema.TABLES) {
            Map<RowOperation, Long> ops = new EnumMap<>(RowOperation.class);
            for (RowOperation op : RowOperation.values()) {
                ops.put(op, 0L);
            }
            counts.put(table, ops);
        }
        try (Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT tbl, op, count(*) FROM public.audit GROUP BY 1, 2")) {
            while (rs.next()) {
                counts.get(rs.getString(1))
                        .put(RowOperation.valueOf(rs.getString(2)), rs.getLong(3));
            }
        }
        return counts;
    }
}
