package dev.lakestream.jobs.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.catalog.BronzeChanges;
import dev.lakestream.shop.ShopSchema;
import dev.lakestream.shop.workload.WorkloadConfig;
import dev.lakestream.verification.runtime.EmbeddedFlinkCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobID;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;

/**
 * A table added to {@code source.postgres.tables} of a running deployment: the job restarts from
 * its checkpoint with the longer list, snapshots the new table (rows changed before the restart
 * included), streams its changes from then on, and neither re-reads nor loses the tables it had.
 */
class NewlyAddedTableITCase extends IngestionStackTestBase {

    private static final String ADDED = ShopSchema.PRODUCTS;

    @Test
    void aTableAddedToTheConfigurationIsSnapshottedOnRestoreThenStreamed() throws Exception {
        String db = "shop_added";
        WorkloadConfig seed =
                WorkloadConfig.builder()
                        .seed(21)
                        .stores(3)
                        .customers(40)
                        .products(25)
                        .initialOrders(30)
                        .build();
        IngestionTestStack.Baseline baseline = stack.seedShop(db, seed);
        List<String> first = new ArrayList<>(ShopSchema.TABLES);
        first.remove(ADDED);
        Map<String, String> settings = stack.settings(db);
        settings.put("source.postgres.tables", String.join(",", first));
        IngestionConfig before = IngestionConfig.fromMap(settings);
        Catalog catalog = stack.catalog(before);

        JobID job = submit(before, Optional.empty());
        awaitRows(
                job,
                catalog,
                before,
                ShopSchema.ORDERS,
                baseline.rowCounts().get(ShopSchema.ORDERS));
        // Flink CDC looks for added tables only in a state whose initial snapshot is finished,
        // which a checkpoint records after the stream has started: wait for a streamed change,
        // then for two more checkpoints
        try (Connection c = stack.postgres.connect(db);
                Statement s = c.createStatement()) {
            s.executeUpdate(
                    "UPDATE shop.orders SET status = status"
                            + " WHERE order_id = (SELECT min(order_id) FROM shop.orders)");
        }
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () ->
                                changes(catalog, before, ShopSchema.ORDERS).stream()
                                        .anyMatch(c -> c.op().equals("u")));
        long streaming = latestCheckpoint(db);
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> latestCheckpoint(db) >= streaming + 2);
        // changed while nobody captures it: the snapshot after the restart must hold it
        long product = update(db, "WHERE product_id = (SELECT min(product_id) FROM shop.products)");
        stack.flink.cancel(job);
        Path checkpoint =
                EmbeddedFlinkCluster.latestRetainedCheckpoint(stack.checkpoints(db)).orElseThrow();

        IngestionConfig after = IngestionConfig.fromMap(stack.settings(db));
        assertThat(after.postgres().tables()).contains(ADDED);
        JobID restored = submit(after, Optional.of(checkpoint));
        long products = baseline.rowCounts().get(ADDED);
        awaitRows(restored, catalog, after, ADDED, products);
        // then streamed: a change made after the snapshot arrives as an update
        long streamed =
                update(db, "WHERE product_id = (SELECT max(product_id) FROM shop.products)");
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(restored);
                            assertThat(changes(catalog, after, ADDED))
                                    .anySatisfy(
                                            c -> {
                                                assertThat(c.op()).isEqualTo("u");
                                                assertThat(c.key()).endsWith(":" + streamed + "}");
                                            });
                        });
        stack.flink.cancel(restored);

        List<BronzeChanges.Change> added = changes(catalog, after, ADDED);
        assertThat(added.stream().filter(c -> c.op().equals("r")))
                .as("one snapshot row per product, read after the restart")
                .hasSize((int) products);
        assertThat(added)
                .filteredOn(c -> c.op().equals("r") && c.key().contains(":" + product + "}"))
                .singleElement()
                .satisfies(c -> assertThat(c.after()).contains("\"list_price\":1000.00"));
        // the tables captured from the start were not read again
        for (String table : first) {
            assertThat(changes(catalog, after, table).stream().filter(c -> c.op().equals("r")))
                    .as("snapshot rows of %s", table)
                    .hasSize((int) (long) baseline.rowCounts().get(table));
        }
    }

    /** The id of the newest retained checkpoint of the database's job, or -1. */
    private static long latestCheckpoint(String db) {
        return EmbeddedFlinkCluster.latestRetainedCheckpoint(stack.checkpoints(db))
                .map(p -> Long.parseLong(p.getFileName().toString().substring("chk-".length())))
                .orElse(-1L);
    }

    /** Sets one product's price to 1000.00; returns its id. */
    private static long update(String db, String where) throws Exception {
        try (Connection c = stack.postgres.connect(db);
                Statement s = c.createStatement()) {
            var rs =
                    s.executeQuery(
                            "UPDATE shop.products SET list_price = 1000.00, updated_at = now() "
                                    + where
                                    + " RETURNING product_id");
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<BronzeChanges.Change> changes(
            Catalog catalog, IngestionConfig config, String table) {
        return BronzeChanges.readAll(IngestionTestStack.bronzeTable(catalog, config, table));
    }

    private static void awaitRows(
            JobID job, Catalog catalog, IngestionConfig config, String table, long rows) {
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(job);
                            assertThat(stack.committedRows(catalog, config, table))
                                    .as("bronze rows of %s", table)
                                    .isGreaterThanOrEqualTo(rows);
                        });
    }

    private JobID submit(IngestionConfig config, Optional<Path> restoreFrom) {
        var env = stack.environment(config);
        IngestionJob.prepare(env, config);
        return stack.flink.submit(env, config.jobName(), restoreFrom);
    }
}
