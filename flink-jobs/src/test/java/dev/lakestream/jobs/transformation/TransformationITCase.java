package dev.lakestream.jobs.transformation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.catalog.QuarantineTables;
import dev.lakestream.catalog.SilverTables;
import dev.lakestream.embedded.KafkaBroker;
import dev.lakestream.jobs.gold.GoldReconciliation;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.jobs.ingestion.IngestionJob;
import dev.lakestream.jobs.ingestion.IngestionTestStack;
import dev.lakestream.shop.ShopSchema;
import dev.lakestream.shop.workload.WorkloadConfig;
import dev.lakestream.shop.workload.WorkloadGenerator;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
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
        String topic = "gold_" + db;
        kafka.createTopic(topic, 2, Map.of("cleanup.policy", "compact"));

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

    /** Both jobs running against one shop database and one gold topic. */
    private record Pipeline(IngestionConfig ingestion, JobID ingest, JobID transform) {}

    private static Pipeline start(String db, String topic) throws Exception {
        return start(db, topic, Map.of());
    }

    private static Pipeline start(String db, String topic, Map<String, String> overrides)
            throws Exception {
        IngestionConfig ingestion = IngestionConfig.fromMap(stack.settings(db));
        StreamExecutionEnvironment ingestionEnv = stack.environment(ingestion);
        IngestionJob.prepare(ingestionEnv, ingestion);
        JobID ingest = stack.flink.submit(ingestionEnv, ingestion.jobName(), Optional.empty());

        Map<String, String> settings = transformationSettings(db, topic);
        settings.putAll(overrides);
        TransformationConfig transformation = TransformationConfig.fromMap(settings);
        StreamExecutionEnvironment env =
                new StreamExecutionEnvironment(transformation.flinkConfiguration());
        TransformationJob.prepare(env, transformation);
        JobID transform = stack.flink.submit(env, transformation.jobName(), Optional.empty());
        return new Pipeline(ingestion, ingest, transform);
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
        String topic = "gold_" + db;
        kafka.createTopic(topic, 2, Map.of("cleanup.policy", "compact"));
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
                "state.checkpoints.dir",
                stack.workDir.resolve("checkpoints-transformation").toUri().toString());
        s.put("bronze.monitor-interval", "1s");
        s.put("gold.kafka.bootstrap-servers", kafka.bootstrapServers());
        s.put("gold.kafka.topic", topic);
        s.put("gold.kafka.transactional-id-prefix", "it-" + db);
        return s;
    }
}
