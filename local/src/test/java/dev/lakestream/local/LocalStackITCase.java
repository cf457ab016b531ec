package dev.lakestream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.jobs.source.postgres.SlotGuardedSource;
import dev.lakestream.local.kpi.HeadlessChromium;
import dev.lakestream.local.kpi.KpiPageView;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The embedded default as a user runs it: first start in bounded mode (snapshot, then a workload),
 * verification against PostgreSQL, a clean stop with a savepoint; then a second start on the same
 * data folder that resumes and runs until asked to stop, while a browser watches the KPI page and
 * an order committed in PostgreSQL shows on it; then {@code verify} on everything both wrote.
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

        // the second start runs until asked to stop, while a browser watches the KPI page
        boolean browser = HeadlessChromium.installedOrFailInCi();
        String second = runWatchingTheKpiPage(data, browser, "--seed", "43", "--rate", "2");
        assertThat(second)
                .contains("resuming from savepoints/")
                .contains("resuming from savepoints-transformation/")
                .doesNotContain("seeded the shop")
                .containsPattern("KPI page: http://127\\.0\\.0\\.1:\\d+");

        String verify = runCommand(data, "verify");
        assertThat(verify)
                .contains("bronze holds every committed change exactly once")
                .contains("gold on Kafka equals PostgreSQL");
        Assumptions.assumeTrue(
                browser,
                "the stack passed, but the KPI page was not checked in a browser: "
                        + HeadlessChromium.missing());
    }

    /** A store of the KPI check's own, inactive: the generator leaves it alone (as GoldProbe's). */
    private static final long KPI_STORE = 920_001;

    private static final Duration ON_THE_PAGE = Duration.ofSeconds(30);

    /**
     * Runs the stack until the KPI page was checked: in a real browser, the page lists every store
     * that has orders in PostgreSQL, and an order committed in PostgreSQL shows on it, through
     * bronze, silver and gold on Kafka, within {@link #ON_THE_PAGE}. Without a browser (outside CI
     * only) the stack runs the same, and the test ends skipped.
     */
    private static String runWatchingTheKpiPage(Path data, boolean browser, String... extra)
            throws Exception {
        String[] args = new String[extra.length + 1];
        args[0] = "run";
        System.arraycopy(extra, 0, args, 1, extra.length);
        LocalOptions options = options(data, args);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        ExecutorService background = Executors.newSingleThreadExecutor();
        int code;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
                LocalStack stack = new LocalStack(options, data, out)) {
            Future<Integer> running = background.submit(stack::run);
            try {
                await("the second start's generator running")
                        .atMost(Duration.ofMinutes(3))
                        .until(() -> running.isDone() || stack.generatorRunning());
                if (browser && !running.isDone()) {
                    watchKpiPage(stack);
                }
            } finally {
                stack.requestStop();
            }
            code = running.get(5, TimeUnit.MINUTES);
        } finally {
            background.shutdownNow();
            System.out.println(buffer.toString(StandardCharsets.UTF_8));
        }
        String output = buffer.toString(StandardCharsets.UTF_8);
        assertThat(code).as(output).isZero();
        return output;
    }

    private static void watchKpiPage(LocalStack stack) throws Exception {
        URI address = stack.kpiPageAddress();
        try (HeadlessChromium chromium = HeadlessChromium.start(1280, 800)) {
            KpiPageView page = new KpiPageView(chromium.driver(), address);
            List<Long> stores = storesWithOrders(stack);
            await("every store with orders in PostgreSQL on the page")
                    .atMost(Duration.ofMinutes(2))
                    .untilAsserted(
                            () -> assertThat(page.stores()).containsExactlyElementsOf(stores));
            // the jobs have caught up with what the first start left (their first checkpoints
            // after the restore take longest): gold is being published as the shop sells
            await("gold on the page a few seconds old")
                    .atMost(Duration.ofMinutes(2))
                    .until(() -> page.freshness().matches("Gold as of [0-5] s ago.*"));
            chromium.fullPageScreenshot(Path.of("target", "kpi-page.png"));

            // the day before the newest: picked, it stays on the page while the generator's
            // clock moves on (the newest day is followed)
            String day = page.days().get(1);
            page.selectDay(day);
            for (long k = 1; k <= 2; k++) {
                String orders = Long.toString(k);
                long committed = System.nanoTime();
                insertOrder(stack, day, k);
                await(
                                "order "
                                        + k
                                        + " of store "
                                        + KPI_STORE
                                        + ", committed in PostgreSQL, on the page")
                        .atMost(ON_THE_PAGE)
                        .until(() -> page.cell(KPI_STORE, "order_count").equals(orders));
                System.out.printf(
                        "KPI page: order %d on the page %d ms after its commit%n",
                        k, (System.nanoTime() - committed) / 1_000_000);
            }
            assertThat(page.day()).isEqualTo(day);
            chromium.fullPageScreenshot(Path.of("target", "kpi-page-after-orders.png"));
        }
    }

    private static List<Long> storesWithOrders(LocalStack stack) throws Exception {
        List<Long> stores = new ArrayList<>();
        try (Connection c = stack.shopConnection();
                Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery(
                                "SELECT DISTINCT store_id FROM shop.orders ORDER BY store_id")) {
            while (r.next()) {
                stores.add(r.getLong(1));
            }
        }
        return stores;
    }

    /** The k-th order of {@link #KPI_STORE} (created with its first), at noon of {@code day}. */
    private static void insertOrder(LocalStack stack, String day, long k) throws Exception {
        try (Connection c = stack.shopConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate(
                    "INSERT INTO shop.stores (store_id, code, name, region, city, country,"
                            + " time_zone, currency, active) VALUES ("
                            + KPI_STORE
                            + ", 'KPI', 'KPI page check', 'LAB', 'Lab', 'DE', 'UTC', 'EUR', false)"
                            + " ON CONFLICT DO NOTHING");
            s.executeUpdate(
                    "INSERT INTO shop.orders (order_id, store_id, status, created_at, updated_at)"
                            + " VALUES ("
                            + (KPI_STORE * 1000 + k)
                            + ", "
                            + KPI_STORE
                            + ", 'PLACED', '"
                            + day
                            + "T12:00:00Z', now())");
        }
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
        LocalOptions options = options(data, args);
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

    /** The command ({@code args[0]}) with the test's settings, then {@code args}' (which win). */
    private static LocalOptions options(Path data, String... args) {
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
            "0",
            "--kpi-port",
            "0"
        };
        String[] all = new String[args.length + common.length];
        all[0] = args[0];
        System.arraycopy(common, 0, all, 1, common.length);
        System.arraycopy(args, 1, all, 1 + common.length, args.length - 1);
        return LocalOptions.parse(all);
    }
}
