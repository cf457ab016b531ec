package dev.lakestream.ops.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.catalog.BronzeTables;
import dev.lakestream.embedded.KafkaBroker;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.jobs.ingestion.IngestionTestStack;
import dev.lakestream.jobs.transformation.TransformationConfig;
import dev.lakestream.ops.OpsCli;
import dev.lakestream.ops.OpsPipeline;
import dev.lakestream.shop.workload.WorkloadConfig;
import dev.lakestream.shop.workload.WorkloadGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * From a gold row, {@code ./lakestream lineage} lists exactly the source changes behind it: both
 * jobs on real services (embedded PostgreSQL, S3Proxy, a JDBC Iceberg catalog, a Kafka broker, a
 * Flink MiniCluster); the expected changes come from PostgreSQL itself (row triggers recording each
 * change with its transaction id), the orders of the row from SQL over the shop tables.
 */
class LineageITCase {

    private static final String DB = "shop_lineage";
    private static OpsPipeline pipeline;
    private static IngestionTestStack stack;
    private static KafkaBroker kafka;

    @BeforeAll
    static void startServices() throws Exception {
        pipeline = OpsPipeline.start(DB);
        stack = pipeline.stack;
        kafka = pipeline.kafka;
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void lineageOfAGoldRowListsExactlyTheSourceChangesBehindIt() throws Exception {
        WorkloadConfig workload =
                WorkloadConfig.builder()
                        .seed(31)
                        .stores(3)
                        .customers(60)
                        .products(20)
                        .initialOrders(60)
                        .build();
        IngestionTestStack.Baseline baseline = stack.seedShop(DB, workload);
        Set<String> seeded = new HashSet<>();
        try (Connection c = stack.postgres.connect(DB);
                Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            seeded.addAll(keys(s, "SELECT order_id FROM shop.orders", "shop.orders"));
            seeded.addAll(
                    keys(s, "SELECT order_id, line_no FROM shop.order_lines", "shop.order_lines"));
            installAudit(s);
        }
        pipeline.startJobs(Map.of());
        IngestionConfig ingestion = pipeline.ingestion();
        TransformationConfig transformation = pipeline.transformation();
        Catalog catalog = pipeline.catalog();
        stack.awaitSnapshot(pipeline.ingest(), catalog, ingestion, baseline);

        try (Connection c = stack.postgres.connect(DB)) {
            try (WorkloadGenerator generator = new WorkloadGenerator(c, workload.withSeed(32))) {
                generator.runTransactions(150);
            }
        }
        pipeline.awaitGoldEqualsPostgres(Duration.ofMinutes(3));

        // the row with the most orders (the workload's), then the one with the most orders the
        // snapshot read (seeded before the jobs started)
        long lastSeeded = seeded.stream().filter(k -> k.startsWith("shop.orders ")).count();
        GoldLineage.Report report = null;
        int expectedChanges = 0;
        for (String ranking :
                List.of("count(*)", "count(*) FILTER (WHERE o.order_id <= " + lastSeeded + ")")) {
            LocalDate rowDate;
            long rowStore;
            List<Long> members = new ArrayList<>();
            try (Connection c = stack.postgres.connect(DB);
                    Statement s = c.createStatement()) {
                try (ResultSet rs =
                        s.executeQuery(
                                "SELECT (o.created_at AT TIME ZONE st.time_zone)::date, o.store_id"
                                        + " FROM shop.orders o JOIN shop.stores st USING (store_id)"
                                        + " GROUP BY 1, 2 ORDER BY "
                                        + ranking
                                        + " DESC, 1, 2 LIMIT 1")) {
                    rs.next();
                    rowDate = rs.getDate(1).toLocalDate();
                    rowStore = rs.getLong(2);
                }
                try (ResultSet rs =
                        s.executeQuery(
                                "SELECT o.order_id FROM shop.orders o JOIN shop.stores st USING"
                                        + " (store_id) WHERE o.store_id = "
                                        + rowStore
                                        + " AND (o.created_at AT TIME ZONE st.time_zone)::date = '"
                                        + rowDate
                                        + "' ORDER BY 1")) {
                    while (rs.next()) {
                        members.add(rs.getLong(1));
                    }
                }
            }
            report = assertLineage(catalog, transformation, rowDate, rowStore, members, seeded);
            expectedChanges = report.changes().size();
        }
        LocalDate saleDate = report.saleDate();
        long store = report.storeId();

        // the command line prints the same lineage
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int code =
                OpsCli.run(
                        new String[] {
                            "lineage",
                            "--config",
                            pipeline.configFile().toString(),
                            "--sale-date",
                            saleDate.toString(),
                            "--store",
                            Long.toString(store)
                        },
                        pipeline.secretsEnvironment(),
                        new PrintStream(text, true, StandardCharsets.UTF_8),
                        System.err);
        String printed = text.toString(StandardCharsets.UTF_8);
        System.out.println(printed);
        assertThat(code).isZero();
        assertThat(printed)
                .contains("version " + report.version())
                .contains("source changes behind it: " + expectedChanges)
                .contains("offset " + report.kafka().offset());
        stack.flink.cancel(pipeline.transform());
        stack.flink.cancel(pipeline.ingest());
    }

    /**
     * The lineage of one row equals what PostgreSQL recorded for its orders and their lines; every
     * change names the bronze snapshot that added it and the checkpoint that read it; the Kafka
     * offset holds the row's version.
     */
    private static GoldLineage.Report assertLineage(
            Catalog catalog,
            TransformationConfig transformation,
            LocalDate saleDate,
            long store,
            List<Long> members,
            Set<String> seeded)
            throws Exception {
        // what PostgreSQL says is behind the row: snapshot reads of the seeded rows, then every
        // audited change of its orders and of their lines
        Set<String> expected = new HashSet<>();
        for (String key : seeded) {
            if (member(key, members)) {
                expected.add(key + " r -");
            }
        }
        try (Connection c = stack.postgres.connect(DB);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT tbl, op, order_id, line_no, xid FROM audit_lineage.changes")) {
            while (rs.next()) {
                long order = rs.getLong(3);
                if (!members.contains(order)) {
                    continue;
                }
                String key =
                        rs.getString(1).equals("shop.orders")
                                ? "shop.orders {\"order_id\":" + order + "}"
                                : "shop.order_lines {\"order_id\":"
                                        + order
                                        + ",\"line_no\":"
                                        + rs.getInt(4)
                                        + "}";
                expected.add(key + " " + rs.getString(2) + " " + rs.getLong(5));
            }
        }

        GoldLineage.Report report =
                await().atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofSeconds(2))
                        .ignoreExceptions()
                        .until(
                                () ->
                                        new GoldLineage(catalog, transformation, step -> {})
                                                .trace(saleDate, store),
                                r -> r.notReadYet() == 0 && r.kafka() != null);

        assertThat(report.orders()).isEqualTo(members);
        Set<String> listed = new HashSet<>();
        List<GoldLineage.SourceChange> all = new ArrayList<>(report.changes());
        all.addAll(report.readSince());
        for (GoldLineage.SourceChange change : all) {
            listed.add(
                    change.table()
                            + " "
                            + change.key()
                            + " "
                            + change.op()
                            + " "
                            + (change.op().equals("r") ? "-" : change.txId()));
        }
        assertThat(listed).as("source changes behind %s/%d", saleDate, store).isEqualTo(expected);
        assertThat(all).hasSize(expected.size());
        assertThat(report.changes())
                .as("behind the version: read by the checkpoint that published it or before")
                .isNotEmpty()
                .allSatisfy(
                        change ->
                                assertThat(change.consumedCheckpoint())
                                        .isLessThanOrEqualTo(report.checkpoint()));
        assertThat(report.readSince())
                .allSatisfy(
                        change ->
                                assertThat(change.consumedCheckpoint())
                                        .isGreaterThan(report.checkpoint()));
        assertThat(all)
                .allSatisfy(
                        change -> {
                            assertThat(change.bronzeSnapshot()).isNotNull();
                            assertThat(change.silverSnapshot()).isNotNull();
                        });
        assertBronzeSnapshotsHoldTheirChanges(catalog, report);
        assertThat(report.goldSnapshot()).isNotNull();
        assertKafkaRecordIsTheVersion(report);
        System.out.printf(
                "lineage of %s/%d: %d orders, %d changes behind it, %d read since (%d snapshot reads)%n",
                saleDate,
                store,
                members.size(),
                report.changes().size(),
                report.readSince().size(),
                all.stream().filter(ch -> ch.op().equals("r")).count());
        return report;
    }

