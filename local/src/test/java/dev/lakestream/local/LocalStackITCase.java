package dev.lakestream.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.jobs.source.postgres.SlotGuardedSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The embedded default as a user runs it, in bounded mode: first start (snapshot, then a workload),
 * verification against PostgreSQL, a clean stop with a savepoint; then a second start on the same
 * data folder that resumes, generates more, and verifies again.
 */
class LocalStackITCase {

    @Test
    void runsVerifiesStopsAndResumesOnTheSameDataFolder() throws Exception {
        Path data = Files.createTempDirectory("lakestream-local-it");

        // the metrics endpoint, scraped as Prometheus would while the stack runs
        int metricsPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            metricsPort = socket.getLocalPort();
        }
        MetricsScraper scraper = new MetricsScraper(metricsPort, SLOT_LAG);
        String first;
        try {
            first =
                    run(
                            data,
                            "--transactions",
                            "150",
                            "--metrics-port",
                            Integer.toString(metricsPort));
        } finally {
            scraper.close();
        }
        assertThat(first)
                .contains("Prometheus metrics: http://127.0.0.1:" + metricsPort + "/metrics");
        assertThat(scraper.found())
                .as("a scrape of the metrics endpoint while the stack ran")
                .isNotNull()
                .contains("flink_jobmanager_job_operator_coordinator_enumerator_" + SLOT_LAG);
        // order changes reached gold on Kafka with their PostgreSQL commit time
        assertThat(scraper.goldLatencyCount())
                .as("records in the commit-to-publish histogram")
                .isPositive();
        // every metric the shipped dashboards and alerts query is one the jobs register
        for (Path file : MonitoringQueries.files()) {
            assertThat(MonitoringQueries.metricNames(file))
                    .as("metrics queried by " + file + ", against those the stack exposed")
                    .isNotEmpty()
                    .isSubsetOf(scraper.names());
        }
        assertThat(first)
                .contains("first start: snapshot, then stream")
                .contains("bronze holds every committed change exactly once")
                .contains("gold on Kafka equals PostgreSQL")
                .contains("stopping the IngestionJob with a savepoint")
                .contains("stopping the TransformationJob with a savepoint");
        assertThat(Files.list(data.resolve("savepoints"))).hasSize(1);

        String second = run(data, "--transactions", "100", "--seed", "43");
        assertThat(second)
                .contains("resuming from savepoints/")
                .contains("resuming from savepoints-transformation/")
                .doesNotContain("seeded the shop")
                .contains("bronze holds every committed change exactly once");

        String verify = runCommand(data, "verify");
        assertThat(verify)
                .contains("bronze holds every committed change exactly once")
                .contains("gold on Kafka equals PostgreSQL");
    }

    private static final String SLOT_LAG = SlotGuardedSource.LAG_GAUGE;
    private static final String GOLD_LATENCY_COUNT =
            "flink_taskmanager_job_task_operator_gold_commitToPublishMs_count";

    /**
     * Polls a Prometheus endpoint while the stack runs: keeps the first scrape that names a metric,
     * and the names of every metric any scrape exposed (some appear only once data flows).
     */
    private static final class MetricsScraper implements AutoCloseable {
        private final java.util.concurrent.atomic.AtomicReference<String> found =
                new java.util.concurrent.atomic.AtomicReference<>();
        private final java.util.Set<String> names =
                java.util.concurrent.ConcurrentHashMap.newKeySet();
        // written by the scraper thread only
        private volatile double goldLatencyCount;
        private final Thread thread;
        private volatile boolean stop;

        MetricsScraper(int port, String metric) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpRequest request =
                    java.net.http.HttpRequest.newBuilder(LocalMetrics.endpoint(port)).build();
            thread =
                    new Thread(
                            () -> {
                                while (!stop) {
                                    try {
                                        String body =
                                                http.send(
                                                                request,
                                                                java.net.http.HttpResponse
                                                                        .BodyHandlers.ofString())
                                                        .body();
                                        names.addAll(MonitoringQueries.exposed(body));
                                        double count =
                                                MonitoringQueries.sum(body, GOLD_LATENCY_COUNT);
                                        goldLatencyCount = Math.max(goldLatencyCount, count);
                                        if (found.get() == null && body.contains(metric)) {
                                            found.set(body);
                                        }
                                    } catch (java.io.IOException notYet) {
                                        // the stack has not started its cluster yet, or stopped
                                    } catch (InterruptedException e) {
                                        return;
                                    }
                                    try {
                                        Thread.sleep(3_000);
                                    } catch (InterruptedException e) {
                                        return;
                                    }
                                }
                            },
                            "metrics-scraper");
            thread.setDaemon(true);
            thread.start();
        }

        String found() {
            return found.get();
        }

        java.util.Set<String> names() {
            return names;
        }

        /** The most records the commit-to-publish histogram held in any scrape. */
        double goldLatencyCount() {
            return goldLatencyCount;
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.interrupt();
            thread.join(5_000);
        }
    }

    private static String run(Path data, String... extra) throws Exception {
        String[] args = new String[extra.length + 1];
        args[0] = "run";
        System.arraycopy(extra, 0, args, 1, extra.length);
        return runCommand(data, args);
    }

    private static String runCommand(Path data, String... args) throws Exception {
        boolean portGiven = java.util.Arrays.asList(args).contains("--metrics-port");
        String[] all = new String[args.length + 12];
        System.arraycopy(args, 0, all, 0, args.length);
        String[] common = {
            "--data",
            data.toString(),
            "--rate",
            "0",
            "--ui-port",
            "0",
            "--checkpoint-interval",
            "1s",
            "--parallelism",
            "1",
            "--metrics-port",
            "0"
        };
        if (portGiven) {
            common = java.util.Arrays.copyOf(common, common.length - 2);
        }
        System.arraycopy(common, 0, all, args.length, common.length);
        LocalOptions options =
                LocalOptions.parse(java.util.Arrays.copyOf(all, args.length + common.length));
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
                LocalStack stack = new LocalStack(options, data, out)) {
            code =
                    options.command() == LocalOptions.Command.VERIFY
                            ? stack.verifyOnly()
                            : stack.run();
        }
        String output = buffer.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(code).as(output).isZero();
        return output;
    }
}
