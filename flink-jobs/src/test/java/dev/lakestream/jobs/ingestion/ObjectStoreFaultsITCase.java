package dev.lakestream.jobs.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.embedded.FaultyHttpProxy;
import dev.lakestream.embedded.FaultyHttpProxy.Fault;
import dev.lakestream.embedded.FaultyHttpProxy.Kind;
import dev.lakestream.shop.workload.WorkloadConfig;
import dev.lakestream.shop.workload.WorkloadGenerator;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobID;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;

/**
 * The object store misbehaving under a running IngestionJob: every S3 request of the job goes
 * through {@link FaultyHttpProxy} in front of S3Proxy while the shop keeps selling, and bronze must
 * still equal the change ledger PostgreSQL's own row triggers kept ({@link BronzeOracle}): no
 * change missing, none twice.
 *
 * <pre>
 *   IngestionJob ──S3──► FaultyHttpProxy ──► S3Proxy ◄──S3── this test (reads bronze directly)
 * </pre>
 *
 * <p>First the faults the S3 client must absorb with the job's default {@code s3.*} settings (5
 * retries): rounds of at most two faults per method, so no request meets more than four, and the
 * job must not restart. Then an outage longer than the client's retries (every PUT reset, 100 times
 * in a row), which must fail the job's attempts and be recovered by Flink from its checkpoints,
 * with Iceberg's commit of each checkpoint's files happening once.
 */
class ObjectStoreFaultsITCase extends IngestionStackTestBase {

    private static final WorkloadConfig SHOP =
            WorkloadConfig.builder()
                    .seed(61)
                    .stores(2)
                    .customers(30)
                    .products(15)
                    .initialOrders(20)
                    .build();

    @Test
    void bronzeIsExactThroughSlowDownsResetsSlowRequestsAndAnOutage() throws Exception {
        String db = "shop_object_store_faults";
        IngestionTestStack.Baseline baseline = stack.seedShop(db, SHOP);
        try (Connection c = stack.postgres.connect(db)) {
            BronzeOracle.installAudit(c);
        }
        try (FaultyHttpProxy proxy = FaultyHttpProxy.start(stack.s3.port())) {
            Map<String, String> settings = stack.settings(db);
            settings.put("s3.endpoint", proxy.endpoint());
            // the outage below restarts the job several times
            settings.put("restart-strategy.fixed-delay.attempts", "1000");
            IngestionConfig config = IngestionConfig.fromMap(settings);
            // the test reads bronze straight from S3Proxy: its own reads are never faulted
            Map<String, String> direct = new HashMap<>(settings);
            direct.put("s3.endpoint", stack.s3.endpoint());
            IngestionConfig readConfig = IngestionConfig.fromMap(direct);
            Catalog catalog = stack.catalog(readConfig);

            var env = stack.environment(config);
            IngestionJob.prepare(env, config);
            JobID job = stack.flink.submit(env, config.jobName(), Optional.empty());
            stack.awaitSnapshot(job, catalog, readConfig, baseline);
            long started = System.nanoTime();

            try (Connection c = stack.postgres.connect(db);
                    WorkloadGenerator shop =
                            new WorkloadGenerator(c, SHOP.withSeed(62).withRate(40))) {
                CompletableFuture<Long> selling =
                        CompletableFuture.supplyAsync(
                                () -> {
                                    try {
                                        return shop.run();
                                    } catch (Exception e) {
                                        throw new IllegalStateException(e);
                                    }
                                });

                // absorbed by the S3 client's retries
                round(proxy, job, "503 SlowDown burst", Fault.slowDown(), "PUT", 2);
                round(
                        proxy,
                        job,
                        "PUT resets",
                        Map.of(
                                Fault.resetBeforeForwarding(), "PUT",
                                Fault.resetAfterForwarding(), "PUT"));
                round(
                        proxy,
                        job,
                        "GET resets",
                        Map.of(
                                Fault.resetBeforeForwarding(), "GET",
                                Fault.resetAfterForwarding(), "GET"));
                round(proxy, job, "slow PUTs", Fault.delay(Duration.ofSeconds(3)), "PUT", 3);
                int restartsAfterAbsorbed = stack.flink.restarts(job);
                System.out.printf(
                        "faults within the S3 client's retries: %s; job restarts: %d%n",
                        proxy.summary(), restartsAfterAbsorbed);
                assertThat(restartsAfterAbsorbed)
                        .as("faults within the client's retries restart nothing")
                        .isZero();

                // longer than the client's retries: the job fails and Flink recovers it
                proxy.inject(Fault.resetBeforeForwarding(), "PUT", 100);
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(200))
                        .untilAsserted(() -> assertThat(proxy.pendingFaults()).isZero());
                await().atMost(Duration.ofMinutes(1))
                        .untilAsserted(() -> assertThat(stack.flink.restarts(job)).isPositive());
                long checkpoints = stack.flink.completedCheckpoints(job);
                await().atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(200))
                        .untilAsserted(
                                () -> {
                                    stack.assertRunning(job);
                                    assertThat(stack.flink.completedCheckpoints(job))
                                            .as("checkpoints complete again after the outage")
                                            .isGreaterThanOrEqualTo(checkpoints + 2);
                                });
                System.out.printf(
                        "outage of 100 PUT resets: job restarts: %d%n", stack.flink.restarts(job));

                shop.stop();
                System.out.printf("the shop committed %d transactions%n", selling.get());
            }

            stack.awaitAndAssertExact(job, db, catalog, readConfig, baseline);
            System.out.printf(
                    "bronze exact after %d s of faults; proxy: %s; job restarts: %d%n",
                    Duration.ofNanos(System.nanoTime() - started).toSeconds(),
                    proxy.summary(),
                    stack.flink.restarts(job));
            assertThat(proxy.injected(Kind.SLOW_DOWN, "PUT")).isEqualTo(2);
            assertThat(proxy.injected(Kind.RESET_BEFORE_FORWARDING, "PUT")).isEqualTo(1 + 100);
            assertThat(proxy.injected(Kind.RESET_AFTER_FORWARDING, "PUT")).isEqualTo(1);
            assertThat(proxy.injected(Kind.RESET_BEFORE_FORWARDING, "GET")).isEqualTo(1);
            assertThat(proxy.injected(Kind.RESET_AFTER_FORWARDING, "GET")).isEqualTo(1);
            assertThat(proxy.injected(Kind.DELAY, "PUT")).isEqualTo(3);
        }
    }

    private static void round(
            FaultyHttpProxy proxy, JobID job, String name, Fault fault, String method, int times) {
        proxy.inject(fault, method, times);
        awaitConsumed(proxy, job, name);
    }

    private static void round(
            FaultyHttpProxy proxy, JobID job, String name, Map<Fault, String> faults) {
        faults.forEach((fault, method) -> proxy.inject(fault, method, 1));
        awaitConsumed(proxy, job, name);
    }

    /**
     * Waits until the job's requests have taken every fault, then for a checkpoint that completes
     * afterwards, so the retries of this round are over before the next round begins.
     */
    private static void awaitConsumed(FaultyHttpProxy proxy, JobID job, String name) {
        long start = System.nanoTime();
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(job);
                            assertThat(proxy.pendingFaults()).as(name).isZero();
                        });
        long checkpoints = stack.flink.completedCheckpoints(job);
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(job);
                            assertThat(stack.flink.completedCheckpoints(job))
                                    .as("a checkpoint after %s", name)
                                    .isGreaterThan(checkpoints);
                        });
        System.out.printf(
                "%s: taken and followed by a checkpoint in %d ms%n",
                name, Duration.ofNanos(System.nanoTime() - start).toMillis());
    }
}