    /** Each change is in the rows its bronze snapshot added, not only within its ledger range. */
    private static void assertBronzeSnapshotsHoldTheirChanges(
            Catalog catalog, GoldLineage.Report report) throws Exception {
        List<GoldLineage.SourceChange> all = new ArrayList<>(report.changes());
        all.addAll(report.readSince());
        for (GoldLineage.SourceChange change : all) {
            Table bronze = catalog.loadTable(BronzeTables.identifierFor("bronze", change.table()));
            long snapshot = change.bronzeSnapshot();
            Long parent = bronze.snapshot(snapshot).parentId();
            var scan =
                    bronze.newIncrementalAppendScan()
                            .toSnapshot(snapshot)
                            .filter(
                                    Expressions.and(
                                            Expressions.equal("key", change.key()),
                                            Expressions.equal("lsn", change.position())));
            if (parent != null) {
                scan = scan.fromSnapshotExclusive(parent);
            }
            int found = 0;
            try (CloseableIterable<FileScanTask> tasks = scan.planFiles()) {
                for (FileScanTask task : tasks) {
                    try (CloseableIterable<Record> rows =
                            IcebergGenerics.read(bronze)
                                    .useSnapshot(snapshot)
                                    .where(
                                            Expressions.and(
                                                    Expressions.equal("key", change.key()),
                                                    Expressions.equal("lsn", change.position())))
                                    .build()) {
                        for (Record r : rows) {
                            found++;
                        }
                    }
                    assertThat(task.file().location()).isNotEmpty();
                }
            }
            assertThat(found)
                    .as("snapshot %d of bronze %s adds %s", snapshot, change.table(), change)
                    .isPositive();
        }
    }

