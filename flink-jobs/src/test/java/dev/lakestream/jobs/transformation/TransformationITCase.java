package dev.lakestream.jobs.transformation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.catalog.QuarantineTables;
import dev.lakestream.catalog.S3Access;
import dev.lakestream.catalog.SilverTables;
import dev.lakestream.embedded.KafkaBroker;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.jobs.ingestion.IngestionJob;
import dev.lakestream.jobs.ingestion.IngestionTestStack;
import dev.lakestream.jobs.runtime.FlinkRestMetrics;
import dev.lakestream.shop.ShopSchema;
import dev.lakestream.shop.feeds.ExchangeRateApi;
import dev.lakestream.shop.feeds.ExchangeRateFeed;
import dev.lakestream.shop.feeds.FeedSchema;
import dev.lakestream.shop.feeds.FootTrafficFeed;
import dev.lakestream.shop.workload.WorkloadConfig;
import dev.lakestream.shop.workload.WorkloadGenerator;
import dev.lakestream.verification.gold.GoldReconciliation;
import dev.lakestream.verification.gold.GoldTopicHistory;
import dev.lakestream.verification.gold.GoldTopicReader;
import dev.lakestream.verification.gold.GoldTopicTransactions;
import dev.lakestream.verification.runtime.EmbeddedFlinkCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole pipeline on real services, IngestionJob and TransformationJob together: after a
 * workload of inserts, status changes, line edits, cancellations, deletes and orders moved between
 * stores and dates reaches quiescence, every gold key read from Kafka ({@code read_committed},
 * latest per key) equals the same metrics computed by one SQL query over the source tables, with no
 * key on one side only; and silver holds exactly the source rows.
 */
class TransformationITCase {

    private static IngestionTestStack stack;
    private static KafkaBroker kafka;

    @BeforeAll
    static void startServices() throws Exception {
        stack = IngestionTestStack.start();
        kafka = KafkaBroker.start(stack.workDir.resolve("kafka"), 0);
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void goldOnKafkaEqualsSqlOverTheSourceTables() throws Exception {
        String db = "shop_gold";
        WorkloadConfig workload =
                WorkloadConfig.builder()
                        .seed(21)
                        .stores(4)
                        .customers(100)
                        .products(40)
                        .initialOrders(120)
                        .build();
        stack.seedShop(db, workload);
        String topic = goldTopic(db, 2);

        Pipeline pipeline = start(db, topic);
        IngestionConfig ingestion = pipeline.ingestion();
        JobID ingest = pipeline.ingest();
        JobID transform = pipeline.transform();

        try (Connection c = stack.postgres.connect(db)) {
            try (WorkloadGenerator generator = new WorkloadGenerator(c, workload.withSeed(22))) {
                generator.runTransactions(300);
            }
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                // orders that move to another store and to another day
                s.executeUpdate(
                        "UPDATE shop.orders o SET store_id = (SELECT min(store_id) FROM shop.stores"
                                + " WHERE store_id <> o.store_id), updated_at = now()"
                                + " WHERE order_id % 7 = 0");
                s.executeUpdate(
                        "UPDATE shop.orders SET created_at = created_at + interval '1 day',"
                                + " updated_at = now() WHERE order_id % 11 = 0");
                // a row PostgreSQL accepts but silver's rules refuse
                s.executeUpdate(
                        "INSERT INTO shop.customers (customer_id, email, full_name, created_at,"
                                + " updated_at)"
                                + " VALUES (999999, 'not-an-e-mail', 'Bad Address', now(), now())");
            }
        }

        awaitGoldEqualsPostgres(db, topic, pipeline);
        assertConsumersSeeTheContract(db, topic, pipeline.transform());
        try (Connection c = stack.postgres.connect(db)) {
            Catalog catalog = stack.catalog(ingestion);
            Table rejects = catalog.loadTable(QuarantineTables.silverRejects().identifier());
            await().atMost(Duration.ofMinutes(1))
                    .untilAsserted(
                            () ->
                                    assertThat(
                                                    dev.lakestream.catalog.BronzeChanges
                                                            .committedRows(rejects))
                                            .isEqualTo(1));
            try (CloseableIterable<Record> rejected = IcebergGenerics.read(rejects).build()) {
                Record r = rejected.iterator().next();
                assertThat(r.getField("source_table")).isEqualTo("shop.customers");
                assertThat(r.getField("rule")).isEqualTo("customers.email.format");
                assertThat((String) r.getField("reason")).contains("not-an-e-mail");
                assertThat((String) r.getField("raw")).contains("\"customer_id\":999999");
            }
            for (String table : ShopSchema.TABLES) {
                Table silver =
                        catalog.loadTable(SilverTables.definitionFor("silver", table).identifier());
                assertThat(SilverComparison.differences(c, silver, table, List.of("999999|")))
                        .as("silver %s holds exactly the source rows that pass cleansing", table)
                        .isEmpty();
            }
        }
        stack.flink.cancel(transform);
        stack.flink.cancel(ingest);
    }

    /**
     * ALTER TABLE mid-stream, as a source's owners do it: a column added (it appears in silver
     * through Iceberg schema evolution, with values from the first change that carries it), a type
     * widened (int to bigint: silver's column becomes a long), a column dropped (it stays in
     * silver, null for later changes), and a type changed in a way silver cannot follow
     * (numeric(12,2) to numeric(12,3): that table's changes are refused into quarantine, counted,
     * and the others keep flowing). Silver equals the source column for column, gold stays exact,
     * and neither job restarts.
     */
    @Test
    void sourceSchemaChangesReachSilverWhileGoldStaysExactAndNoJobRestarts() throws Exception {
        String db = "shop_alter";
        WorkloadConfig workload = smallShop(81);
        stack.seedShop(db, workload);
        String topic = goldTopic(db, 2);
        Pipeline pipeline = start(db, topic);

        try (Connection c = stack.postgres.connect(db)) {
            try (WorkloadGenerator generator = new WorkloadGenerator(c, workload.withSeed(82))) {
                generator.runTransactions(100);
            }
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("ALTER TABLE shop.orders ADD COLUMN gift_note text");
                s.executeUpdate(
                        "UPDATE shop.orders SET gift_note = 'for order ' || order_id,"
                                + " updated_at = now() WHERE order_id % 3 = 0");
                s.execute("ALTER TABLE shop.order_lines ALTER COLUMN quantity TYPE bigint");
                s.executeUpdate(
                        "UPDATE shop.order_lines SET quantity = quantity + 1 WHERE order_id % 2 = 0");
                s.execute("ALTER TABLE shop.customers DROP COLUMN full_name");
                s.executeUpdate("UPDATE shop.customers SET updated_at = now()");
                s.execute("ALTER TABLE shop.products ALTER COLUMN list_price TYPE numeric(12,3)");
                s.executeUpdate("UPDATE shop.products SET list_price = list_price + 0.005");
                // and the shop sells on: orders, lines and their changes after every ALTER
                s.executeUpdate(
                        "UPDATE shop.orders SET status = 'CANCELLED', updated_at = now()"
                                + " WHERE order_id % 5 = 0");
                s.executeUpdate(
                        "INSERT INTO shop.order_lines (order_id, line_no, product_id, quantity,"
                                + " unit_price, discount)"
                                + " SELECT order_id, 90, (SELECT min(product_id) FROM"
                                + " shop.products), 3000000000, 0.01, 0 FROM shop.orders"
                                + " WHERE order_id % 4 = 0");
            }
        }

