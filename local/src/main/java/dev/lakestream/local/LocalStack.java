package dev.lakestream.local;

import dev.lakestream.catalog.BronzeTables;
import dev.lakestream.catalog.IcebergCatalogs;
import dev.lakestream.embedded.EmbeddedPostgresServer;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.jobs.transformation.TransformationConfig;
import dev.lakestream.local.kpi.KpiPage;
import dev.lakestream.ops.OpsCli;
import dev.lakestream.ops.OpsContext;
import dev.lakestream.shop.ShopSchema;
import dev.lakestream.shop.workload.WorkloadGenerator;
import dev.lakestream.shop.workload.WorkloadStats;
import dev.lakestream.verification.gold.GoldTopicHistory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;

/**
 * The embedded default: the whole pipeline on one machine, from Maven artifacts only.
 *
 * <pre>
 *  data folder (.local-data/)
 *   postgres/     embedded PostgreSQL 14, wal_level=logical: databases shop and iceberg_catalog
 *   s3/           S3Proxy (filesystem backend): bucket "warehouse" holds the Iceberg tables
 *   checkpoints/  Flink checkpoints, retained so a restart resumes where the last run stopped
 *   savepoints/   the savepoint a clean stop (Ctrl-C) takes
 *   logs/         lakestream.log
 *
 *  WorkloadGenerator --SQL--> PostgreSQL --pgoutput--> IngestionJob (Flink MiniCluster, web UI)
 *                                                          --> bronze.* on S3Proxy (JDBC catalog)
 * </pre>
 *
 * <p>The generator starts only once the initial snapshot is committed, so that {@code verify} can
 * compare bronze with PostgreSQL's own count of changes exactly. Ctrl-C stops the generator, stops
 * the job with a savepoint (everything pending is committed) and shuts the services down; a hard
 * kill loses nothing either: the next start resumes from the newest retained checkpoint.
 *
 * <p>This class is the command line and the order of things (start, wait for the snapshot, run the
 * generator, report, stop). The parts: {@link LocalServices} (PostgreSQL, S3Proxy, Kafka, the
 * feeds), {@link LocalJobSettings} (the jobs' and the cluster's configuration), {@link LocalJobs}
 * (submission from retained state, stop with savepoints), {@link GoldVerification} and {@link
 * BronzeVerifier} (the checks), {@link ProgressReporter} (the five-second report), {@link KpiPage}
 * (gold live in a browser).
 */
public final class LocalStack implements AutoCloseable {

    static final String SHOP_DB = "shop";
    static final String CATALOG_DB = "iceberg_catalog";
    static final String SLOT = "lakestream_local";
    static final String BUCKET = "warehouse";
    static final String GOLD_TOPIC = "lakestream.gold.sales_daily_metrics";

    private final LocalOptions options;
    private final Path data;
    private final PrintStream out;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean stopping;

    /** Set by the first stop signal; any later one forces the exit (signals race: see below). */
    private final java.util.concurrent.atomic.AtomicBoolean stopRequested =
            new java.util.concurrent.atomic.AtomicBoolean();

    private Thread mainThread;
    private final java.util.concurrent.CountDownLatch generatorStarted =
            new java.util.concurrent.CountDownLatch(1);
    private volatile Instant generatorStartedAt;

    private final LocalServices services;
    private final GoldVerification gold;
    private final LocalJobs jobs;
    private WorkloadGenerator generator;
    private Catalog catalog;
    private ProgressReporter progress;
    private volatile KpiPage kpiPage;

    LocalStack(LocalOptions options, Path data, PrintStream out) {
        this.options = options;
        this.data = data;
        this.out = out;
        this.services = new LocalServices(options, data, out);
        this.gold = new GoldVerification(services, out);
        this.jobs = new LocalJobs(options, data, out);
    }

