package dev.lakestream.jobs.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.shop.ShopSchema;
import dev.lakestream.shop.workload.WorkloadConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobID;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;

/**
 * Faults of the CDC path that production brings, each followed by an exact check of bronze against
 * the change ledger PostgreSQL's own row triggers kept ({@link BronzeOracle}): no change missing,
 * none twice.
 *
 * <ul>
 *   <li>a quiet restart, twenty times: the job checkpoints on an idle database (processed and
 *       commit LSN equal, where Flink CDC 3.5 / Debezium 1.9 may filter the first change after a
 *       resume as already processed), the TaskManager dies, one row is inserted;
 *   <li>PostgreSQL (which also holds the Iceberg catalog) restarted cleanly and after a crash;
 *   <li>one statement inserting 100,000 rows (all of them at one commit LSN), with the TaskManager
 *       killed while bronze holds part of them;
 *   <li>the walsender serving the slot terminated ({@code pg_terminate_backend}) three times while
 *       the shop keeps selling.
 * </ul>
 */
class IngestionFaultsITCase extends IngestionStackTestBase {

    private static final WorkloadConfig SMALL_SHOP =
            WorkloadConfig.builder()
                    .seed(31)
                    .stores(2)
                    .customers(20)
                    .products(10)
                    .initialOrders(10)
                    .build();

    @Test
    void aRowInsertedRightAfterAQuietRestartReachesBronzeEveryTime() throws Exception {
        String db = "shop_quiet";
        Started started = start(db, Map.of("execution.checkpointing.interval", "1s"));
        JobID job = started.job();
        for (int round = 0; round < 20; round++) {
            long before = customers(started);
            // quiet: two checkpoints complete with nothing new to read
            long done = stack.flink.completedCheckpoints(job);
            await().atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(
                            () -> {
                                stack.assertRunning(job);
                                assertThat(stack.flink.completedCheckpoints(job))
                                        .isGreaterThanOrEqualTo(done + 2);
                            });
            stack.flink.replaceTaskManager();
            try (Connection c = stack.postgres.connect(db);
                    PreparedStatement insert =
                            c.prepareStatement(
                                    "INSERT INTO shop.customers (customer_id, email, created_at,"
                                            + " updated_at) VALUES (?, ?, now(), now())")) {
                insert.setLong(1, 1_000_000L + round);
                insert.setString(2, "quiet-" + round + "@example.com");
                insert.executeUpdate();
            }
            int r = round;
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(
                            () ->
                                    assertThat(customers(started))
                                            .as("round %d: the row inserted after the restart", r)
                                            .isEqualTo(before + 1));
        }
        assertThat(stack.flink.restarts(job))
                .as("each kill restarted the job")
                .isGreaterThanOrEqualTo(20);
        stack.awaitAndAssertExact(job, db, started.catalog(), started.config(), started.baseline());
    }

