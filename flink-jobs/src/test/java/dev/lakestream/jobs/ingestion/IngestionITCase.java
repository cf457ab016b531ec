package dev.lakestream.jobs.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.catalog.BronzeChanges;
import dev.lakestream.catalog.BronzeChanges.Change;
import dev.lakestream.shop.ShopSchema;
import dev.lakestream.shop.workload.WorkloadConfig;
import dev.lakestream.shop.workload.WorkloadGenerator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobID;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;

/**
 * The IngestionJob end to end on real services: it snapshots the rows already in PostgreSQL,
 * streams the generator's inserts, updates and deletes, and bronze ends up holding every change
 * exactly once, per operation, per key, in LSN order.
 */
class IngestionITCase extends IngestionStackTestBase {

    @Test
    void snapshotsThenStreamsEveryChangeExactlyOnce() throws Exception {
        String db = "shop_snapshot_stream";
        WorkloadConfig workload =
                WorkloadConfig.builder()
                        .seed(7)
                        .stores(4)
                        .customers(120)
                        .products(60)
                        .initialOrders(150)
                        .build();
        IngestionTestStack.Baseline baseline = stack.seedShop(db, workload);

        IngestionConfig config = IngestionConfig.fromMap(stack.settings(db));
        var env = stack.environment(config);
        IngestionJob.prepare(env, config);
        JobID job = stack.flink.submit(env, config.jobName(), Optional.empty());
        Catalog catalog = stack.catalog(config);
        stack.awaitSnapshot(job, catalog, config, baseline);

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

        stack.awaitAndAssertExact(job, db, catalog, config, baseline);
        try (Connection c = stack.postgres.connect(db)) {
            Map<String, List<String[]>> audited = BronzeOracle.audited(c);
            for (String table : ShopSchema.TABLES) {
                assertThat(
                                BronzeChanges.readAll(
                                        IngestionTestStack.bronzeTable(catalog, config, table)))
                        .allMatch(ch -> ch.source().equals("postgres:" + db));
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
