package dev.lakestream.ops.quarantine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.catalog.BronzeTables;
import dev.lakestream.catalog.GoldTables;
import dev.lakestream.catalog.SilverTables;
import dev.lakestream.embedded.KafkaBroker;
import dev.lakestream.jobs.changelog.Corrections;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.jobs.ingestion.IngestionTestStack;
import dev.lakestream.jobs.transformation.TransformationConfig;
import dev.lakestream.ops.OpsContext;
import dev.lakestream.ops.OpsPipeline;
import dev.lakestream.shop.workload.WorkloadConfig;
import dev.lakestream.verification.gold.GoldReconciliation;
import dev.lakestream.verification.gold.GoldTopicHistory;
import dev.lakestream.verification.gold.GoldTopicTransactions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.flink.api.common.JobID;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole quarantine cycle on real services (PostgreSQL, Iceberg on S3, Kafka, both jobs): order
 * lines silver refuses ({@code order_lines.discount.max}) are listed open; a dry run writes
 * nothing; one is re-injected with a fixed value ({@code --set}), one with a rule override, one
 * after a run that "crashed" between the bronze append and its record; a second re-injection is
 * refused and a duplicated correction row in bronze changes nothing. Then silver holds each fixed
 * row once, gold on Kafka ({@code read_committed}, latest per key) equals SQL over the source as
 * fixed, every record of the topic keeps versions strictly growing per key, gold in Iceberg equals
 * gold on Kafka, and the list shows the rejects re-injected, with provenance.
 */
class QuarantineReprocessingITCase {

