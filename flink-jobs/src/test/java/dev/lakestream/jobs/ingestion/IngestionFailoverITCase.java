package dev.lakestream.jobs.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.shop.ShopSchema;
import dev.lakestream.shop.workload.WorkloadConfig;
import dev.lakestream.verification.runtime.EmbeddedFlinkCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobID;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;

/**
 * The IngestionJob loses nothing and duplicates nothing when it fails mid-stream, in both ways it
 * fails in practice, while the shop keeps writing:
 *
 * <ol>
 *   <li>the TaskManager dies: Flink restarts the job from its last completed checkpoint;
 *   <li>the whole job goes away (cancelled, as when the local stack is killed): a new job is
 *       submitted from the last retained checkpoint.
 * </ol>
 *
 * Afterwards bronze is compared, event by event, with what PostgreSQL's own row triggers saw.
 */
class IngestionFailoverITCase extends IngestionStackTestBase {

    @Test
    void failuresMidStreamLoseAndDuplicateNothing() throws Exception {
        String db = "shop_failover";
        WorkloadConfig seed =
                WorkloadConfig.builder()
                        .seed(11)
                        .stores(4)
                        .customers(100)
                        .products(40)
                        .initialOrders(100)
                        .build();
        IngestionTestStack.Baseline baseline = stack.seedShop(db, seed);
        try (Connection c = stack.postgres.connect(db)) {
            BronzeOracle.installAudit(c);
        }

        IngestionConfig config = IngestionConfig.fromMap(stack.settings(db));
        Catalog catalog = stack.catalog(config);
        JobID first = submit(config, Optional.empty());
        stack.awaitSnapshot(first, catalog, config, baseline);

        // the shop keeps selling through both failures: ~2,000 transactions over ~20 s
        CompletableFuture<Long> workload =
                stack.runWorkloadAsync(db, seed.withSeed(12).withRate(100), 2_000);

        long ordersBefore = committed(catalog, config, ShopSchema.ORDERS);
        awaitCommittedGrowth(catalog, config, ordersBefore, first);
        stack.flink.replaceTaskManager();
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> stack.assertRunning(first));

        long ordersAfterRestart = committed(catalog, config, ShopSchema.ORDERS);
        awaitCommittedGrowth(catalog, config, ordersAfterRestart, first);
        stack.flink.cancel(first);
        Path checkpoint =
                EmbeddedFlinkCluster.latestRetainedCheckpoint(stack.checkpoints(db)).orElseThrow();
        JobID second = submit(IngestionConfig.fromMap(stack.settings(db)), Optional.of(checkpoint));

        assertThat(workload.get()).isEqualTo(2_000L);
        stack.awaitAndAssertExact(second, db, catalog, config, baseline);
    }

    private JobID submit(IngestionConfig config, Optional<Path> restoreFrom) {
        var env = stack.environment(config);
        IngestionJob.prepare(env, config);
        return stack.flink.submit(env, config.jobName(), restoreFrom);
    }

    private static long committed(Catalog catalog, IngestionConfig config, String table) {
        return stack.committedRows(catalog, config, table);
    }

    /** Waits until the job has committed more streamed orders: a checkpoint with data is done. */
    private static void awaitCommittedGrowth(
            Catalog catalog, IngestionConfig config, long from, JobID job) {
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(job);
                            assertThat(committed(catalog, config, ShopSchema.ORDERS))
                                    .isGreaterThan(from + 50);
                        });
    }
}