    public static void main(String[] args) throws Exception {
        LocalOptions options;
        try {
            options = LocalOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("lakestream-local: " + e.getMessage());
            System.err.println(LocalOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.command() == LocalOptions.Command.HELP) {
            System.out.println(LocalOptions.USAGE);
            return;
        }
        Path data = options.dataDirectory().toAbsolutePath().normalize();
        if (options.fresh() && Files.exists(data)) {
            System.out.println("Deleting " + data + " (--fresh)");
            deleteRecursively(data);
        }
        Files.createDirectories(data.resolve("logs"));
        System.setProperty("lakestream.log.dir", data.resolve("logs").toString());

        LocalStack stack = new LocalStack(options, data, System.out);
        stack.mainThread = Thread.currentThread();
        stack.stopOnSignals();
        // last resort only (the JVM exits for another reason): signals stop in order instead
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "lakestream-local-shutdown"));
        int code;
        try {
            code =
                    switch (options.command()) {
                        case VERIFY -> stack.verifyOnly();
                        case GOLD -> stack.goldOnly();
                        case OPS -> stack.opsOnly();
                        default -> stack.run();
                    };
        } catch (Exception e) {
            if (stack.stopping) {
                code = 0;
            } else {
                System.err.println("lakestream-local: " + e.getMessage());
                System.err.println("(details in " + data.resolve("logs/lakestream.log") + ")");
                code = 1;
            }
        }
        try {
            stack.close();
        } finally {
            System.exit(code);
        }
    }

    /**
     * Ctrl-C (SIGINT) and SIGTERM ask the main thread to stop the stack in order while every
     * service is still up. A shutdown hook could not: the embedded PostgreSQL's own hook stops the
     * database concurrently, and the final savepoint would fail. A second Ctrl-C exits at once.
     */
    @SuppressWarnings("removal")
    private void stopOnSignals() {
        if (mainThread == null) {
            return; // not started from main (tests): nothing to interrupt
        }
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal.handle(
                        new sun.misc.Signal(name),
                        signal -> {
                            // atomic: two signals at once (GNU timeout signals the launcher and
                            // its process group) each saw "not stopping", both interrupted the
                            // main thread, the second inside close(), which then died half way
                            // and left the JVM and the services running
                            boolean first = stopRequested.compareAndSet(false, true);
                            if (!first || stopping) {
                                out.println(
                                        "\n==> second " + name + ": exiting without a savepoint");
                                // halt skips the shutdown hooks: signal the services here, or
                                // PostgreSQL (not our child: pg_ctl detaches it), S3Proxy and
                                // Kafka would outlive the stack
                                ProcessHandle.current().children().forEach(ProcessHandle::destroy);
                                services.signalStop();
                                Runtime.getRuntime().halt(130);
                            }
                            out.println(
                                    "\n==> stop requested (SIG"
                                            + name
                                            + "): stopping in order; again to force");
                            stopping = true;
                            mainThread.interrupt();
                        });
            } catch (IllegalArgumentException unsupported) {
                // the platform does not let us handle this signal; the shutdown hook remains
            }
        }
    }

    int run() throws Exception {
        services.start(LocalJobSettings.workload(options));
        IngestionConfig config = IngestionConfig.fromMap(jobSettings());
        catalog = IcebergCatalogs.load(config.catalog());
        step("KPI page (gold from Kafka, live in a browser)");
        kpiPage = KpiPage.start(services.kafka().bootstrapServers(), GOLD_TOPIC, options.kpiPort());
        out.println("  KPI page: " + kpiPage.address());

        jobs.startCluster();
        // Flink, Debezium and the services install signal handlers of their own while starting
        stopOnSignals();
        jobs.submitIngestion(config);
        jobs.submitTransformation(
                TransformationConfig.fromMap(
                        LocalJobSettings.transformation(options, data, services)));
        jobs.startMaintenance(jobSettings());

        Connection progressConnection = services.shopConnection();
        progress =
                new ProgressReporter(
                        progressConnection,
                        SLOT,
                        table -> bronzeTable(config, table),
                        jobs::ingestionStatus,
                        out);

        Path snapshotDone = data.resolve("snapshot-complete");
        if (!Files.exists(snapshotDone)) {
            step("waiting for the initial snapshot to be committed to bronze");
            while (!stopping) {
                progress.report(null);
                if (progress.totals().behind() == 0 && allTablesCommitted(config)) {
                    break;
                }
                failIfJobEnded();
                pause(Duration.ofSeconds(3));
            }
            Files.writeString(snapshotDone, Instant.now().toString());
        }

        services.startFeeds(jobSettings());
        step(
                "workload generator: "
                        + (options.rate() > 0 ? options.rate() + " tx/s" : "as fast as possible")
                        + (options.transactions() > 0
                                ? ", " + options.transactions() + " transactions"
                                : ", until Ctrl-C"));
        generator =
                WorkloadGenerator.connect(
                        services.postgres().jdbcUrl(SHOP_DB),
                        EmbeddedPostgresServer.SUPERUSER,
                        null,
                        LocalJobSettings.workload(options));
        WorkloadStats stats = generator.stats();
        generatorStartedAt = Instant.now();
        generatorStarted.countDown();
        CompletableFuture<Long> generating =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return options.transactions() > 0
                                        ? generator.runTransactions(options.transactions())
                                        : generator.run();
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });

        while (!stopping) {
            pause(Duration.ofSeconds(5));
            if (stopping) {
                break;
            }
            progress.report(stats);
            out.println(services.feeds().summary(services.ratesApi()));
            GoldBoard.print(services.kafka().bootstrapServers(), GOLD_TOPIC, out);
            failIfJobEnded();
            if (generating.isCompletedExceptionally()) {
                generating.join();
            }
            if (options.transactions() > 0
                    && generating.isDone()
                    && progress.totals().behind() == 0) {
                services.closeFeeds();
                step("generator done and bronze caught up; verifying bronze against PostgreSQL");
                boolean ok = verify(config) && awaitGold(Duration.ofMinutes(3));
                return ok ? 0 : 1;
            }
        }
        return 0;
    }

    int verifyOnly() throws Exception {
        services.start(LocalJobSettings.workload(options));
        IngestionConfig config = IngestionConfig.fromMap(jobSettings());
        catalog = IcebergCatalogs.load(config.catalog());
        step("verifying bronze against PostgreSQL");
        boolean bronzeOk = verify(config);
        return bronzeOk && gold.reconcile(true) ? 0 : 1;
    }

    private boolean verify(IngestionConfig config) throws Exception {
        try (Connection c = services.shopConnection()) {
            return BronzeVerifier.verify(
                    ChangeLedger.counts(c), table -> bronzeTable(config, table), out);
        }
    }

    /** Waits until gold on Kafka equals the SQL over the shop tables; prints the result. */
    private boolean awaitGold(Duration timeout) throws Exception {
        step("waiting for gold on Kafka to equal the same KPIs computed in PostgreSQL");
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline) && !stopping) {
            if (gold.reconcile(false)) {
                break;
            }
            failIfJobEnded();
            pause(Duration.ofSeconds(3));
        }
        return gold.reconcile(true);
    }

    /**
     * Runs one of {@code ./lakestream}'s commands (lineage, reconcile, quarantine) against this
     * data folder's services, configured as the jobs are.
     */
    int opsOnly() throws Exception {
        services.start(LocalJobSettings.workload(options));
        OpsContext context =
                new OpsContext(
                        TransformationConfig.fromMap(
                                LocalJobSettings.transformation(options, data, services)),
                        Optional.of(IngestionConfig.fromMap(jobSettings())),
                        out);
        step("lakestream " + options.opsCommand() + " " + String.join(" ", options.opsArgs()));
        try {
            return OpsCli.commands().get(options.opsCommand()).run(context, options.opsArgs());
        } catch (IllegalArgumentException e) {
            System.err.println("lakestream-local " + options.opsCommand() + ": " + e.getMessage());
            return 2;
        }
    }

    int goldOnly() {
        services.startKafka();
        GoldBoard.printAll(services.kafka().bootstrapServers(), GOLD_TOPIC, out);
        return 0;
    }

    private boolean allTablesCommitted(IngestionConfig config) {
        for (String table : ShopSchema.TABLES) {
            if (bronzeTable(config, table).currentSnapshot() == null) {
                return false;
            }
        }
        return true;
    }

    private Table bronzeTable(IngestionConfig config, String sourceTable) {
        Table table =
                catalog.loadTable(
                        BronzeTables.identifierFor(config.bronzeNamespace(), sourceTable));
        table.refresh();
        return table;
    }

    private void failIfJobEnded() {
        if (!stopping) {
            jobs.failIfEnded();
        }
    }

    // --- for drivers that run the stack in-process (benchmarks) ---------------------------

    /** Blocks until the workload generator runs (the snapshot is committed by then). */
    void awaitGeneratorStarted(Duration timeout) throws InterruptedException {
        if (!generatorStarted.await(
                timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the stack did not start its generator in " + timeout);
        }
    }

    /** Whether the workload generator runs (the snapshot is committed by then). */
    boolean generatorRunning() {
        return generatorStarted.getCount() == 0;
    }

    /** Asks {@link #run()} to return; {@link #close()} then stops everything in order. */
    void requestStop() {
        stopping = true;
    }

    /**
     * Breaches of the record contract in the gold topic's history, one record per key and
     * transaction included (told from the broker's log segments).
     */
    List<String> goldTopicViolations(List<GoldTopicHistory.Entry> history) {
        return gold.violations(history);
    }

    /** The bronze table of a source table such as {@code shop.orders}, refreshed. */
    Table bronzeTable(String sourceTable) throws Exception {
        return bronzeTable(IngestionConfig.fromMap(jobSettings()), sourceTable);
    }

    String kafkaBootstrapServers() {
        return services.kafka().bootstrapServers();
    }

    Connection shopConnection() throws java.sql.SQLException {
        return services.shopConnection();
    }

    /** The IngestionJob's configuration: the same keys a production deployment sets. */
    private Map<String, String> jobSettings() {
        return LocalJobSettings.ingestion(options, data, services);
    }

    /** The MiniCluster's REST API (the web UI's), e.g. for checkpoint statistics. */
    java.net.URI flinkRestAddress() {
        return jobs.restAddress();
    }

    /** The KPI page's address once {@link #run()} has started it, else {@code null}. */
    java.net.URI kpiPageAddress() {
        KpiPage page = kpiPage;
        return page == null ? null : page.address();
    }

    /** The Iceberg catalog the jobs write to; set once {@link #run()} has loaded it. */
    Catalog catalog() {
        return catalog;
    }

    GoldLatencyBenchmark.WorkloadStatsView generatedSoFar() {
        long seconds = Math.max(1, Duration.between(generatorStartedAt, Instant.now()).toSeconds());
        WorkloadStats stats = generator.stats();
        return new GoldLatencyBenchmark.WorkloadStatsView(
                stats.transactions() / (double) seconds, stats.totalRows(), seconds);
    }

    private void step(String what) {
        out.println("==> " + what);
    }

    private void pause(Duration d) {
        try {
            // the main thread only paces the progress display
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            // the only interrupt is the stop signal: stopping is set, and close() needs a clear
            // flag
            stopping = true;
        }
    }

    /** Stops everything in order; safe to call twice (main and the Ctrl-C hook). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopping = true;
        Thread.interrupted(); // a stop signal may have interrupted us; the steps below block
        out.println();
        jobs.stopMaintenance();
        if (generator != null) {
            step("stopping the generator: " + generator.stats().summary());
            generator.stop();
        }
        services.closeFeeds();
        if (jobs.ingestionRunning()) {
            drain(Duration.ofSeconds(60));
            jobs.stopIngestionWithSavepoint();
        }
        if (jobs.transformationRunning()) {
            jobs.stopTransformationWithSavepoint();
        }
        if (generator != null) {
            try {
                generator.close();
            } catch (Exception ignored) {
                // the database is about to stop anyway
            }
        }
        jobs.close();
        if (kpiPage != null) {
            kpiPage.close(); // before Kafka: its consumer would retry a broker that is gone
        }
        services.close();
        step("stopped; data kept in " + data);
    }

    /**
     * Lets the job capture what PostgreSQL committed before the stop: a savepoint stops the source
     * where it is, so changes still in the WAL would otherwise wait for the next start.
     */
    private void drain(Duration timeout) {
        if (progress == null) {
            return;
        }
        Instant deadline = Instant.now().plus(timeout);
        try {
            long behind = progress.totals().behind();
            if (behind > 0) {
                step("letting bronze catch up with " + behind + " changes before stopping");
            }
            while (behind > 0 && Instant.now().isBefore(deadline)) {
                if (!jobs.ingestionRunning()) {
                    return;
                }
                try {
                    // polling Iceberg snapshots; there is no event to wait on
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    out.println("  interrupted: stopping without waiting");
                    return;
                }
                behind = progress.totals().behind();
            }
            if (behind > 0) {
                out.println(
                        "  still "
                                + behind
                                + " changes behind after "
                                + timeout.toSeconds()
                                + " s; the next start captures them");
            }
            if (behind == 0 && services.kafka() != null && jobs.transformationSubmitted()) {
                step("letting gold catch up before stopping");
                while (Instant.now().isBefore(deadline) && !gold.reconcile(false)) {
                    if (!jobs.transformationRunning()) {
                        return;
                    }
                    try {
                        // polling Kafka and PostgreSQL; there is no event to wait on
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        out.println("  interrupted: stopping without waiting");
                        return;
                    }
                }
            }
        } catch (Exception e) {
            out.println("  could not check progress (" + e.getMessage() + "); stopping anyway");
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