    @Test
    void aHundredThousandRowInsertCutByATaskManagerKillArrivesOnce() throws Exception {
        String db = "shop_bulk";
        Started started = start(db, Map.of());
        long before = customers(started);
        CompletableFuture<Integer> insert =
                CompletableFuture.supplyAsync(
                        () -> {
                            try (Connection c = stack.postgres.connect(db);
                                    Statement s = c.createStatement()) {
                                return s.executeUpdate(
                                        "INSERT INTO shop.customers (customer_id, email,"
                                                + " created_at, updated_at) SELECT g, 'bulk-' || g"
                                                + " || '@example.com', now(), now() FROM"
                                                + " generate_series(2000000, 2099999) g");
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
        assertThat(insert.get()).isEqualTo(100_000);
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(started.job());
                            assertThat(customers(started))
                                    .as("part of the insert in bronze")
                                    .isGreaterThan(before);
                        });
        long atKill = customers(started);
        stack.flink.replaceTaskManager();
        System.out.printf("TaskManager killed with %d of 100000 rows in bronze%n", atKill - before);
        await().atMost(Duration.ofMinutes(1))
                .untilAsserted(
                        () ->
                                assertThat(stack.flink.restarts(started.job()))
                                        .as("the kill restarted the job")
                                        .isGreaterThanOrEqualTo(1));
        stack.awaitAndAssertExact(
                started.job(), db, started.catalog(), started.config(), started.baseline());
    }

    @Test
    void aTerminatedWalsenderMidStreamLosesAndDuplicatesNothing() throws Exception {
        String db = "shop_walsender";
        Started started = start(db, Map.of());
        String slot = started.config().postgres().slotName();
        CompletableFuture<Long> workload =
                stack.runWorkloadAsync(db, SMALL_SHOP.withSeed(32).withRate(100), 1_500);
        for (int round = 0; round < 3; round++) {
            long orders =
                    stack.committedRows(started.catalog(), started.config(), ShopSchema.ORDERS);
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(
                            () -> {
                                stack.assertRunning(started.job());
                                assertThat(
                                                stack.committedRows(
                                                        started.catalog(),
                                                        started.config(),
                                                        ShopSchema.ORDERS))
                                        .isGreaterThan(orders + 20);
                                assertThat(terminateWalsender(slot))
                                        .as("the slot's walsender terminated")
                                        .isTrue();
                            });
        }
        assertThat(workload.get()).isEqualTo(1_500L);
        System.out.printf(
                "walsender terminated 3 times; the job restarted %d times%n",
                stack.flink.restarts(started.job()));
        stack.awaitAndAssertExact(
                started.job(), db, started.catalog(), started.config(), started.baseline());
    }

    /**
     * PostgreSQL stopped under the running job, once cleanly (fast shutdown) and once as a crash
     * (postmaster and backends killed, crash recovery on start), each time right after a burst of
     * sales the job is still streaming and committing. The Iceberg catalog lives in the same
     * server, so every restart is a catalog outage too; and after a crash the slot's position goes
     * back to what the server's last checkpoint saved, so the server sends changes again that the
     * job already has.
     */
    @Test
    void postgresRestartedCleanlyAndAfterACrashLosesAndDuplicatesNothing() throws Exception {
        String db = "shop_pg_restart";
        Started started = start(db, Map.of());
        long seed = 40;
        for (boolean crash : new boolean[] {false, true}) {
            long orders =
                    stack.committedRows(started.catalog(), started.config(), ShopSchema.ORDERS);
            assertThat(
                            stack.runWorkloadAsync(
                                            db, SMALL_SHOP.withSeed(seed++).withRate(100), 300)
                                    .get())
                    .isEqualTo(300L);
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(
                            () ->
                                    assertThat(
                                                    stack.committedRows(
                                                            started.catalog(),
                                                            started.config(),
                                                            ShopSchema.ORDERS))
                                            .as("the burst partly in bronze")
                                            .isGreaterThan(orders));
            int restarts = stack.flink.restarts(started.job());
            stack.postgres.restart(crash);
            await().atMost(Duration.ofMinutes(2))
                    .untilAsserted(
                            () ->
                                    assertThat(stack.flink.restarts(started.job()))
                                            .as("the outage restarted the job")
                                            .isGreaterThan(restarts));
        }
        // and the job streams again after both
        assertThat(stack.runWorkloadAsync(db, SMALL_SHOP.withSeed(seed).withRate(100), 200).get())
                .isEqualTo(200L);
        System.out.printf(
                "PostgreSQL restarted cleanly and after a crash; the job restarted %d times%n",
                stack.flink.restarts(started.job()));
        stack.awaitAndAssertExact(
                started.job(), db, started.catalog(), started.config(), started.baseline());
    }

    private record Started(
            JobID job,
            IngestionConfig config,
            Catalog catalog,
            IngestionTestStack.Baseline baseline) {}

    /** A small shop with its change ledger, and an IngestionJob past its snapshot. */
    private static Started start(String db, Map<String, String> overrides) throws Exception {
        IngestionTestStack.Baseline baseline = stack.seedShop(db, SMALL_SHOP);
        try (Connection c = stack.postgres.connect(db)) {
            BronzeOracle.installAudit(c);
        }
        Map<String, String> settings = stack.settings(db);
        // every kill is a restart: more of them than the default budget of the test stack
        settings.put("restart-strategy.fixed-delay.attempts", "1000");
        settings.putAll(overrides);
        IngestionConfig config = IngestionConfig.fromMap(settings);
        Catalog catalog = stack.catalog(config);
        var env = stack.environment(config);
        IngestionJob.prepare(env, config);
        JobID job = stack.flink.submit(env, config.jobName(), Optional.empty());
        stack.awaitSnapshot(job, catalog, config, baseline);
        return new Started(job, config, catalog, baseline);
    }

    private static long customers(Started started) {
        return stack.committedRows(started.catalog(), started.config(), ShopSchema.CUSTOMERS);
    }

    /** Terminates the walsender streaming the slot; false when the slot has none right now. */
    private static boolean terminateWalsender(String slot) throws Exception {
        try (Connection c = stack.postgres.connect("postgres");
                PreparedStatement s =
                        c.prepareStatement(
                                "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                                        + " WHERE slot_name = ? AND active_pid IS NOT NULL")) {
            s.setString(1, slot);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