    private static final String DB = "shop_quarantine";
    private static final String LINES = "shop.order_lines";
    private static final String FIXED_KEY = "{\"order_id\":990001,\"line_no\":1}";
    private static final String OVERRIDDEN_KEY = "{\"order_id\":990002,\"line_no\":1}";
    private static final String CUSTOMER_KEY = "{\"customer_id\":999999}";
    private static final String SUPERSEDED_KEY = "{\"customer_id\":999998}";
    private static final String DELETED_KEY = "{\"customer_id\":999997}";

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
    void aRefusedChangeIsListedFixedAndReInjectedOnceIntoSilverAndGold() throws Exception {
        IngestionTestStack.Baseline baseline =
                stack.seedShop(
                        DB,
                        WorkloadConfig.builder()
                                .seed(41)
                                .stores(3)
                                .customers(30)
                                .products(10)
                                .initialOrders(30)
                                .build());
        String topic = pipeline.topic;
        pipeline.startJobs(Map.of());
        IngestionConfig ingestion = pipeline.ingestion();
        JobID ingest = pipeline.ingest();
        // the changes below are streamed, not read by the snapshot: the refused update must come
        // as a -U/+U pair (in CI the snapshot once started after it, and no reject of it came)
        stack.awaitSnapshot(ingest, pipeline.catalog(), ingestion, baseline);
        TransformationConfig transformation = pipeline.transformation();
        JobID transform = pipeline.transform();
        OpsContext ops = new OpsContext(transformation, Optional.empty(), System.out);

        long updatedOrder;
        long updatedLine;
        try (Connection c = stack.postgres.connect(DB);
                Statement s = c.createStatement()) {
            try (java.sql.ResultSet line =
                    s.executeQuery(
                            "SELECT order_id, line_no FROM shop.order_lines ORDER BY order_id,"
                                    + " line_no LIMIT 1")) {
                line.next();
                updatedOrder = line.getLong(1);
                updatedLine = line.getLong(2);
            }
            // an update of a line gold already counts, refused: the -U/+U pair whose +U silver
            // refused, fixed later
            s.executeUpdate(
                    "UPDATE shop.order_lines SET discount = quantity * unit_price + 1 WHERE"
                            + " order_id = "
                            + updatedOrder
                            + " AND line_no = "
                            + updatedLine);
            // PostgreSQL takes a discount above the line's gross; silver's rule refuses it
            for (long order : List.of(990001L, 990002L)) {
                s.executeUpdate(
                        "INSERT INTO shop.orders (order_id, store_id, customer_id, channel, status,"
                                + " created_at, updated_at) SELECT "
                                + order
                                + ", min(store_id), (SELECT min(customer_id) FROM"
                                + " shop.customers), 'WEB', 'PAID', now(), now() FROM shop.stores");
            }
            s.executeUpdate(
                    "INSERT INTO shop.order_lines (order_id, line_no, product_id, quantity,"
                            + " unit_price, discount) SELECT 990001, 1, min(product_id), 2, 10.00,"
                            + " 25.00 FROM shop.products");
            s.executeUpdate(
                    "INSERT INTO shop.order_lines (order_id, line_no, product_id, quantity,"
                            + " unit_price, discount) SELECT 990002, 1, min(product_id), 1, 10.00,"
                            + " 12.00 FROM shop.products");
            s.executeUpdate(
                    "INSERT INTO shop.customers (customer_id, email, full_name, created_at,"
                            + " updated_at) VALUES (999999, 'not-an-e-mail', 'Bad Address', now(),"
                            + " now())");
            s.executeUpdate(
                    "INSERT INTO shop.customers (customer_id, email, full_name, created_at,"
                            + " updated_at) VALUES (999998, 'also-not-an-e-mail', 'Fixed Later',"
                            + " now(), now())");
            s.executeUpdate(
                    "INSERT INTO shop.customers (customer_id, email, full_name, created_at,"
                            + " updated_at) VALUES (999997, 'gone-not-an-e-mail', 'Deleted Later',"
                            + " now(), now())");
            s.executeUpdate("DELETE FROM shop.customers WHERE customer_id = 999997");
        }
        String updatedKey = "{\"order_id\":" + updatedOrder + ",\"line_no\":" + updatedLine + "}";
        Catalog catalog = stack.catalog(ingestion);
        QuarantineStore store = new QuarantineStore(catalog, "silver");
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(transform);
                            assertThat(rejectOf(store, LINES, FIXED_KEY)).isPresent();
                            assertThat(rejectOf(store, LINES, OVERRIDDEN_KEY)).isPresent();
                            assertThat(rejectOf(store, "shop.customers", CUSTOMER_KEY)).isPresent();
                            assertThat(rejectOf(store, "shop.customers", SUPERSEDED_KEY))
                                    .isPresent();
                            assertThat(rejectOf(store, LINES, updatedKey)).isPresent();
                            assertThat(rejectOf(store, "shop.customers", DELETED_KEY)).isPresent();
                            assertThat(
                                            dev.lakestream.catalog.BronzeChanges.readAll(
                                                            catalog.loadTable(
                                                                    BronzeTables.identifierFor(
                                                                            "bronze",
                                                                            "shop.customers")))
                                                    .stream()
                                                    .filter(
                                                            ch ->
                                                                    ch.op().equals("d")
                                                                            && ch.key()
                                                                                    .equals(
                                                                                            DELETED_KEY)))
                                    .as("the delete is in bronze")
                                    .hasSize(1);
                        });
        // a refused change of a key deleted since: re-injecting it would bring the row back
        SilverReject deletedReject = rejectOf(store, "shop.customers", DELETED_KEY).orElseThrow();
        Run resurrect =
                reinject(
                        ops,
                        "shop.customers",
                        DELETED_KEY,
                        deletedReject.lsn(),
                        "--set",
                        "email=back@example.com");
        assertThat(resurrect.exit()).isEqualTo(1);
        assertThat(resurrect.output()).contains("was deleted at the source at LSN");
        assertThat(correctionsInBronze(catalog, "shop.customers", deletedReject)).isEmpty();
        // a refused change the source fixed itself: silver holds the newer change, superseded
        try (Connection c = stack.postgres.connect(DB);
                Statement s = c.createStatement()) {
            s.executeUpdate(
                    "UPDATE shop.customers SET email = 'fine@example.com', updated_at = now()"
                            + " WHERE customer_id = 999998");
        }
        SilverReject updatedReject = rejectOf(store, LINES, updatedKey).orElseThrow();
        assertThat(updatedReject.kind()).isEqualTo("+U");
        SilverReject fixedReject = rejectOf(store, LINES, FIXED_KEY).orElseThrow();
        SilverReject overriddenReject = rejectOf(store, LINES, OVERRIDDEN_KEY).orElseThrow();
        SilverReject customerReject = rejectOf(store, "shop.customers", CUSTOMER_KEY).orElseThrow();
        assertThat(fixedReject.rule()).isEqualTo("order_lines.discount.max");

        Run updated =
                reinject(ops, LINES, updatedKey, updatedReject.lsn(), "--set", "discount=0.00");
        assertThat(updated.exit()).as(updated.output()).isEqualTo(0);
        Run open = quarantine(ops, "list", "--table", LINES, "--status", "open");
        assertThat(open.output())
                .contains(
                        "open       shop.order_lines " + FIXED_KEY + " --lsn " + fixedReject.lsn())
                .contains(OVERRIDDEN_KEY)
                .contains("order_lines.discount.max")
                .doesNotContain("shop.customers");

        // a dry run: what silver would hold, or the rule that still refuses; nothing written
        String keyAsTyped = "{\"line_no\": 1, \"order_id\": 990001}"; // other order and spacing
        Run stillRefused =
                reinject(
                        ops,
                        LINES,
                        keyAsTyped,
                        fixedReject.lsn(),
                        "--set",
                        "discount=30.00",
                        "--dry-run");
        assertThat(stillRefused.exit()).isEqualTo(1);
        assertThat(stillRefused.output()).contains("still refused by order_lines.discount.max");
        Run dryRun =
                reinject(
                        ops,
                        LINES,
                        keyAsTyped,
                        fixedReject.lsn(),
                        "--set",
                        "discount=5.00",
                        "--dry-run");
        assertThat(dryRun.exit()).isEqualTo(0);
        assertThat(dryRun.output()).contains("would hold").contains("discount=5.00");
        assertThat(correctionsInBronze(catalog, LINES, fixedReject)).isEmpty();
        assertThat(store.reinjections()).noneMatch(r -> r.isOf(fixedReject));
        Run badColumn = reinject(ops, LINES, FIXED_KEY, fixedReject.lsn(), "--set", "discont=5.00");
        assertThat(badColumn.exit()).isEqualTo(2);
        assertThat(badColumn.output()).contains("--set discont=5.00").contains("no column");

        // re-injected: a fixed value, and a rule override
        Run fixed = reinject(ops, LINES, keyAsTyped, fixedReject.lsn(), "--set", "discount=5.00");
        assertThat(fixed.exit()).as(fixed.output()).isEqualTo(0);
        Run overridden =
                reinject(
                        ops,
                        LINES,
                        OVERRIDDEN_KEY,
                        overriddenReject.lsn(),
                        "--override",
                        "order_lines.discount.max");
        assertThat(overridden.exit()).as(overridden.output()).isEqualTo(0);

        // a run that appended its correction and stopped before recording it, then a retry
        Table customersBronze =
                catalog.loadTable(BronzeTables.identifierFor("bronze", "shop.customers"));
        BronzeCorrections customers = new BronzeCorrections(customersBronze);
        Map<String, Object> retried =
                new TreeMap<>(
                        dev.lakestream.jobs.changelog.JsonImages.parse(
                                customerReject.raw(), "shop.customers", CUSTOMER_KEY));
        retried.put("email", "retried@example.com");
        customers.append(
                customers.original(customerReject.key(), customerReject.lsn()),
                "shop.customers",
                "c",
                customerReject.key(),
                customerReject.lsn(),
                dev.lakestream.jobs.changelog.JsonImages.image(retried),
                Corrections.ORIGIN_PREFIX
                        + "{\"reject\":{\"source_table\":\"shop.customers\",\"key\":"
                        + dev.lakestream.jobs.changelog.JsonImages.quote(customerReject.key())
                        + ",\"lsn\":"
                        + customerReject.lsn()
                        + ",\"rule\":\"customers.email.format\"},\"set\":{\"email\":"
                        + "\"retried@example.com\"},\"overrides\":[],\"by\":\"crashed-run\","
                        + "\"at\":\"2026-12-01T00:00:00Z\"}",
                "shop.customers|crashed");
        Run retry =
                reinject(
                        ops,
                        "shop.customers",
                        CUSTOMER_KEY,
                        customerReject.lsn(),
                        "--set",
                        "email=retried@example.com");
        assertThat(retry.exit()).as(retry.output()).isEqualTo(0);
        assertThat(retry.output()).contains("found the correction an earlier run appended");
        assertThat(correctionsInBronze(catalog, "shop.customers", customerReject)).hasSize(1);

        // exactly once: a second re-injection is refused and says where to look
        Run again = reinject(ops, LINES, FIXED_KEY, fixedReject.lsn(), "--set", "discount=6.00");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.output())
                .contains("already re-injected")
                .contains("list --table shop.order_lines --status reinjected");
        assertThat(correctionsInBronze(catalog, LINES, fixedReject)).hasSize(1);
        // and a correction row duplicated in bronze (by hand, or a tool gone wrong) is harmless
        Record correction = correctionsInBronze(catalog, LINES, fixedReject).get(0);
        new BronzeCorrections(catalog.loadTable(BronzeTables.identifierFor("bronze", LINES)))
                .append(
                        Optional.empty(),
                        LINES,
                        "c",
                        fixedReject.key(),
                        fixedReject.lsn(),
                        (String) correction.getField("after"),
                        (String) correction.getField("origin"),
                        "duplicate");

        // silver holds each fixed row once, at the refused change's LSN
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(transform);
                            assertThat(
                                            silverRows(catalog, LINES, "order_id", updatedOrder)
                                                    .stream()
                                                    .filter(
                                                            r ->
                                                                    r.endsWith(
                                                                            "_lsn="
                                                                                    + updatedReject
                                                                                            .lsn()))
                                                    .toList())
                                    .containsExactly("discount=0.00 _lsn=" + updatedReject.lsn());
                            assertThat(silverRows(catalog, LINES, "order_id", 990001L))
                                    .containsExactly("discount=5.00 _lsn=" + fixedReject.lsn());
                            assertThat(silverRows(catalog, LINES, "order_id", 990002L))
                                    .containsExactly(
                                            "discount=12.00 _lsn=" + overriddenReject.lsn());
                            assertThat(
                                            silverRows(
                                                    catalog,
                                                    "shop.customers",
                                                    "customer_id",
                                                    999999L))
                                    .containsExactly(
                                            "email=retried@example.com _lsn="
                                                    + customerReject.lsn());
                        });

        // gold: the fixed lines counted once, as SQL over the source would with the fix made
        Map<String, String> expected =
                expectedGold(
                        "UPDATE shop.order_lines SET discount = 5.00 WHERE order_id = 990001",
                        "UPDATE shop.order_lines SET discount = 0.00 WHERE order_id = "
                                + updatedOrder
                                + " AND line_no = "
                                + updatedLine);
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(ingest);
                            stack.assertRunning(transform);
                            assertThat(
                                            GoldReconciliation.fromKafka(
                                                    kafka.bootstrapServers(), topic))
                                    .isEqualTo(expected);
                        });
        List<GoldTopicHistory.Entry> history =
                GoldTopicHistory.read(kafka.bootstrapServers(), topic);
        assertThat(
                        GoldTopicHistory.violations(
                                history, GoldTopicTransactions.read(kafka.logDirectory(), topic)))
                .as("every record of the topic: versions strictly grow per key")
                .isEmpty();
        assertThat(GoldReconciliation.fromRecords(GoldTopicHistory.latest(history)))
                .isEqualTo(expected);
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () ->
                                assertThat(goldInIceberg(catalog))
                                        .as("gold in Iceberg, as on Kafka")
                                        .isEqualTo(goldOnKafka(topic)));

        // the list shows them re-injected, with provenance
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () ->
                                assertThat(
                                                quarantine(ops, "list", "--status", "superseded")
                                                        .output())
                                        .contains("superseded shop.customers " + SUPERSEDED_KEY)
                                        .contains("silver holds the change at LSN"));
        Run listed = quarantine(ops, "list", "--status", "reinjected");
        String user = System.getProperty("user.name");
        assertThat(listed.output())
                .contains("reinjected shop.order_lines " + FIXED_KEY)
                .contains("re-injected by " + user)
                .contains("fix {\"discount\":5.00}")
                .contains("overrides [order_lines.discount.max]")
                .contains("re-injected by crashed-run")
                .contains("bronze.shop_order_lines snapshot ");
        assertThat(quarantine(ops, "list", "--table", LINES, "--status", "open").output())
                .doesNotContain(FIXED_KEY)
                .doesNotContain(OVERRIDDEN_KEY);
        Reinjection recorded =
                store.reinjections().stream()
                        .filter(r -> r.isOf(fixedReject))
                        .findFirst()
                        .orElseThrow();
        assertThat(recorded.origin()).startsWith(Corrections.ORIGIN_PREFIX);
        assertThat(Corrections.provenance(recorded.origin()).path("reject").path("rule").asText())
                .isEqualTo("order_lines.discount.max");
        assertThat(
                        catalog.loadTable(BronzeTables.identifierFor("bronze", LINES))
                                .snapshot(recorded.bronzeSnapshotId()))
                .as("the recorded bronze snapshot exists")
                .isNotNull();

        // the lineage of the fixed order's gold row names the fix among its source changes, in
        // the bronze snapshot the re-injection committed
        java.time.LocalDate saleDate;
        long storeId;
        try (Connection c = stack.postgres.connect(DB);
                Statement s = c.createStatement();
                java.sql.ResultSet rs =
                        s.executeQuery(
                                "SELECT (o.created_at AT TIME ZONE st.time_zone)::date, o.store_id"
                                        + " FROM shop.orders o JOIN shop.stores st USING"
                                        + " (store_id) WHERE o.order_id = 990001")) {
            rs.next();
            saleDate = rs.getDate(1).toLocalDate();
            storeId = rs.getLong(2);
        }
        dev.lakestream.ops.lineage.GoldLineage.Report lineage =
                new dev.lakestream.ops.lineage.GoldLineage(catalog, transformation, step -> {})
                        .trace(saleDate, storeId);
        assertThat(lineage.orders()).contains(990001L);
        assertThat(lineage.changes())
                .filteredOn(c -> c.key().equals(FIXED_KEY))
                .anySatisfy(
                        fix -> {
                            assertThat(fix.origin()).startsWith(Corrections.ORIGIN_PREFIX);
                            assertThat(fix.bronzeSnapshot()).isEqualTo(recorded.bronzeSnapshotId());
                            assertThat(fix.consumedCheckpoint()).isNotNull();
                        })
                .anySatisfy(original -> assertThat(original.origin()).isNull());

        stack.flink.cancel(transform);
        stack.flink.cancel(ingest);
    }

    /** Gold from SQL over the source, with the --set fix made in a transaction rolled back. */
    private static Map<String, String> expectedGold(String... fixes) throws Exception {
        try (Connection c = stack.postgres.connect(DB)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                // rolled back: never committed, so never captured
                for (String fix : fixes) {
                    s.executeUpdate(fix);
                }
                Map<String, String> expected = GoldReconciliation.fromPostgres(c, "EUR");
                assertThat(expected).hasSizeGreaterThan(5);
                return expected;
            } finally {
                c.rollback();
            }
        }
    }

    private static Optional<SilverReject> rejectOf(
            QuarantineStore store, String table, String key) {
        return store.silverRejects().stream()
                .filter(
                        r ->
                                r.sourceTable().equals(table)
                                        && SilverReject.canonicalKey(table, r.key())
                                                .equals(SilverReject.canonicalKey(table, key)))
                .findFirst();
    }

    private static List<Record> correctionsInBronze(
            Catalog catalog, String table, SilverReject reject) {
        return new BronzeCorrections(catalog.loadTable(BronzeTables.identifierFor("bronze", table)))
                .corrections(table, reject.key(), reject.lsn());
    }

    /** The silver rows of a key value: the fixed column and _lsn, one string per row. */
    private static List<String> silverRows(
            Catalog catalog, String table, String keyColumn, long keyValue) throws Exception {
        Table silver = catalog.loadTable(SilverTables.definitionFor("silver", table).identifier());
        String column = table.equals(LINES) ? "discount" : "email";
        List<String> rows = new ArrayList<>();
        try (CloseableIterable<Record> records =
                IcebergGenerics.read(silver)
                        .where(Expressions.equal(keyColumn, keyValue))
                        .build()) {
            for (Record r : records) {
                Object value = r.getField(column);
                rows.add(
                        column
                                + "="
                                + (value instanceof BigDecimal d ? d.toPlainString() : value)
                                + " _lsn="
                                + r.getField(SilverTables.LSN_COLUMN));
            }
        }
        return rows;
    }

    /** Gold in Iceberg: sale_date|store_id to order count, items, gross and discounts. */
    private static Map<String, String> goldInIceberg(Catalog catalog) throws Exception {
        Table gold = catalog.loadTable(GoldTables.salesDailyMetrics("gold").identifier());
        gold.refresh();
        Map<String, String> rows = new TreeMap<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(gold).build()) {
            for (Record r : records) {
                rows.merge(
                        r.getField("sale_date") + "|" + r.getField("store_id"),
                        r.getField("order_count")
                                + " "
                                + r.getField("items_sold")
                                + " "
                                + ((BigDecimal) r.getField("gross_revenue")).toPlainString()
                                + " "
                                + ((BigDecimal) r.getField("discounts")).toPlainString(),
                        (a, b) -> a + " AND " + b); // a key twice would show
            }
        }
        return rows;
    }

    /** The same of gold on Kafka, latest per key. */
    private static Map<String, String> goldOnKafka(String topic) {
        Map<String, String> rows = new TreeMap<>();
        GoldTopicHistory.latest(GoldTopicHistory.read(kafka.bootstrapServers(), topic))
                .forEach(
                        (key, e) -> {
                            if (!e.deleted()) {
                                rows.put(
                                        key,
                                        e.value().get("order_count").asLong()
                                                + " "
                                                + e.value().get("items_sold").asLong()
                                                + " "
                                                + e.value()
                                                        .get("gross_revenue")
                                                        .decimalValue()
                                                        .toPlainString()
                                                + " "
                                                + e.value()
                                                        .get("discounts")
                                                        .decimalValue()
                                                        .toPlainString());
                            }
                        });
        return rows;
    }

    /** {@code quarantine reinject --table T --key K --lsn L} and the fix's options. */
    private static Run reinject(OpsContext ops, String table, String key, long lsn, String... fix) {
        List<String> args =
                new java.util.ArrayList<>(
                        List.of(
                                "reinject",
                                "--table",
                                table,
                                "--key",
                                key,
                                "--lsn",
                                Long.toString(lsn)));
        args.addAll(List.of(fix));
        return quarantine(ops, args.toArray(String[]::new));
    }

    /** One run of {@code ./lakestream quarantine ...}: its exit code and what it printed. */
    private record Run(int exit, String output) {}

    /** Runs the command as the CLI does: wrong usage is exit 2 with the message. */
    private static Run quarantine(OpsContext ops, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int exit;
        try {
            exit =
                    new QuarantineCommand()
                            .run(
                                    new OpsContext(ops.transformation(), Optional.empty(), out),
                                    List.of(args));
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            exit = 2;
        }
        String output = bytes.toString(StandardCharsets.UTF_8);
        System.out.printf("$ lakestream quarantine %s%n%s", String.join(" ", args), output);
        return new Run(exit, output);
    }
}
