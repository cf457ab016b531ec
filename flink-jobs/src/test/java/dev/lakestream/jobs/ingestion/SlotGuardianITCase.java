package dev.lakestream.jobs.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.jobs.source.postgres.SlotGuardedSource;
import dev.lakestream.shop.ShopSchema;
import dev.lakestream.shop.workload.WorkloadConfig;
import dev.lakestream.verification.runtime.EmbeddedFlinkCluster;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;

/**
 * The replication-slot guardian against a real PostgreSQL and MiniCluster, one database and slot
 * per test: the heartbeat moves an idle job's slot, a slot dropped while the job is stopped stops
 * the resume (before a new slot exists), and a slot PostgreSQL invalidates fails the running job.
 */
class SlotGuardianITCase extends IngestionStackTestBase {

    private static final WorkloadConfig SEED =
            WorkloadConfig.builder()
                    .seed(21)
                    .stores(2)
                    .customers(20)
                    .products(10)
                    .initialOrders(20)
                    .build();

    @Test
    void heartbeatMovesTheSlotWhileCapturedTablesAreIdleAndOthersAreBusy() throws Exception {
        String db = "shop_slot_idle";
        IngestionTestStack.Baseline baseline = stack.seedShop(db, SEED);
        try (Connection c = stack.postgres.connect(db);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.busy (id bigserial PRIMARY KEY, payload text)");
        }
        IngestionConfig config = IngestionConfig.fromMap(settings(db));
        Catalog catalog = stack.catalog(config);
        JobID job = submit(config, Optional.empty());
        stack.awaitSnapshot(job, catalog, config, baseline);

        try (Connection c = stack.postgres.connect(db);
                Statement s = c.createStatement()) {
            // only an uncaptured table changes from here on
            s.execute(
                    "INSERT INTO public.busy (payload) SELECT repeat('x', 200) FROM"
                            + " generate_series(1, 20000)");
            String walAfterBusyWrites = query(s, "SELECT pg_current_wal_lsn()::text");
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(
                            () -> {
                                stack.assertRunning(job);
                                s.execute("INSERT INTO public.busy (payload) VALUES ('more')");
                                assertThat(
                                                query(
                                                        s,
                                                        "SELECT confirmed_flush_lsn >= '"
                                                                + walAfterBusyWrites
                                                                + "'::pg_lsn FROM"
                                                                + " pg_replication_slots WHERE"
                                                                + " slot_name = '"
                                                                + slot(db)
                                                                + "'"))
                                        .as("slot confirmed past the busy table's writes")
                                        .isEqualTo("t");
                            });
            assertThat(
                            query(
                                    s,
                                    "SELECT count(*) FROM public.lakestream_heartbeat WHERE"
                                            + " slot_name = '"
                                            + slot(db)
                                            + "'"))
                    .isEqualTo("1");
        }
        // the guardian publishes the slot's lag on the source's coordinator
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(slotLagGauge(job)).isNotNull().isNotNegative());
        // heartbeats are not data: bronze holds exactly the snapshot
        for (String table : ShopSchema.TABLES) {
            assertThat(stack.committedRows(catalog, config, table))
                    .as("bronze rows of %s", table)
                    .isEqualTo(baseline.rowCounts().get(table));
        }
        stack.flink.cancel(job);
    }

    @Test
    void slotDroppedWhileStoppedRefusesTheResumeBeforeANewSlotExists() throws Exception {
        String db = "shop_slot_dropped";
        IngestionTestStack.Baseline baseline = stack.seedShop(db, SEED);
        IngestionConfig config = IngestionConfig.fromMap(settings(db));
        Catalog catalog = stack.catalog(config);
        JobID first = submit(config, Optional.empty());
        stack.awaitSnapshot(first, catalog, config, baseline);
        try (Connection c = stack.postgres.connect(db);
                Statement s = c.createStatement()) {
            s.execute(
                    "UPDATE shop.orders SET status = 'PAID' WHERE order_id IN"
                            + " (SELECT order_id FROM shop.orders ORDER BY order_id LIMIT 3)");
        }
        long ordersBefore = baseline.rowCounts().get(ShopSchema.ORDERS);
        await().atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(first);
                            assertThat(stack.committedRows(catalog, config, ShopSchema.ORDERS))
                                    .isEqualTo(ordersBefore + 3);
                        });
        stack.flink.cancel(first);
        Path checkpoint =
                EmbeddedFlinkCluster.latestRetainedCheckpoint(stack.checkpoints(db)).orElseThrow();

        try (Connection c = stack.postgres.connect(db);
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_drop_replication_slot('" + slot(db) + "')");
            // made while no slot kept the WAL for the job: resuming would skip these silently
            s.execute(
                    "UPDATE shop.orders SET status = 'SHIPPED' WHERE order_id IN"
                            + " (SELECT order_id FROM shop.orders ORDER BY order_id LIMIT 5)");
        }

        JobID second = submit(IngestionConfig.fromMap(settings(db)), Optional.of(checkpoint));
        String failure = awaitFailure(second);
        assertThat(failure)
                .contains("Replication slot '" + slot(db) + "'")
                .contains("source.postgres.slot-name")
                .contains("does not exist")
                .contains("start the job without its checkpoint");
        // refused before the CDC source could create a fresh slot and resume past the gap
        assertThat(slotExists(db)).isFalse();
        assertThat(stack.committedRows(catalog, config, ShopSchema.ORDERS))
                .isEqualTo(ordersBefore + 3);
    }

    @Test
    void invalidatedSlotFailsTheRunningJob() throws Exception {
        String db = "shop_slot_lost";
        IngestionTestStack.Baseline baseline = stack.seedShop(db, SEED);
        IngestionConfig config = IngestionConfig.fromMap(settings(db));
        Catalog catalog = stack.catalog(config);
        JobID job = submit(config, Optional.empty());
        stack.awaitSnapshot(job, catalog, config, baseline);

        try (Connection c = stack.postgres.connect(db);
                Statement s = c.createStatement()) {
            s.execute("ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'");
            s.execute("SELECT pg_reload_conf()");
            try {
                s.execute("CREATE TABLE public.filler (id bigint, payload text)");
                await().atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(200))
                        .untilAsserted(
                                () -> {
                                    // more WAL than the slot may keep, then a checkpoint, which
                                    // is where PostgreSQL invalidates slots that lag too far
                                    s.execute(
                                            "INSERT INTO public.filler SELECT g, repeat('x',"
                                                    + " 1000) FROM generate_series(1, 40000) g");
                                    s.execute("CHECKPOINT");
                                    assertThat(
                                                    query(
                                                            s,
                                                            "SELECT wal_status FROM"
                                                                    + " pg_replication_slots WHERE"
                                                                    + " slot_name = '"
                                                                    + slot(db)
                                                                    + "'"))
                                            .isEqualTo("lost");
                                });
            } finally {
                s.execute("ALTER SYSTEM RESET max_slot_wal_keep_size");
                s.execute("SELECT pg_reload_conf()");
            }
        }

        String failure = awaitFailure(job);
        assertThat(failure)
                .contains("Replication slot '" + slot(db) + "'")
                .contains("source.postgres.slot-name")
                .contains("wal_status = 'lost'");
    }

    @Test
    void resnapshotAfterALostSlotRepairsTheLsnOrderedState() throws Exception {
        String db = "shop_slot_resnap";
        IngestionTestStack.Baseline baseline = stack.seedShop(db, SEED);
        Map<String, String> settings = settings(db);
        settings.put("source.postgres.on-missing-slot", "RESNAPSHOT");
        IngestionConfig config = IngestionConfig.fromMap(settings);
        Catalog catalog = stack.catalog(config);
        JobID first = submit(config, Optional.empty());
        stack.awaitSnapshot(first, catalog, config, baseline);
        try (Connection c = stack.postgres.connect(db);
                Statement s = c.createStatement()) {
            s.execute(
                    "UPDATE shop.orders SET status = 'PAID' WHERE order_id IN"
                            + " (SELECT order_id FROM shop.orders ORDER BY order_id LIMIT 5)");
        }
        long orders = baseline.rowCounts().get(ShopSchema.ORDERS);
        await().atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(first);
                            assertThat(stack.committedRows(catalog, config, ShopSchema.ORDERS))
                                    .isEqualTo(orders + 5);
                        });
        stack.flink.cancel(first);
        Path checkpoint =
                EmbeddedFlinkCluster.latestRetainedCheckpoint(stack.checkpoints(db)).orElseThrow();

        try (Connection c = stack.postgres.connect(db);
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_drop_replication_slot('" + slot(db) + "')");
            // lost to the job's WAL stream: only a new snapshot can bring these into silver,
            // and only if its rows are newer than the PAID updates already in bronze
            s.execute(
                    "UPDATE shop.orders SET status = 'SHIPPED' WHERE order_id IN"
                            + " (SELECT order_id FROM shop.orders ORDER BY order_id LIMIT 3)");
            s.execute(
                    "UPDATE shop.customers SET email = 'moved-' || email WHERE customer_id IN"
                            + " (SELECT customer_id FROM shop.customers ORDER BY customer_id LIMIT 2)");
        }

        JobID second = submit(IngestionConfig.fromMap(settings), Optional.of(checkpoint));
        // a second snapshot of every order, then a change streamed through the new slot
        await().atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(second);
                            assertThat(stack.committedRows(catalog, config, ShopSchema.ORDERS))
                                    .isGreaterThanOrEqualTo(orders + 5 + orders);
                        });
        try (Connection c = stack.postgres.connect(db);
                Statement s = c.createStatement()) {
            s.execute(
                    "UPDATE shop.orders SET status = 'DELIVERED' WHERE order_id IN"
                            + " (SELECT order_id FROM shop.orders ORDER BY order_id LIMIT 1)");
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(
                            () -> {
                                stack.assertRunning(second);
                                for (String table : ShopSchema.TABLES) {
                                    BronzeOracle.assertLsnOrderedFoldIsTheTable(
                                            table,
                                            dev.lakestream.catalog.BronzeChanges.readAll(
                                                    IngestionTestStack.bronzeTable(
                                                            catalog, config, table)),
                                            BronzeOracle.currentRows(c, table));
                                }
                            });
        }
        assertThat(slotExists(db)).isTrue();
        stack.flink.cancel(second);
    }

    private static Map<String, String> settings(String db) {
        Map<String, String> s = new HashMap<>(stack.settings(db));
        s.put("source.postgres.slot-check-interval", "1s");
        return s;
    }

    private static String slot(String db) {
        return "lakestream_" + db;
    }

    private static JobID submit(IngestionConfig config, Optional<Path> restoreFrom) {
        var env = stack.environment(config);
        IngestionJob.prepare(env, config);
        return stack.flink.submit(env, config.jobName(), restoreFrom);
    }

    /** Waits for the job to fail for good and returns its failure, stack trace included. */
    private static String awaitFailure(JobID job) throws Exception {
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> stack.flink.status(job) == JobStatus.FAILED);
        return stack.flink
                .miniCluster()
                .requestJobResult(job)
                .get()
                .getSerializedThrowable()
                .map(t -> t.getFullStringifiedStackTrace())
                .orElse("");
    }

    /** The guardian's gauge as Flink's REST API shows it, or null while it is not reported. */
    private static Long slotLagGauge(JobID job) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = stack.flink.restAddress().toString().replaceAll("/$", "");
        String jobJson = get(http, base + "/jobs/" + job);
        Matcher vertex =
                Pattern.compile(
                                "\"id\":\"([0-9a-f]{32})\",[^{}]*?\"name\":\"Source:"
                                        + " PostgreSQL CDC")
                        .matcher(jobJson);
        assertThat(vertex.find()).as("source vertex in %s", jobJson).isTrue();
        String metrics =
                base + "/jobs/" + job + "/vertices/" + vertex.group(1) + "/jm-operator-metrics";
        Matcher id =
                Pattern.compile("\"id\":\"([^\"]*" + SlotGuardedSource.LAG_GAUGE + ")\"")
                        .matcher(get(http, metrics));
        if (!id.find()) {
            return null;
        }
        Matcher value =
                Pattern.compile("\"value\":\"(-?\\d+)\"")
                        .matcher(
                                get(
                                        http,
                                        metrics
                                                + "?get="
                                                + URLEncoder.encode(
                                                        id.group(1), StandardCharsets.UTF_8)));
        return value.find() ? Long.valueOf(value.group(1)) : null;
    }

    private static String get(HttpClient http, String uri) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(uri)).GET().build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static boolean slotExists(String db) throws SQLException {
        try (Connection c = stack.postgres.connect(db);
                Statement s = c.createStatement()) {
            return "1"
                    .equals(
                            query(
                                    s,
                                    "SELECT count(*) FROM pg_replication_slots WHERE slot_name"
                                            + " = '"
                                            + slot(db)
                                            + "'"));
        }
    }

    private static String query(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