    private static void assertKafkaRecordIsTheVersion(GoldLineage.Report report) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            TopicPartition tp = new TopicPartition(report.topic(), report.kafka().partition());
            consumer.assign(List.of(tp));
            consumer.seek(tp, report.kafka().offset());
            ConsumerRecord<String, String> first = null;
            long deadline = System.currentTimeMillis() + 30_000;
            while (first == null && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    first = first == null ? r : first;
                }
            }
            assertThat(first).isNotNull();
            assertThat(first.offset()).isEqualTo(report.kafka().offset());
            assertThat(first.value())
                    .contains("\"sale_date\":\"" + report.saleDate() + "\"")
                    .contains("\"store_id\":" + report.storeId() + ",")
                    .contains("\"version\":" + report.version() + ",");
        }
    }

    private static boolean member(String key, List<Long> members) {
        for (long m : members) {
            if (key.contains("{\"order_id\":" + m + "}")
                    || key.contains("{\"order_id\":" + m + ",")) {
                return true;
            }
        }
        return false;
    }

    private static List<String> keys(Statement s, String sql, String table) throws Exception {
        List<String> keys = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                keys.add(
                        table.equals("shop.orders")
                                ? table + " {\"order_id\":" + rs.getLong(1) + "}"
                                : table
                                        + " {\"order_id\":"
                                        + rs.getLong(1)
                                        + ",\"line_no\":"
                                        + rs.getInt(2)
                                        + "}");
            }
        }
        return keys;
    }

    /** Every change of orders and order lines with its transaction id, as PostgreSQL saw it. */
    private static void installAudit(Statement s) throws Exception {
        s.execute("CREATE SCHEMA audit_lineage");
        s.execute(
                "CREATE TABLE audit_lineage.changes (tbl text, op text, order_id bigint, line_no"
                        + " int, xid bigint)");
        s.execute(
                "CREATE FUNCTION audit_lineage.capture() RETURNS trigger LANGUAGE plpgsql AS $$"
                        + " DECLARE r record; BEGIN IF TG_OP = 'DELETE' THEN r := OLD; ELSE r :="
                        + " NEW; END IF; INSERT INTO audit_lineage.changes VALUES (TG_TABLE_SCHEMA"
                        + " || '.' || TG_TABLE_NAME, CASE TG_OP WHEN 'INSERT' THEN 'c' WHEN"
                        + " 'UPDATE' THEN 'u' ELSE 'd' END, r.order_id, CASE WHEN TG_TABLE_NAME ="
                        + " 'order_lines' THEN (to_jsonb(r) ->> 'line_no')::int END,"
                        + " txid_current() % 4294967296); RETURN NULL; END $$");
        for (String table : List.of("shop.orders", "shop.order_lines")) {
            s.execute(
                    "CREATE TRIGGER audit_lineage AFTER INSERT OR UPDATE OR DELETE ON "
                            + table
                            + " FOR EACH ROW EXECUTE FUNCTION audit_lineage.capture()");
        }
    }
}
