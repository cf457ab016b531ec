package dev.lakestream.ops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.catalog.GoldTables;
import dev.lakestream.catalog.ReconciliationTables;
import dev.lakestream.catalog.SilverTables;
import dev.lakestream.embedded.KafkaBroker;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.jobs.ingestion.IngestionTestStack;
import dev.lakestream.jobs.transformation.TransformationConfig;
import dev.lakestream.ops.OpsCli;
import dev.lakestream.ops.OpsContext;
import dev.lakestream.ops.OpsPipeline;
import dev.lakestream.shop.workload.WorkloadConfig;
import dev.lakestream.shop.workload.WorkloadGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobID;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.TypeUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Reconciliation against the whole pipeline on real services (embedded PostgreSQL, S3Proxy, JDBC
 * Iceberg catalog, Kafka, both jobs on a Flink MiniCluster), one pipeline for the class: while the
 * workload runs, cycles find no drift (differences are in flight); at quiescence, a silver row and
 * a gold row corrupted behind the job's back (an equality delete and a replacement row in one
 * Iceberg commit) are reported as drift in the key range that holds them, and nothing else is.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReconciliationITCase {

    private static final String DB = "shop_reconcile";
    private static final String TOPIC = "gold_" + DB;

    /** Above the pipeline's lag on a loaded 2-core machine (checkpoints every 2 s). */
    private static final Duration GRACE = Duration.ofSeconds(20);

    private static final long RANGE_SIZE = 25;

    private static OpsPipeline pipeline;
    private static IngestionTestStack stack;
    private static KafkaBroker kafka;
    private static IngestionConfig ingestion;
    private static TransformationConfig transformation;
    private static JobID ingest;
    private static JobID transform;
    private static Catalog catalog;
    private static Path workDir;
    private static WorkloadConfig workload;

    @BeforeAll
    static void startPipeline() throws Exception {
        pipeline = OpsPipeline.start(DB);
        stack = pipeline.stack;
        kafka = pipeline.kafka;
        workDir = stack.workDir;
        workload =
                WorkloadConfig.builder()
                        .seed(71)
                        .stores(3)
                        .customers(60)
                        .products(20)
                        .initialOrders(60)
                        .build();
        stack.seedShop(DB, workload);
        // fewer, larger silver commits than the harness's 2 s: a cycle reads every silver file and
        // its equality deletes, and this machine is shared (lag stays well below GRACE)
        pipeline.startJobs(Map.of("execution.checkpointing.interval", "4s"));
        ingestion = pipeline.ingestion();
        transformation = pipeline.transformation();
        ingest = pipeline.ingest();
        transform = pipeline.transform();
        catalog = pipeline.catalog();
        pipeline.awaitGoldEqualsPostgres(Duration.ofMinutes(3));
        awaitCleanCycle();
    }

    @AfterAll
    static void stopPipeline() throws Exception {
        if (catalog != null) {
            OpsContext.close(catalog);
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    @Order(1)
    void cyclesWhileTheWorkloadRunsReportNoDrift() throws Exception {
        ReconcileOptions options =
                new ReconcileOptions(
                        Duration.ofMinutes(5), RANGE_SIZE, GRACE, OptionalInt.of(0), "ops");
        List<ReconcileCycle.Report> reports = new ArrayList<>();
        Connection connection = stack.postgres.connect(DB);
        WorkloadGenerator generator =
                new WorkloadGenerator(connection, workload.withSeed(72).withRate(5));
        CompletableFuture<Long> running =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return generator.run();
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
        try (ReconcileMetrics metrics = new ReconcileMetrics()) {
            metrics.serve(0);
            ReconcileCycle cycle = cycle(options, metrics);
            for (int i = 0; i < 2; i++) {
                reports.add(cycle.run());
            }
            String scraped =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://localhost:"
                                                                    + metrics.port()
                                                                    + "/metrics"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
            assertThat(scraped)
                    .contains(
                            "lakestream_reconcile_ranges{check=\"source_silver\","
                                    + "table=\"shop.orders\",status=\"drift\"} 0")
                    .contains(
                            "lakestream_reconcile_keys_drifting{check=\"silver_gold\","
                                    + "table=\"gold.sales_daily_metrics\"} 0")
                    .contains("lakestream_reconcile_last_run_timestamp_seconds ")
                    .contains("lakestream_reconcile_duration_seconds ");
        } finally {
            generator.stop();
            long transactions = running.get();
            generator.close();
            connection.close();
            System.out.printf("workload: %d transactions during the cycles%n", transactions);
        }
        for (ReconcileCycle.Report r : reports) {
            assertThat(r.ranges())
                    .as("ranges of %s", r.runId())
                    .noneMatch(range -> range.status() == RangeResult.Status.DRIFT);
        }
        assertThat(reports.stream().flatMap(r -> r.ranges().stream()))
                .as("the workload was seen mid-flight: some range differed and was in flight")
                .anyMatch(range -> range.status() == RangeResult.Status.IN_FLIGHT);
        assertThat(reports)
                .as("silver vs gold compared at a checkpoint in every cycle")
                .allSatisfy(
                        r ->
                                assertThat(r.ranges())
                                        .anyMatch(
                                                range ->
                                                        range.check()
                                                                .equals(RangeResult.SILVER_GOLD)));
    }

    @Test
    @Order(2)
    void aCorruptedSilverRowAndGoldRowAreDriftInTheirRangesAndNothingElse() throws Exception {
        pipeline.awaitGoldEqualsPostgres(Duration.ofMinutes(3));
        String[] once = onceArguments();
        // a row PostgreSQL accepts and silver's rules refuse: explained by quarantine, not drift
        try (Connection c = stack.postgres.connect(DB);
                java.sql.Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.executeUpdate(
                    "INSERT INTO shop.customers (customer_id, email, full_name, created_at,"
                            + " updated_at) VALUES (999999, 'not-an-e-mail', 'Bad Address', now(),"
                            + " now())");
        }
        String refusedRange =
                KeyRange.containing("shop.customers", "customer_id", 999999, RANGE_SIZE).name();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(
                        () -> {
                            Cli cli = runCli(once);
                            System.out.print(cli.out);
                            assertThat(cli.exit).as(cli.out).isZero();
                            assertThat(lastRun())
                                    .isNotEmpty()
                                    .allSatisfy(
                                            r ->
                                                    assertThat(r.getField("status"))
                                                            .as((String) r.getField("range_name"))
                                                            .isEqualTo(
                                                                    refusedRange.equals(
                                                                                    r.getField(
                                                                                            "range_name"))
                                                                            ? "explained"
                                                                            : "ok"));
                        });

        // silver: an order's note changed behind the job, an order not changed recently
        Table orders =
                catalog.loadTable(SilverTables.definitionFor(SilverTables.ORDERS).identifier());
        Record order = oldest(orders);
        long orderId = (Long) order.getField("order_id");
        Record corrupted = order.copy();
        corrupted.setField("note", "changed behind the job");
        replaceRow(orders, corrupted);

        // gold: one (sale_date, store) with one order too many
        Table gold = catalog.loadTable(GoldTables.salesDailyMetrics("gold").identifier());
        Record goldRow = oldest(gold);
        Record wrongGold = goldRow.copy();
        wrongGold.setField("order_count", (Long) goldRow.getField("order_count") + 1);
        replaceRow(gold, wrongGold);

        long started = System.nanoTime();
        Cli drifted = runCli(once);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf(
                "one cycle with drift through the CLI: %d ms%n%s", tookMillis, drifted.out);
        assertThat(drifted.exit).as(drifted.out).isEqualTo(1);

        KeyRange orderRange = KeyRange.containing("shop.orders", "order_id", orderId, RANGE_SIZE);
        String sale = goldRow.getField("sale_date").toString();
        String month = sale.substring(0, 7);
        List<Record> run = lastRun();
        for (Record r : run) {
            String range = (String) r.getField("range_name");
            if (range.equals(orderRange.name())) {
                assertThat(r.getField("status")).as(range).isEqualTo("drift");
                assertThat(r.getField("keys_differing")).as(range).isEqualTo(1L);
                assertThat(r.getField("first_keys")).as(range).isEqualTo(Long.toString(orderId));
            } else if (r.getField("check").equals("silver_gold")
                    && ((String) r.getField("range_start")).startsWith(month)) {
                assertThat(r.getField("status")).as(range).isEqualTo("drift");
                assertThat((String) r.getField("first_keys"))
                        .as(range)
                        .isEqualTo(sale + "/store " + goldRow.getField("store_id"));
            } else if (range.equals(refusedRange)) {
                assertThat(r.getField("status")).as(range).isEqualTo("explained");
                assertThat(r.getField("first_keys")).as(range).isEqualTo("999999");
            } else {
                assertThat(r.getField("status")).as(range).isEqualTo("ok");
            }
        }
        assertThat(run)
                .extracting(r -> r.getField("status"))
                .filteredOn("drift"::equals)
                .hasSize(2);
        assertThat(drifted.out)
                .contains(
                        "DRIFT source_silver shop.orders: first differing range "
                                + orderRange.name());
    }

    private static String[] onceArguments() throws Exception {
        Path transformationFile = pipeline.configFile();
        Path ingestionFile = pipeline.sourceConfigFile();
        return new String[] {
            "reconcile",
            "--config",
            transformationFile.toString(),
            "--source-config",
            ingestionFile.toString(),
            "--once",
            "--range-size",
            Long.toString(RANGE_SIZE),
            "--grace",
            GRACE.toSeconds() + "s"
        };
    }

    /** Quiescent: a cycle through the CLI exits 0 (retried: the last changes may be in flight). */
    private static void awaitCleanCycle() throws Exception {
        String[] once = onceArguments();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(
                        () -> {
                            Cli cli = runCli(once);
                            System.out.print(cli.out);
                            assertThat(cli.exit).as(cli.out).isZero();
                        });
    }

    private static ReconcileCycle cycle(ReconcileOptions options, ReconcileMetrics metrics) {
        return ReconcileCommand.cycle(
                transformation,
                ingestion,
                options,
                catalog,
                metrics,
                new OpsContext(transformation, Optional.of(ingestion), System.out));
    }

    private record Cli(int exit, String out) {}

    private static Cli runCli(String[] args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        int exit = OpsCli.run(args, pipeline.secretsEnvironment(), print, print);
        return new Cli(exit, out.toString(StandardCharsets.UTF_8));
    }

    /** The rows of the newest cycle in ops.reconciliation. */
    private static List<Record> lastRun() throws Exception {
        Table results = catalog.loadTable(ReconciliationTables.reconciliation("ops").identifier());
        results.refresh();
        List<Record> all = new ArrayList<>();
        try (CloseableIterable<Record> rows = IcebergGenerics.read(results).build()) {
            rows.forEach(all::add);
        }
        OffsetDateTime newest =
                all.stream()
                        .map(r -> (OffsetDateTime) r.getField("run_at"))
                        .max(Comparator.naturalOrder())
                        .orElseThrow();
        return all.stream().filter(r -> r.getField("run_at").equals(newest)).toList();
    }

    /** The row written longest ago (by _updated_at or updated_at): not in flight. */
    private static Record oldest(Table table) throws Exception {
        table.refresh();
        String column =
                table.schema().findField(SilverTables.UPDATED_AT_COLUMN) != null
                        ? SilverTables.UPDATED_AT_COLUMN
                        : "updated_at";
        try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
            Record oldest = null;
            for (Record r : rows) {
                if (oldest == null
                        || ((OffsetDateTime) r.getField(column))
                                .isBefore((OffsetDateTime) oldest.getField(column))) {
                    oldest = r.copy();
                }
            }
            return oldest;
        }
    }

    /**
     * Replaces a row by key behind the job's back, as any Iceberg writer could: one commit with an
     * equality delete of its key and a data file holding the changed row (an equality delete only
     * removes rows of older commits, so the new row stays).
     */
    private static void replaceRow(Table table, Record changed) throws Exception {
        Schema schema = table.schema();
        Schema keySchema = TypeUtil.select(schema, schema.identifierFieldIds());
        int[] keyIds = schema.identifierFieldIds().stream().mapToInt(Integer::intValue).toArray();
        GenericAppenderFactory factory =
                new GenericAppenderFactory(schema, table.spec(), keyIds, keySchema, null);
        PartitionKey partition = new PartitionKey(table.spec(), schema);
        partition.partition(new InternalRecordWrapper(schema.asStruct()).wrap(changed));
        OutputFileFactory files =
                OutputFileFactory.builderFor(table, 1, System.nanoTime())
                        .format(FileFormat.PARQUET)
                        .build();
        EqualityDeleteWriter<Record> deletes =
                factory.newEqDeleteWriter(
                        files.newOutputFile(table.spec(), partition),
                        FileFormat.PARQUET,
                        partition);
        try (deletes) {
            Record key = GenericRecord.create(keySchema);
            keySchema.columns().forEach(c -> key.setField(c.name(), changed.getField(c.name())));
            deletes.write(key);
        }
        DataWriter<Record> data =
                factory.newDataWriter(
                        files.newOutputFile(table.spec(), partition),
                        FileFormat.PARQUET,
                        partition);
        try (data) {
            data.write(changed);
        }
        table.newRowDelta().addRows(data.toDataFile()).addDeletes(deletes.toDeleteFile()).commit();
    }
}
