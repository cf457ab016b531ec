package dev.lakestream.jobs.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.catalog.BronzeChanges;
import dev.lakestream.catalog.BronzeChanges.Change;
import dev.lakestream.shop.ShopSchema;
import dev.lakestream.shop.workload.WorkloadConfig;
import dev.lakestream.shop.workload.WorkloadGenerator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.JobID;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The IngestionJob end to end on real services: it snapshots the rows already in PostgreSQL,
 * streams the generator's inserts, updates and deletes, and bronze ends up holding every change
 * exactly once, per operation, per key, in LSN order.
 */
class IngestionITCase {

    private static IngestionTestStack stack;

    @BeforeAll
    static void startServices() throws Exception {
        stack = IngestionTestStack.start();
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void snapshotsThenStreamsEveryChangeExactlyOnce() throws Exception {
        String db = "shop_snapshot_stream";
        stack.createShop(db);
        WorkloadConfig workload =
                WorkloadConfig.builder()
                        .seed(7)
                        .stores(4)
                        .customers(120)
                        .products(60)
                        .initialOrders(150)
                        .build();
        Map<String, Long> snapshotCounts;
        Map<String, Set<String>> snapshotKeys = new java.util.HashMap<>();
        try (Connection c = stack.postgres.connect(db)) {
            try (WorkloadGenerator generator = new WorkloadGenerator(c, workload)) {
                generator.seedReferenceData();
            }
            snapshotCounts = BronzeOracle.rowCounts(c);
            for (String table : ShopSchema.TABLES) {
                snapshotKeys.put(table, BronzeOracle.currentRows(c, table).keySet());
            }
        }

        IngestionConfig config = IngestionConfig.fromMap(stack.settings(db));
        var env = stack.environment(config);
        IngestionJob.prepare(env, config);
        JobID job = stack.flink.submit(env, config.jobName(), Optional.empty());
        Catalog catalog = stack.catalog(config);

        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(job);
                            for (String table : ShopSchema.TABLES) {
                                assertThat(
                                                BronzeChanges.committedRows(
                                                        IngestionTestStack.bronzeTable(
                                                                catalog, config, table)))
                                        .as("snapshot of %s", table)
                                        .isEqualTo(snapshotCounts.get(table));
                            }
                        });

        long longDescriptionProduct;
        try (Connection c = stack.postgres.connect(db)) {
            BronzeOracle.installAudit(c);
            try (WorkloadGenerator generator = new WorkloadGenerator(c, workload.withSeed(8))) {
                generator.runTransactions(400);
            }
            c.setAutoCommit(true);
            // an update that leaves a TOASTed description unchanged
            try (Statement s = c.createStatement();
                    ResultSet rs =
                            s.executeQuery(
                                    "SELECT product_id FROM shop.products WHERE length(description) > 4000"
                                            + " ORDER BY product_id LIMIT 1")) {
                assertThat(rs.next()).as("the generator makes TOASTed descriptions").isTrue();
                longDescriptionProduct = rs.getLong(1);
            }
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "UPDATE shop.products SET list_price = list_price + 1 WHERE product_id = ?")) {
                ps.setLong(1, longDescriptionProduct);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }

        try (Connection c = stack.postgres.connect(db)) {
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(
                            () -> {
                                stack.assertRunning(job);
                                for (String table : ShopSchema.TABLES) {
                                    assertThat(
                                                    BronzeChanges.committedRows(
                                                            IngestionTestStack.bronzeTable(
                                                                    catalog, config, table)))
                                            .as("bronze rows of %s", table)
                                            .isEqualTo(
                                                    snapshotCounts.get(table)
                                                            + BronzeOracle.auditedCount(c, table));
                                }
                            });
            stack.flink.cancel(job);

            Map<String, List<String[]>> audited = BronzeOracle.audited(c);
            for (String table : ShopSchema.TABLES) {
                List<Change> bronze =
                        BronzeChanges.readAll(
                                IngestionTestStack.bronzeTable(catalog, config, table));
                BronzeOracle.assertExact(
                        table,
                        bronze,
                        new HashSet<>(snapshotKeys.get(table)),
                        audited.get(table),
                        BronzeOracle.currentRows(c, table));
                assertThat(bronze).allMatch(ch -> ch.source().equals("postgres:" + db));
            }
            assertThat(audited.get(ShopSchema.ORDERS))
                    .extracting(a -> a[1])
                    .contains("c", "u", "d");
            assertThat(audited.get(ShopSchema.ORDER_LINES))
                    .extracting(a -> a[1])
                    .contains("c", "u", "d");

            Table products = IngestionTestStack.bronzeTable(catalog, config, ShopSchema.PRODUCTS);
            Change toastUpdate =
                    BronzeChanges.readAll(products).stream()
                            .filter(
                                    ch ->
                                            ch.op().equals("u")
                                                    && ch.key()
                                                            .equals(
                                                                    "{\"product_id\":"
                                                                            + longDescriptionProduct
                                                                            + "}"))
                            .reduce((a, b) -> b.lsn() > a.lsn() ? b : a)
                            .orElseThrow();
            assertThat(toastUpdate.unavailableColumns()).containsExactly("description");
            assertThat(toastUpdate.after()).doesNotContain("\"description\"");
        }
    }
}