        awaitGoldEqualsPostgres(db, topic, pipeline);
        assertConsumersSeeTheContract(db, topic, pipeline.transform());
        Catalog catalog = stack.catalog(pipeline.ingestion());
        try (Connection c = stack.postgres.connect(db)) {
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(2))
                    .untilAsserted(
                            () -> {
                                for (String table :
                                        List.of(
                                                "shop.orders",
                                                "shop.order_lines",
                                                "shop.customers",
                                                "shop.stores")) {
                                    Table silver =
                                            catalog.loadTable(
                                                    SilverTables.definitionFor("silver", table)
                                                            .identifier());
                                    assertThat(
                                                    SilverComparison.differences(
                                                            c, silver, table, List.of()))
                                            .as("silver %s, column for column", table)
                                            .isEmpty();
                                }
                            });
        }
        org.apache.iceberg.Schema orders =
                catalog.loadTable(SilverTables.definitionFor("silver", "shop.orders").identifier())
                        .schema();
        assertThat(orders.findField("gift_note").type())
                .isEqualTo(org.apache.iceberg.types.Types.StringType.get());
        org.apache.iceberg.Schema lines =
                catalog.loadTable(
                                SilverTables.definitionFor("silver", "shop.order_lines")
                                        .identifier())
                        .schema();
        assertThat(lines.findField("quantity").type())
                .isEqualTo(org.apache.iceberg.types.Types.LongType.get());
        org.apache.iceberg.Schema customers =
                catalog.loadTable(
                                SilverTables.definitionFor("silver", "shop.customers").identifier())
                        .schema();
        assertThat(customers.findField("full_name")).as("a dropped column stays").isNotNull();

        Table rejects = catalog.loadTable(QuarantineTables.silverRejects().identifier());
        long refused = 0;
        try (CloseableIterable<Record> rows = IcebergGenerics.read(rejects).build()) {
            for (Record r : rows) {
                assertThat(r.getField("rule"))
                        .as("the only refusals: the price column silver cannot follow")
                        .isEqualTo("products.list_price.type");
                assertThat((String) r.getField("reason"))
                        .contains(
                                "changed type at the source from decimal(12, 2) to decimal(12, 3)");
                refused++;
            }
        }
        try (Connection c = stack.postgres.connect(db);
                Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM shop.products")) {
            rs.next();
            assertThat(refused)
                    .as("one refusal per product updated after")
                    .isEqualTo(rs.getLong(1));
        }
        long refusedRows = refused;
        long[] counted = new long[1];
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> {
                            counted[0] =
                                    FlinkRestMetrics.sum(
                                            stack.flink,
                                            pipeline.transform(),
                                            "cleanse",
                                            "schema_changes_refused");
                            assertThat(counted[0]).isEqualTo(refusedRows);
                        });
        assertThat(stack.flink.restarts(pipeline.transform()))
                .as("the TransformationJob never restarted")
                .isZero();
        assertThat(stack.flink.restarts(pipeline.ingest())).as("nor the IngestionJob").isZero();
        stack.flink.cancel(pipeline.transform());
        stack.flink.cancel(pipeline.ingest());
    }

    @Test
    void ordersOfAStoreSilverRefusedWaitVisiblyAndReachGoldOnceItIsFixed() throws Exception {
        String db = "shop_refused_store";
        WorkloadConfig workload = smallShop(31);
        stack.seedShop(db, workload);
        String topic = goldTopic(db, 2);
        Pipeline pipeline = start(db, topic);
        try (Connection c = stack.postgres.connect(db)) {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                // PostgreSQL takes any text as a time zone; silver's rule refuses it
                s.executeUpdate(
                        "INSERT INTO shop.stores (store_id, code, name, region, city, country,"
                                + " time_zone, currency) VALUES (900, 'S900', 'Olympus Mons',"
                                + " 'Tharsis', 'Olympus', 'DE', 'Mars/Olympus', 'EUR')");
                for (int i = 1; i <= 3; i++) {
                    s.executeUpdate(
                            "INSERT INTO shop.orders (order_id, store_id, status, created_at,"
                                    + " updated_at) VALUES ("
                                    + (900_000 + i)
                                    + ", 900, 'PAID', now(), now())");
                    s.executeUpdate(
                            "INSERT INTO shop.order_lines (order_id, line_no, product_id,"
                                    + " quantity, unit_price) SELECT "
                                    + (900_000 + i)
                                    + ", 1, min(product_id), "
                                    + i
                                    + ", 10.00 FROM shop.products");
                }
            }
            try (WorkloadGenerator generator = new WorkloadGenerator(c, workload.withSeed(32))) {
                generator.runTransactions(40);
            }
        }
        Catalog catalog = stack.catalog(pipeline.ingestion());
        Table rejects = catalog.loadTable(QuarantineTables.silverRejects().identifier());
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(pipeline.transform());
                            rejects.refresh();
                            List<String> rules = new ArrayList<>();
                            try (CloseableIterable<Record> rows =
                                    IcebergGenerics.read(rejects).build()) {
                                rows.forEach(r -> rules.add((String) r.getField("rule")));
                            }
                            assertThat(rules).contains("stores.time_zone.iana");
                            assertThat(
                                            FlinkRestMetrics.sum(
                                                    stack.flink,
                                                    pipeline.transform(),
                                                    "store-local sale date",
                                                    "eventsWaitingForStore"))
                                    .as("the refused store's order contributions wait, counted")
                                    .isGreaterThanOrEqualTo(3);
                            assertThat(pending(catalog))
                                    .as("and listed in quarantine.gold_pending")
                                    .singleElement(
                                            org.assertj.core.api.InstanceOfAssertFactories.STRING)
                                    .matches(
                                            "900 orders [0-9]+ silver has no valid row of store 900.*")
                                    .satisfies(
                                            row ->
                                                    assertThat(Long.parseLong(row.split(" ")[2]))
                                                            .isGreaterThanOrEqualTo(3));
                        });
        assertThat(GoldReconciliation.fromKafka(kafka.bootstrapServers(), topic).keySet())
                .as("nothing of store 900 in gold while its row is refused")
                .noneMatch(key -> key.endsWith("|900"));

        try (Connection c = stack.postgres.connect(db);
                Statement s = c.createStatement()) {
            s.executeUpdate(
                    "UPDATE shop.stores SET time_zone = 'Europe/Berlin' WHERE store_id = 900");
        }
        awaitGoldEqualsPostgres(db, topic, pipeline);
        assertThat(GoldReconciliation.fromKafka(kafka.bootstrapServers(), topic).keySet())
                .anyMatch(key -> key.endsWith("|900"));
        // the REST API serves metrics from a cache refreshed every few seconds
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () ->
                                assertThat(
                                                FlinkRestMetrics.sum(
                                                        stack.flink,
                                                        pipeline.transform(),
                                                        "store-local sale date",
                                                        "eventsWaitingForStore"))
                                        .isZero());
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> assertThat(pending(catalog)).as("nothing waits any more").isEmpty());
        stack.flink.cancel(pipeline.transform());
        stack.flink.cancel(pipeline.ingest());
    }

    /** The rows of quarantine.gold_pending, as "store input events reason". */
    private static List<String> pending(Catalog catalog) throws Exception {
        Table table = catalog.loadTable(QuarantineTables.goldPending().identifier());
        List<String> rows = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            for (Record r : records) {
                rows.add(
                        r.getField("store_id")
                                + " "
                                + r.getField("input")
                                + " "
                                + r.getField("events_waiting")
                                + " "
                                + r.getField("reason"));
            }
        }
        return rows;
    }

    /**
     * The poison pills of the CDC path reach silver as refusals, never as a failure of the job: a
     * 30 MB text, jsonb nested 2,000 deep and a 2,000-digit numeric (the last two in columns added
     * while the pipeline runs) are in bronze as they came, each change is in quarantine with its
     * rule and reason, as is a TRUNCATE (of a table refilled in the same transaction), neither job
     * ever restarted, and gold stays exact.
     */
    @Test
    void poisonPillsOfTheCdcPathAreQuarantinedAndTheJobNeverRestarts() throws Exception {
        String db = "shop_poison";
        WorkloadConfig workload =
                WorkloadConfig.builder()
                        .seed(41)
                        .stores(2)
                        .customers(20)
                        .products(10)
                        .initialOrders(20)
                        .build();
        stack.seedShop(db, workload);
        String topic = goldTopic(db, 1);
        Pipeline pipeline = start(db, topic);
        List<Long> customers = new ArrayList<>();
        try (Connection c = stack.postgres.connect(db);
                Statement s = c.createStatement()) {
            try (var rs =
                    s.executeQuery(
                            "SELECT customer_id FROM shop.customers ORDER BY customer_id LIMIT 3")) {
                while (rs.next()) {
                    customers.add(rs.getLong(1));
                }
            }
            s.executeUpdate(
                    "UPDATE shop.customers SET full_name = repeat('x', 30000000) WHERE"
                            + " customer_id = "
                            + customers.get(0));
            s.executeUpdate("ALTER TABLE shop.customers ADD COLUMN prefs jsonb");
            s.executeUpdate("ALTER TABLE shop.customers ADD COLUMN score numeric");
            s.executeUpdate(
                    "UPDATE shop.customers SET prefs = (repeat('[', 2000) || repeat(']',"
                            + " 2000))::jsonb WHERE customer_id = "
                            + customers.get(1));
            s.executeUpdate(
                    "UPDATE shop.customers SET score = repeat('9', 2000)::numeric WHERE"
                            + " customer_id = "
                            + customers.get(2));
        }
        try (Connection c = stack.postgres.connect(db);
                WorkloadGenerator generator = new WorkloadGenerator(c, workload.withSeed(42))) {
            generator.runTransactions(40);
        }
        // a TRUNCATE, and the same rows written back in the same transaction: the source ends
        // as it was, so gold must too, while the TRUNCATE itself is refused into quarantine
        try (Connection c = stack.postgres.connect(db);
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute(
                    "CREATE TEMP TABLE lines_copy ON COMMIT DROP AS SELECT * FROM"
                            + " shop.order_lines");
            s.execute("TRUNCATE shop.order_lines");
            s.execute("INSERT INTO shop.order_lines SELECT * FROM lines_copy");
            c.commit();
        }
        Catalog catalog = stack.catalog(pipeline.ingestion());
        Table rejects = catalog.loadTable(QuarantineTables.silverRejects().identifier());
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(pipeline.transform());
                            rejects.refresh();
                            Map<String, String> reasons = new HashMap<>();
                            List<String> truncates = new ArrayList<>();
                            try (CloseableIterable<Record> rows =
                                    IcebergGenerics.read(rejects).build()) {
                                for (Record r : rows) {
                                    if ("customers.image.format".equals(r.getField("rule"))) {
                                        reasons.put(
                                                (String) r.getField("key"),
                                                (String) r.getField("reason"));
                                    } else if ("order_lines.truncate".equals(r.getField("rule"))) {
                                        truncates.add(
                                                r.getField("key") + " " + r.getField("reason"));
                                    }
                                }
                            }
                            assertThat(truncates)
                                    .singleElement(
                                            org.assertj.core.api.InstanceOfAssertFactories.STRING)
                                    .startsWith("{} TRUNCATE of shop.order_lines at LSN ");
                            assertThat(reasons)
                                    .hasSize(3)
                                    .hasEntrySatisfying(
                                            key(customers.get(0)),
                                            r -> assertThat(r).contains("String value length"))
                                    .hasEntrySatisfying(
                                            key(customers.get(1)),
                                            r -> assertThat(r).contains("nesting depth"))
                                    .hasEntrySatisfying(
                                            key(customers.get(2)),
                                            r -> assertThat(r).contains("Number value length"));
                        });
        awaitGoldEqualsPostgres(db, topic, pipeline);
        // what an operator's dashboard reads: the refusals per rule, as metrics (Flink's REST API
        // writes the dots of a group's name as underscores; Prometheus keeps them in the label)
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> {
                            assertThat(
                                            FlinkRestMetrics.sum(
                                                    stack.flink,
                                                    pipeline.transform(),
                                                    "cleanse",
                                                    "rule.order_lines_truncate.rejects"))
                                    .isEqualTo(1);
                            assertThat(
                                            FlinkRestMetrics.sum(
                                                    stack.flink,
                                                    pipeline.transform(),
                                                    "cleanse",
                                                    "rule.customers_image_format.rejects"))
                                    .isGreaterThanOrEqualTo(3);
                        });
        assertThat(stack.flink.restarts(pipeline.transform()))
                .as("no change restarted the TransformationJob")
                .isZero();
        assertThat(stack.flink.restarts(pipeline.ingest())).as("nor the IngestionJob").isZero();
        stack.flink.cancel(pipeline.transform());
        stack.flink.cancel(pipeline.ingest());
    }

    /**
     * The Kafka broker killed (SIGKILL) while gold flows, and started again on its data and port:
     * the transaction in flight is lost with the broker, the TransformationJob restarts from its
     * checkpoint, and gold on Kafka ends equal to the SQL oracle with the record contract intact
     * for a read_committed consumer.
     */
    @Test
    void goldStaysExactThroughAKafkaBrokerKill() throws Exception {
        String db = "shop_broker_kill";
        WorkloadConfig workload = smallShop(51);
        stack.seedShop(db, workload);
        String topic = goldTopic(db, 2);
        Pipeline pipeline = start(db, topic);
        var sales = stack.runWorkloadAsync(db, workload.withSeed(52).withRate(20), 400);
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(pipeline.transform());
                            assertThat(
                                            GoldReconciliation.fromKafka(
                                                    kafka.bootstrapServers(), topic))
                                    .as("gold flowing before the kill")
                                    .isNotEmpty();
                        });
        java.nio.file.Path state = kafka.stateDirectory();
        int port = kafka.port();
        kafka.crash();
        kafka = KafkaBroker.start(state, port);

        assertThat(sales.get()).isEqualTo(400L);
        awaitGoldEqualsPostgres(db, topic, pipeline);
        assertConsumersSeeTheContract(db, topic, pipeline.transform());
        System.out.printf(
                "broker killed and restarted; the TransformationJob restarted %d times%n",
                stack.flink.restarts(pipeline.transform()));
        stack.flink.cancel(pipeline.transform());
        stack.flink.cancel(pipeline.ingest());
    }

    /**
     * Both jobs rescaled 2 → 1 → 2 through savepoints while the shop sells: keyed state, the store
     * calendar's operator state, the bronze read positions and the Kafka transactions all move
     * between subtasks, and gold on Kafka ends equal to the SQL oracle with the record contract
     * intact, bronze equals the change ledger and silver equals the source.
     */
    @Test
    void goldStaysExactThroughARescaleTwoToOneToTwo() throws Exception {
        String db = "shop_rescale";
        WorkloadConfig workload = smallShop(61);
        IngestionTestStack.Baseline baseline = stack.seedShop(db, workload);
        stack.installChangeLedger(db);
        String topic = goldTopic(db, 2);
        Pipeline pipeline = start(db, topic);
        Catalog catalog = stack.catalog(pipeline.ingestion());
        // the ledger counts every change; one made while its row's snapshot chunk is read is
        // folded into the snapshot record (Flink CDC's back-fill), so the workload starts after it
        stack.awaitSnapshot(pipeline.ingest(), catalog, pipeline.ingestion(), baseline);
        var sales = stack.runWorkloadAsync(db, workload.withSeed(62).withRate(15), 450);
        java.nio.file.Path savepoints = stack.workDir.resolve("savepoints-" + db);
        long checkpoints = 0;
        for (int parallelism : new int[] {1, 2}) {
            awaitGoldGrowsBeyond(topic, pipeline);
            checkpoints += stack.flink.completedCheckpoints(pipeline.transform()) + 1;
            java.nio.file.Path transformSavepoint =
                    stack.flink.stopWithSavepoint(pipeline.transform(), savepoints);
            java.nio.file.Path ingestSavepoint =
                    stack.flink.stopWithSavepoint(pipeline.ingest(), savepoints);
            Map<String, String> scale =
                    Map.of("parallelism.default", Integer.toString(parallelism));
            JobID ingest = startIngestion(db, scale, Optional.of(ingestSavepoint));
            JobID transform =
                    startTransformation(db, topic, scale, Optional.of(transformSavepoint));
            pipeline = new Pipeline(pipeline.ingestion(), ingest, transform);
            System.out.printf(
                    "rescaled both jobs to %d from %s and %s%n",
                    parallelism, ingestSavepoint.getFileName(), transformSavepoint.getFileName());
        }
        assertThat(sales.get()).isEqualTo(450L);
        awaitGoldEqualsPostgres(db, topic, pipeline);
        checkpoints += stack.flink.completedCheckpoints(pipeline.transform());
        assertConsumersSeeTheContract(db, topic, checkpoints);
        try (Connection c = stack.postgres.connect(db)) {
            for (String table : ShopSchema.TABLES) {
                Table silver =
                        catalog.loadTable(SilverTables.definitionFor("silver", table).identifier());
                assertThat(SilverComparison.differences(c, silver, table, List.of()))
                        .as("silver %s holds exactly the source rows", table)
                        .isEmpty();
            }
        }
        stack.flink.cancel(pipeline.transform());
        stack.awaitAndAssertExact(pipeline.ingest(), db, catalog, pipeline.ingestion(), baseline);
    }

    /** Waits until gold on Kafka has more keys than now, so each run of a rescale did real work. */
    private static void awaitGoldGrowsBeyond(String topic, Pipeline pipeline) {
        int before = GoldReconciliation.fromKafka(kafka.bootstrapServers(), topic).size();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(pipeline.ingest());
                            stack.assertRunning(pipeline.transform());
                            assertThat(
                                            GoldReconciliation.fromKafka(
                                                    kafka.bootstrapServers(), topic))
                                    .hasSizeGreaterThan(before);
                        });
    }

    /** The small shop most tests sell in: 3 stores, 40 customers, 20 products, 40 orders. */
    private static WorkloadConfig smallShop(long seed) {
        return WorkloadConfig.builder()
                .seed(seed)
                .stores(3)
                .customers(40)
                .products(20)
                .initialOrders(40)
                .build();
    }

    /** Creates the gold topic of a test's database, compacted as deployed; returns its name. */
    private static String goldTopic(String db, int partitions) {
        String topic = "gold_" + db;
        kafka.createTopic(topic, partitions, Map.of("cleanup.policy", "compact"));
        return topic;
    }

    private static String key(long customerId) {
        return "{\"customer_id\":" + customerId + "}";
    }

    /** Both jobs running against one shop database and one gold topic. */
    private record Pipeline(IngestionConfig ingestion, JobID ingest, JobID transform) {}

    private static Pipeline start(String db, String topic) throws Exception {
        return start(db, topic, Map.of());
    }

    private static Pipeline start(String db, String topic, Map<String, String> overrides)
            throws Exception {
        return start(db, topic, Map.of(), overrides);
    }

    private static Pipeline start(
            String db,
            String topic,
            Map<String, String> ingestionOverrides,
            Map<String, String> overrides)
            throws Exception {
        JobID ingest = startIngestion(db, ingestionOverrides, Optional.empty());
        IngestionConfig ingestion = ingestionConfig(db, ingestionOverrides);

        JobID transform = startTransformation(db, topic, overrides, Optional.empty());
        return new Pipeline(ingestion, ingest, transform);
    }

    private static JobID startTransformation(
            String db,
            String topic,
            Map<String, String> overrides,
            Optional<java.nio.file.Path> restore) {
        Map<String, String> settings = transformationSettings(db, topic);
        settings.putAll(overrides);
        TransformationConfig transformation = TransformationConfig.fromMap(settings);
        StreamExecutionEnvironment env =
                new StreamExecutionEnvironment(transformation.flinkConfiguration());
        TransformationJob.prepare(env, transformation);
        return stack.flink.submit(env, transformation.jobName(), restore);
    }

    private static IngestionConfig ingestionConfig(String db, Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(stack.settings(db));
        settings.putAll(overrides);
        return IngestionConfig.fromMap(settings);
    }

    private static JobID startIngestion(
            String db, Map<String, String> overrides, Optional<java.nio.file.Path> restore)
            throws Exception {
        IngestionConfig ingestion = ingestionConfig(db, overrides);
        StreamExecutionEnvironment ingestionEnv = stack.environment(ingestion);
        IngestionJob.prepare(ingestionEnv, ingestion);
        return stack.flink.submit(ingestionEnv, ingestion.jobName(), restore);
    }

    private static void awaitGoldEqualsPostgres(String db, String topic, Pipeline pipeline)
            throws Exception {
        try (Connection c = stack.postgres.connect(db)) {
            Map<String, String> expected = GoldReconciliation.fromPostgres(c, "EUR");
            assertThat(expected).hasSizeGreaterThan(10);
            try {
                await().atMost(Duration.ofMinutes(4))
                        .pollInterval(Duration.ofSeconds(3))
                        .untilAsserted(
                                () -> {
                                    stack.assertRunning(pipeline.ingest());
                                    stack.assertRunning(pipeline.transform());
                                    assertThat(
                                                    GoldReconciliation.fromKafka(
                                                            kafka.bootstrapServers(), topic))
                                            .isEqualTo(expected);
                                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(
                        e.getMessage()
                                + "\n"
                                + GoldDiagnostics.explain(
                                        c,
                                        stack.catalog(pipeline.ingestion()),
                                        expected,
                                        GoldReconciliation.fromKafka(
                                                kafka.bootstrapServers(), topic)),
                        e);
            }
        }
    }

    /**
     * The topic as its consumers read it, record by record (the contract at the edge): per key,
     * versions strictly grow and no key appears twice in one Kafka transaction (so at most once per
     * checkpoint, and never more often than checkpoints completed); the latest record per key
     * equals the SQL oracle; and a consumer applying Snowflake's MERGE rule (highest version per
     * batch, stored row replaced only by a higher version) ends at that same state for 200 seeded
     * random batch splits, half of them replayed from the start once more.
     */
    private static void assertConsumersSeeTheContract(String db, String topic, JobID transform)
            throws Exception {
        assertConsumersSeeTheContract(db, topic, stack.flink.completedCheckpoints(transform));
    }

    private static void assertConsumersSeeTheContract(String db, String topic, long checkpoints)
            throws Exception {
        List<GoldTopicHistory.Entry> history =
                GoldTopicHistory.read(kafka.bootstrapServers(), topic);
        assertThat(
                        GoldTopicHistory.violations(
                                history, GoldTopicTransactions.read(kafka.logDirectory(), topic)))
                .as("record contract of %d records", history.size())
                .isEmpty();
        Map<String, Long> perKey = new HashMap<>();
        history.forEach(e -> perKey.merge(e.key(), 1L, Long::sum));
        assertThat(perKey.values())
                .as("records per key at most the %d checkpoints completed", checkpoints)
                .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(checkpoints));
        Map<String, String> expected;
        try (Connection c = stack.postgres.connect(db)) {
            expected = GoldReconciliation.fromPostgres(c, "EUR");
        }
        assertThat(GoldReconciliation.fromRecords(GoldTopicHistory.latest(history)))
                .isEqualTo(expected);
        assertThat(GoldTopicHistory.keysWrongUnderMerge(history, 200, 1_000))
                .as("keys a MERGE consumer ends wrong at")
                .isEmpty();
        System.out.printf(
                "gold topic %s: %d records for %d keys, at most %d per key, %d checkpoints%n",
                topic,
                history.size(),
                perKey.size(),
                perKey.values().stream().mapToLong(Long::longValue).max().orElse(0),
                checkpoints);
    }

    @Test
    void goldStaysExactWhenBothJobsFailMidStream() throws Exception {
        String db = "shop_gold_failover";
        WorkloadConfig workload =
                WorkloadConfig.builder()
                        .seed(31)
                        .stores(4)
                        .customers(100)
                        .products(40)
                        .initialOrders(100)
                        .build();
        stack.seedShop(db, workload);
        String topic = goldTopic(db, 2);
        // long Kafka transactions, so that the kill below lands inside one that holds records
        Pipeline pipeline = start(db, topic, Map.of("execution.checkpointing.interval", "10s"));

        java.util.concurrent.CompletableFuture<Long> shop =
                java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> {
                            try (Connection c = stack.postgres.connect(db);
                                    WorkloadGenerator generator =
                                            new WorkloadGenerator(
                                                    c, workload.withSeed(32).withRate(60))) {
                                return generator.runTransactions(900);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
        // once gold is flowing, kill the TaskManager: every task of both jobs fails, open Kafka
        // transactions are aborted, both jobs restart from their last checkpoints
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> GoldTopicCounts.records(kafka.bootstrapServers(), topic, true) > 50);
        // wait until a transaction is open with records in it, then kill
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () ->
                                GoldTopicCounts.records(kafka.bootstrapServers(), topic, false)
                                        > GoldTopicCounts.records(
                                                kafka.bootstrapServers(), topic, true));
        stack.flink.replaceTaskManager();
        assertThat(shop.get()).isEqualTo(900L);

        awaitGoldEqualsPostgres(db, topic, pipeline);
        assertConsumersSeeTheContract(db, topic, pipeline.transform());
        Table rejects =
                stack.catalog(pipeline.ingestion())
                        .loadTable(QuarantineTables.silverRejects().identifier());
        assertThat(dev.lakestream.catalog.BronzeChanges.committedRows(rejects))
                .as("the generator writes only valid rows, so SQL over the source is the oracle")
                .isZero();
        assertThat(GoldTopicCounts.records(kafka.bootstrapServers(), topic, false))
                .as("the failure aborted a transaction whose records read_committed never shows")
                .isGreaterThan(GoldTopicCounts.records(kafka.bootstrapServers(), topic, true));
        stack.flink.cancel(pipeline.transform());
        stack.flink.cancel(pipeline.ingest());
    }

    @Test
    void goldWithRatesAndFootTrafficEqualsSqlThroughALateRateAndARestart() throws Exception {
        String db = "shop_feeds";
        WorkloadConfig workload =
                WorkloadConfig.builder()
                        .seed(41)
                        .stores(4)
                        .customers(80)
                        .products(30)
                        .initialOrders(100)
                        .build();
        stack.seedShop(db, workload);
        String topic = goldTopic(db, 2);
        ExchangeRateFeed rates = new ExchangeRateFeed(41);
        FootTrafficFeed traffic = new FootTrafficFeed(41);
        // the shop lives on the generator's clock: its "today" is where that clock starts
        LocalDate today = LocalDate.ofInstant(workload.clockStart(), ZoneOffset.UTC);
        // the rate withheld at first: a (date, currency) with sales that must be converted
        LocalDate lateDate;
        String lateCurrency;
        List<Long> stores = new ArrayList<>();
        try (Connection c = stack.postgres.connect(db);
                Statement s = c.createStatement()) {
            FeedSchema.create(c);
            try (ResultSet rs =
                    s.executeQuery(
                            "SELECT (o.created_at AT TIME ZONE st.time_zone)::date, st.currency"
                                    + " FROM shop.orders o JOIN shop.stores st USING (store_id)"
                                    + " WHERE st.currency <> 'EUR' ORDER BY o.created_at DESC"
                                    + " LIMIT 1")) {
                rs.next();
                lateDate = rs.getDate(1).toLocalDate();
                lateCurrency = rs.getString(2);
            }
            try (ResultSet rs = s.executeQuery("SELECT store_id FROM shop.stores ORDER BY 1")) {
                while (rs.next()) {
                    stores.add(rs.getLong(1));
                }
            }
            for (LocalDate d = today.minusDays(65);
                    !d.isAfter(today.plusDays(1));
                    d = d.plusDays(1)) {
                for (String quote : ExchangeRateFeed.QUOTES) {
                    if (!(d.equals(lateDate) && quote.equals(lateCurrency))) {
                        ExchangeRateFeed.upsert(c, quote, d, rates.rate(quote, d), Instant.now());
                    }
                }
            }
        }

        S3Client s3 = S3Access.fromMap(stack.settings(db)).newClient();
        String prefix = "landing/" + db + "/foot_traffic/";
        long goodLines = 0;
        // door counters for the last ten days, a file per day, CSV and JSON Lines in turn
        for (int day = 10; day >= 1; day--) {
            LocalDate d = today.minusDays(day);
            List<FootTrafficFeed.Count> counts = new ArrayList<>();
            for (int h = 0; h < 24; h++) {
                counts.addAll(
                        traffic.hour(
                                stores,
                                d.atStartOfDay().toInstant(ZoneOffset.UTC).plusSeconds(3600L * h)));
            }
            goodLines +=
                    land(
                            s3,
                            db,
                            prefix + d + (day % 2 == 0 ? ".csv" : ".jsonl"),
                            counts,
                            day % 2 == 0);
        }
        // a header-only file, and a file with a bad line among good ones: one refused by
        // ingestion, and an hour that silver refuses (negative) and the next line corrects
        Instant midnight = today.atStartOfDay().toInstant(ZoneOffset.UTC);
        putObject(s3, prefix + "empty.csv", "store_id,hour_start,visitors\n");
        putObject(
                s3,
                prefix + "with-bad-line.csv",
                "store_id,hour_start,visitors\n"
                        + stores.get(0)
                        + ","
                        + midnight
                        + ",17\n"
                        + "not,a,valid,row\n"
                        + stores.get(1)
                        + ","
                        + midnight
                        + ",-5\n"
                        + stores.get(1)
                        + ","
                        + midnight
                        + ",23\n");
        try (Connection c = stack.postgres.connect(db)) {
            FootTrafficFeed.record(
                    c,
                    prefix + "with-bad-line.csv",
                    2,
                    List.of(new FootTrafficFeed.Count(stores.get(0), midnight, 17)));
            FootTrafficFeed.record(
                    c,
                    prefix + "with-bad-line.csv",
                    5,
                    List.of(new FootTrafficFeed.Count(stores.get(1), midnight, 23)));
        }
        goodLines += 3; // the -5 reaches bronze; silver refuses it

        try (ExchangeRateApi api =
                ExchangeRateApi.start(0, () -> stack.postgres.connect(db), "it-token")) {
            api.failures(0.15, 0.15);
            Map<String, String> feeds = feedSettings(db, api.url(), prefix);
            Pipeline pipeline = start(db, topic, feeds, Map.of());
            try (Connection c = stack.postgres.connect(db);
                    WorkloadGenerator generator = new WorkloadGenerator(c, workload.withSeed(42))) {
                generator.runTransactions(150);
            }
            awaitGoldEqualsPostgres(db, topic, pipeline);
            assertThat(goldNetInReportingCurrency(topic, lateDate, lateCurrency, db))
                    .as("the withheld rate leaves the converted revenue empty, not guessed")
                    .containsOnly("null");
            assertThat(api.failuresServed()).as("429s and 500s were retried").isPositive();
            assertThat(GoldTopicReader.current(kafka.bootstrapServers(), topic).values())
                    .as("days with counter files carry visitors and a conversion rate")
                    .anySatisfy(
                            v -> {
                                assertThat(v.get("visitors").isNull()).isFalse();
                                assertThat(v.get("conversion_rate").isNull()).isFalse();
                                assertThat(v.get("net_revenue_reporting").isNull()).isFalse();
                            });

            // the IngestionJob goes down after a checkpoint; a file lands and the late rate is
            // published while it is down; it comes back from its retained checkpoint
            stack.flink.cancel(pipeline.ingest());
            Instant hour = today.atStartOfDay().toInstant(ZoneOffset.UTC).plusSeconds(3600);
            goodLines += land(s3, db, prefix + "while-down.csv", traffic.hour(stores, hour), true);
            try (Connection c = stack.postgres.connect(db)) {
                ExchangeRateFeed.upsert(
                        c,
                        lateCurrency,
                        lateDate,
                        rates.rate(lateCurrency, lateDate),
                        Instant.now());
            }
            Optional<java.nio.file.Path> checkpoint =
                    EmbeddedFlinkCluster.latestRetainedCheckpoint(
                            stack.workDir.resolve("checkpoints").resolve(db));
            assertThat(checkpoint).as("a retained checkpoint to resume from").isPresent();
            JobID resumed = startIngestion(db, feeds, checkpoint);
            Pipeline again = new Pipeline(pipeline.ingestion(), resumed, pipeline.transform());
            awaitGoldEqualsPostgres(db, topic, again);
            assertConsumersSeeTheContract(db, topic, again.transform());
            assertThat(goldNetInReportingCurrency(topic, lateDate, lateCurrency, db))
                    .as("the late rate converted the sales it arrived after")
                    .doesNotContain("null");

            Catalog catalog = stack.catalog(pipeline.ingestion());
            assertFeedsOnceInBronze(db, catalog, goodLines);

            Table rejects = catalog.loadTable(QuarantineTables.ingestionRejects().identifier());
            List<String> refused = new ArrayList<>();
            try (CloseableIterable<Record> rows = IcebergGenerics.read(rejects).build()) {
                for (Record r : rows) {
                    refused.add(
                            r.getField("source")
                                    + " "
                                    + r.getField("origin")
                                    + " line "
                                    + r.getField("position")
                                    + ": "
                                    + r.getField("reason"));
                }
            }
            assertThat(refused)
                    .anySatisfy(
                            r ->
                                    assertThat(r)
                                            .startsWith(
                                                    "files:foot_traffic s3://"
                                                            + IngestionTestStack.BUCKET
                                                            + "/"
                                                            + prefix
                                                            + "with-bad-line.csv line 3"));
            stack.flink.cancel(again.transform());
            stack.flink.cancel(again.ingest());
        }
    }

    /**
     * A rollback: the IngestionJob stops with a savepoint, runs on from it while rates are
     * published and files land, and is then restored from that same savepoint, so its REST cursor
     * and file offsets go back to before what the tables already hold. Every served rate and every
     * landed line is in bronze exactly once (the replay fence dropped what was read again), the
     * refused line is in quarantine once, and gold on Kafka equals the SQL oracle.
     */
    @Test
    void restRatesAndLandedLinesStayExactlyOnceThroughASavepointRollback() throws Exception {
        String db = "shop_rollback";
        WorkloadConfig workload = smallShop(71);
        stack.seedShop(db, workload);
        String topic = goldTopic(db, 2);
        ExchangeRateFeed rates = new ExchangeRateFeed(71);
        FootTrafficFeed traffic = new FootTrafficFeed(71);
        LocalDate today = LocalDate.ofInstant(workload.clockStart(), ZoneOffset.UTC);
        List<Long> stores = new ArrayList<>();
        try (Connection c = stack.postgres.connect(db);
                Statement s = c.createStatement()) {
            FeedSchema.create(c);
            try (ResultSet rs = s.executeQuery("SELECT store_id FROM shop.stores ORDER BY 1")) {
                while (rs.next()) {
                    stores.add(rs.getLong(1));
                }
            }
            publishRates(c, rates, today.minusDays(40), today.plusDays(1));
        }
        S3Client s3 = S3Access.fromMap(stack.settings(db)).newClient();
        String prefix = "landing/" + db + "/foot_traffic/";
        long goodLines = 0;
        for (int day = 4; day >= 2; day--) {
            goodLines += landDay(s3, db, prefix, traffic, stores, today.minusDays(day));
        }
        java.nio.file.Path savepoints = stack.workDir.resolve("savepoints-" + db);
        try (ExchangeRateApi api =
                ExchangeRateApi.start(0, () -> stack.postgres.connect(db), "it-token")) {
            Map<String, String> feeds = feedSettings(db, api.url(), prefix);
            Pipeline pipeline = start(db, topic, feeds, Map.of());
            stack.runWorkloadAsync(db, workload.withSeed(72), 80).get();
            awaitGoldEqualsPostgres(db, topic, pipeline);

            // savepoint S; the job runs on from it while new rates and files arrive
            java.nio.file.Path savepoint =
                    stack.flink.stopWithSavepoint(pipeline.ingest(), savepoints);
            JobID afterSavepoint = startIngestion(db, feeds, Optional.of(savepoint));
            try (Connection c = stack.postgres.connect(db)) {
                publishRates(c, rates, today.plusDays(2), today.plusDays(4));
            }
            goodLines += landDay(s3, db, prefix, traffic, stores, today.minusDays(1));
            putObject(
                    s3,
                    prefix + "bad-after-savepoint.csv",
                    "store_id,hour_start,visitors\nnot,a,valid,row\n");
            stack.runWorkloadAsync(db, workload.withSeed(73), 40).get();
            Pipeline onward =
                    new Pipeline(pipeline.ingestion(), afterSavepoint, pipeline.transform());
            awaitGoldEqualsPostgres(db, topic, onward);
            Catalog catalog = stack.catalog(pipeline.ingestion());
            assertFeedsOnceInBronze(db, catalog, goodLines);

            // the rollback: the same savepoint again, with the tables ahead of it
            stack.flink.cancel(afterSavepoint);
            JobID rolledBack = startIngestion(db, feeds, Optional.of(savepoint));
            goodLines += landDay(s3, db, prefix, traffic, stores, today);
            try (Connection c = stack.postgres.connect(db)) {
                publishRates(c, rates, today.plusDays(5), today.plusDays(5));
            }
            Pipeline again = new Pipeline(pipeline.ingestion(), rolledBack, pipeline.transform());
            awaitGoldEqualsPostgres(db, topic, again);
            assertConsumersSeeTheContract(db, topic, again.transform());
            assertFeedsOnceInBronze(db, catalog, goodLines);
            // the REST API serves metrics from a cache refreshed every few seconds
            long[] dropped = new long[1];
            await().atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofSeconds(2))
                    .untilAsserted(
                            () -> {
                                dropped[0] =
                                        FlinkRestMetrics.sum(
                                                stack.flink,
                                                rolledBack,
                                                "records of",
                                                "replayedRecordsDropped");
                                assertThat(dropped[0])
                                        .as("records read again after the rollback")
                                        .isPositive();
                            });
            System.out.printf(
                    "rolled back to %s; the fence dropped %d records read again%n",
                    savepoint.getFileName(), dropped[0]);
            Table rejects = catalog.loadTable(QuarantineTables.ingestionRejects().identifier());
            long refused = 0;
            try (CloseableIterable<Record> rows = IcebergGenerics.read(rejects).build()) {
                for (Record r : rows) {
                    if (((String) r.getField("origin")).endsWith("bad-after-savepoint.csv")) {
                        refused++;
                    }
                }
            }
            assertThat(refused).as("the refused line once in quarantine").isEqualTo(1);
            stack.flink.cancel(again.transform());
            stack.flink.cancel(again.ingest());
        }
    }

    /** Publishes every quote's rate for each day from {@code first} to {@code last}. */
    private static void publishRates(
            Connection c, ExchangeRateFeed rates, LocalDate first, LocalDate last)
            throws Exception {
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            for (String quote : ExchangeRateFeed.QUOTES) {
                ExchangeRateFeed.upsert(c, quote, d, rates.rate(quote, d), Instant.now());
            }
        }
    }

    /** Lands a day of door counts (24 hours of every store) as one CSV file; returns its lines. */
    private static long landDay(
            S3Client s3,
            String db,
            String prefix,
            FootTrafficFeed traffic,
            List<Long> stores,
            LocalDate day)
            throws Exception {
        List<FootTrafficFeed.Count> counts = new ArrayList<>();
        for (int h = 0; h < 24; h++) {
            counts.addAll(
                    traffic.hour(
                            stores,
                            day.atStartOfDay().toInstant(ZoneOffset.UTC).plusSeconds(3600L * h)));
        }
        return land(s3, db, prefix + day + ".csv", counts, true);
    }

    /**
     * Every landed line (by file and line) and every rate the API served (by currency and date) is
     * in bronze exactly once, and all of them are.
     */
    private static void assertFeedsOnceInBronze(String db, Catalog catalog, long goodLines)
            throws Exception {
        Table bronze =
                catalog.loadTable(
                        dev.lakestream.catalog.BronzeTables.identifierFor(
                                "bronze", "files.foot_traffic"));
        Map<String, Integer> perLine = new HashMap<>();
        try (CloseableIterable<Record> rows = IcebergGenerics.read(bronze).build()) {
            for (Record r : rows) {
                perLine.merge(
                        r.getField("origin") + "#" + r.getField("origin_position"),
                        1,
                        Integer::sum);
            }
        }
        assertThat(perLine.values()).as("each landed row once in bronze").containsOnly(1);
        assertThat(perLine).hasSize((int) goodLines);

        // every rate version the API served, once in bronze, across retries and the restart
        Table rateBronze =
                catalog.loadTable(
                        dev.lakestream.catalog.BronzeTables.identifierFor(
                                "bronze", "rest.exchange_rates"));
        Map<String, Integer> perRate = new HashMap<>();
        com.fasterxml.jackson.databind.ObjectMapper json =
                new com.fasterxml.jackson.databind.ObjectMapper();
        try (CloseableIterable<Record> rows = IcebergGenerics.read(rateBronze).build()) {
            for (Record r : rows) {
                var rate = json.readTree((String) r.getField("after"));
                perRate.merge(
                        rate.get("quote_currency").asText() + " " + rate.get("rate_date").asText(),
                        1,
                        Integer::sum);
            }
        }
        assertThat(perRate.values()).as("each served rate once in bronze").containsOnly(1);
        try (Connection c = stack.postgres.connect(db);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM feeds.exchange_rates")) {
            rs.next();
            assertThat(perRate).hasSize(rs.getInt(1));
        }
    }

    /** The REST and file sources of the IngestionJob, as a deployment would configure them. */
    private static Map<String, String> feedSettings(String db, String apiUrl, String prefix) {
        Map<String, String> s = new HashMap<>();
        s.put("source.rest.enabled", "true");
        s.put("source.rest.name", "exchange_rates");
        s.put("source.rest.url", apiUrl);
        s.put("source.rest.pagination", "cursor");
        s.put("source.rest.pagination.next-token-pointer", "/next_cursor");
        s.put("source.rest.pagination.token-param", "cursor");
        s.put("source.rest.pagination.size-param", "limit");
        s.put("source.rest.key-fields", "base_currency,quote_currency,rate_date");
        s.put("source.rest.auth", "bearer");
        s.put("source.rest.auth.token", "it-token");
        s.put("source.rest.poll-interval", "2s");
        s.put("source.rest.max-requests-per-second", "50");
        s.put("source.rest.retry.initial-backoff", "100ms");
        s.put("source.files.enabled", "true");
        s.put("source.files.uri", "s3://" + IngestionTestStack.BUCKET + "/" + prefix);
        s.put("source.files.dataset", "foot_traffic");
        s.put("source.files.discovery-interval", "1s");
        s.put("source.files.settle-time", "1s");
        return s;
    }

    /** Lands counts as one file and records them as the oracle's feed; returns the rows landed. */
    private static long land(
            S3Client s3, String db, String key, List<FootTrafficFeed.Count> counts, boolean csv)
            throws Exception {
        putObject(s3, key, csv ? FootTrafficFeed.csv(counts) : FootTrafficFeed.jsonLines(counts));
        try (Connection c = stack.postgres.connect(db)) {
            FootTrafficFeed.record(c, key, csv ? 2 : 1, counts);
        }
        return counts.size();
    }

    private static void putObject(S3Client s3, String key, String content) {
        s3.putObject(
                b -> b.bucket(IngestionTestStack.BUCKET).key(key),
                software.amazon.awssdk.core.sync.RequestBody.fromString(content));
    }

    /** net_revenue_reporting on Kafka of the stores in a currency on a date. */
    private static List<String> goldNetInReportingCurrency(
            String topic, LocalDate date, String currency, String db) {
        List<String> values = new ArrayList<>();
        GoldTopicReader.current(kafka.bootstrapServers(), topic)
                .forEach(
                        (key, value) -> {
                            if (key.startsWith(date + "|")
                                    && value.get("currency").asText().equals(currency)) {
                                values.add(value.get("net_revenue_reporting").asText());
                            }
                        });
        assertThat(values).as("gold rows of %s in %s", date, currency).isNotEmpty();
        return values;
    }

    private static Map<String, String> transformationSettings(String db, String topic) {
        Map<String, String> s = new HashMap<>();
        stack.settings(db)
                .forEach(
                        (k, v) -> {
                            if (!k.startsWith("source.")) {
                                s.put(k, v);
                            }
                        });
        s.put(
                "execution.checkpointing.dir",
                stack.workDir.resolve("checkpoints-transformation").toUri().toString());
        s.put("bronze.monitor-interval", "1s");
        s.put("gold.kafka.bootstrap-servers", kafka.bootstrapServers());
        s.put("gold.kafka.topic", topic);
        s.put("gold.kafka.transactional-id-prefix", "it-" + db);
        return s;
    }
}
