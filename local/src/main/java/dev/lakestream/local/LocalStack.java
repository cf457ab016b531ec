package dev.lakestream.local;

import dev.lakestream.catalog.BronzeTables;
import dev.lakestream.catalog.IcebergCatalogs;
import dev.lakestream.catalog.S3Access;
import dev.lakestream.embedded.EmbeddedPostgresServer;
import dev.lakestream.embedded.KafkaBroker;
import dev.lakestream.embedded.S3ProxyServer;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.jobs.ingestion.IngestionJob;
import dev.lakestream.jobs.transformation.TransformationConfig;
import dev.lakestream.jobs.transformation.TransformationJob;
import dev.lakestream.shop.ShopSchema;
import dev.lakestream.shop.feeds.ExchangeRateApi;
import dev.lakestream.shop.feeds.FeedSchema;
import dev.lakestream.shop.workload.WorkloadConfig;
import dev.lakestream.shop.workload.WorkloadGenerator;
import dev.lakestream.shop.workload.WorkloadStats;
import dev.lakestream.verification.gold.GoldReconciliation;
import dev.lakestream.verification.gold.GoldTopicHistory;
import dev.lakestream.verification.gold.GoldTopicTransactions;
import dev.lakestream.verification.runtime.EmbeddedFlinkCluster;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
    private Thread mainThread;
    private final java.util.concurrent.CountDownLatch generatorStarted =
            new java.util.concurrent.CountDownLatch(1);
    private volatile Instant generatorStartedAt;

    private EmbeddedPostgresServer postgres;
    private S3ProxyServer s3;
    private EmbeddedFlinkCluster flink;
    private JobID job;
    private JobID transformationJob;
    private LocalMaintenance maintenance;
    private KafkaBroker kafka;
    private WorkloadGenerator generator;
    private Catalog catalog;
    private ProgressReporter progress;
    private ExchangeRateApi ratesApi;
    private FeedSimulator feeds;

    LocalStack(LocalOptions options, Path data, PrintStream out) {
        this.options = options;
        this.data = data;
        this.out = out;
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
        stack.close();
        System.exit(code);
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
                            if (stopping) {
                                out.println(
                                        "\n==> second " + name + ": exiting without a savepoint");
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

    /** Starts PostgreSQL (with the shop) and S3Proxy; shared by run and verify. */
    private void startServices() throws Exception {
        step("PostgreSQL (embedded, logical replication) in " + data.resolve("postgres"));
        postgres = EmbeddedPostgresServer.start(data.resolve("postgres"), 0);
        postgres.createDatabase(SHOP_DB);
        postgres.createDatabase(CATALOG_DB);
        try (Connection c = postgres.connect(SHOP_DB)) {
            ShopSchema.apply(c);
            ChangeLedger.install(c);
            FeedSchema.create(c);
            try (WorkloadGenerator seeder = new WorkloadGenerator(c, workload())) {
                if (seeder.seedReferenceData()) {
                    out.println("  seeded the shop: " + seeder.stats().summary());
                }
            }
        }
        out.println("  " + postgres.jdbcUrl(SHOP_DB) + " (user postgres, no password)");

        step("S3Proxy (S3-compatible store) in " + data.resolve("s3"));
        s3 = S3ProxyServer.start(data.resolve("s3"), 0, BUCKET);
        out.println("  " + s3.endpoint() + ", bucket " + BUCKET);
        startKafka();

        step("exchange-rate API (HTTP, paginated, over feeds.exchange_rates)");
        ratesApi = ExchangeRateApi.start(0, this::shopConnection, null);
        ratesApi.failures(options.apiErrors() / 2, options.apiErrors() / 2);
        out.println(
                "  "
                        + ratesApi.url()
                        + (options.apiErrors() > 0
                                ? " (answering " + options.apiErrors() * 100 + " % with 429/500)"
                                : ""));
    }

    /** Starts the central bank and the door counters (see {@link FeedSimulator}). */
    private void startFeeds() throws Exception {
        S3Access access = S3Access.fromMap(jobSettings());
        software.amazon.awssdk.services.s3.S3Client client = access.newClient();
        feeds =
                new FeedSimulator(
                        this::shopConnection,
                        (key, content) ->
                                client.putObject(
                                        b -> b.bucket(BUCKET).key(key),
                                        software.amazon.awssdk.core.sync.RequestBody.fromString(
                                                content)),
                        options.seed(),
                        options.rateDelay());
        feeds.start(Duration.ofSeconds(5));
        step(
                "feeds (on the shop's clock): rates of its history published, each new date's"
                        + " rate "
                        + options.rateDelay().toSeconds()
                        + " s late; door-counter files land in s3://"
                        + BUCKET
                        + "/landing/foot_traffic/");
    }

    private void startKafka() {
        step("Kafka broker (KRaft) in " + data.resolve("kafka"));
        kafka = KafkaBroker.start(data.resolve("kafka"), 0);
        kafka.createTopic(
                GOLD_TOPIC, 2, Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0"));
        out.println("  " + kafka.bootstrapServers() + ", topic " + GOLD_TOPIC + " (compacted)");
    }

    int run() throws Exception {
        startServices();
        IngestionConfig config = IngestionConfig.fromMap(jobSettings());
        catalog = IcebergCatalogs.load(config.catalog());

        step("Flink MiniCluster");
        // RocksDB's working copy of the state: scratch, rebuilt from the checkpoints on restore
        if (Files.exists(rocksDbDirectory())) {
            deleteRecursively(rocksDbDirectory());
        }
        Files.createDirectories(rocksDbDirectory());
        // one slot more for the MaintenanceJob, whose operators are all non-parallel
        flink =
                EmbeddedFlinkCluster.start(
                        clusterConfiguration(),
                        options.parallelism() * 2 + (options.maintenance() ? 1 : 0));
        // Flink, Debezium and the services install signal handlers of their own while starting
        stopOnSignals();
        out.println("  web UI: " + flink.restAddress());

        StreamExecutionEnvironment env =
                new StreamExecutionEnvironment(config.flinkConfiguration());
        IngestionJob.prepare(env, config);
        Optional<Path> restore =
                EmbeddedFlinkCluster.latestRestorePoint(
                        data.resolve("checkpoints"), data.resolve("savepoints"));
        step(
                "IngestionJob "
                        + restore.map(p -> "resuming from " + data.relativize(p))
                                .orElse("(first start: snapshot, then stream)"));
        job = flink.submit(env, config.jobName(), restore);

        TransformationConfig transformation =
                TransformationConfig.fromMap(transformationSettings());
        StreamExecutionEnvironment transformationEnv =
                new StreamExecutionEnvironment(transformation.flinkConfiguration());
        TransformationJob.prepare(transformationEnv, transformation);
        Optional<Path> transformationRestore =
                EmbeddedFlinkCluster.latestRestorePoint(
                        data.resolve("checkpoints-transformation"),
                        data.resolve("savepoints-transformation"));
        TransformationStateLayout.check(data, transformationRestore);
        step(
                "TransformationJob (silver, gold, Kafka) "
                        + transformationRestore
                                .map(p -> "resuming from " + data.relativize(p))
                                .orElse("(first start)"));
        transformationJob =
                flink.submit(transformationEnv, transformation.jobName(), transformationRestore);
        step(
                options.maintenance()
                        ? "MaintenanceJob (compaction, snapshot expiry)"
                        : "no MaintenanceJob");
        maintenance =
                LocalMaintenance.start(flink, jobSettings(), data, options.maintenance(), out);

        Connection progressConnection = postgres.connect(SHOP_DB);
        progress =
                new ProgressReporter(
                        progressConnection,
                        SLOT,
                        table -> bronzeTable(config, table),
                        () -> flink.status(job).toString(),
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

        startFeeds();
        step(
                "workload generator: "
                        + (options.rate() > 0 ? options.rate() + " tx/s" : "as fast as possible")
                        + (options.transactions() > 0
                                ? ", " + options.transactions() + " transactions"
                                : ", until Ctrl-C"));
        generator =
                WorkloadGenerator.connect(
                        postgres.jdbcUrl(SHOP_DB),
                        EmbeddedPostgresServer.SUPERUSER,
                        null,
                        workload());
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
            out.println(feeds.summary(ratesApi));
            GoldBoard.print(kafka.bootstrapServers(), GOLD_TOPIC, out);
            failIfJobEnded();
            if (generating.isCompletedExceptionally()) {
                generating.join();
            }
            if (options.transactions() > 0
                    && generating.isDone()
                    && progress.totals().behind() == 0) {
                feeds.close();
                step("generator done and bronze caught up; verifying bronze against PostgreSQL");
                boolean ok = verify(config) && awaitGold(Duration.ofMinutes(3));
                return ok ? 0 : 1;
            }
        }
        return 0;
    }

    /**
     * Reads the gold topic from the start, record by record, as a consumer does: versions strictly
     * grow per key, no key twice in one transaction, and Snowflake's MERGE rule ends at the latest
     * state for 200 random batch splits. Prints the result; true when all hold.
     */
    private boolean topicHoldsItsContract() {
        List<GoldTopicHistory.Entry> history =
                GoldTopicHistory.read(kafka.bootstrapServers(), GOLD_TOPIC);
        List<String> violations = goldTopicViolations(history);
        List<String> wrong = GoldTopicHistory.keysWrongUnderMerge(history, 200, 1);
        long keys = history.stream().map(GoldTopicHistory.Entry::key).distinct().count();
        out.println(
                "gold topic read from the start: "
                        + history.size()
                        + " records for "
                        + keys
                        + " keys; "
                        + violations.size()
                        + " breaches of the record contract; Snowflake's MERGE rule over 200"
                        + " random batch splits: "
                        + wrong.size()
                        + " keys wrong");
        violations.stream().limit(10).forEach(v -> out.println("  " + v));
        wrong.stream().limit(10).forEach(w -> out.println("  wrong under MERGE: " + w));
        return violations.isEmpty() && wrong.isEmpty();
    }

    int verifyOnly() throws Exception {
        startServices();
        IngestionConfig config = IngestionConfig.fromMap(jobSettings());
        catalog = IcebergCatalogs.load(config.catalog());
        step("verifying bronze against PostgreSQL");
        boolean bronzeOk = verify(config);
        return bronzeOk && reconcileGold(true) ? 0 : 1;
    }

    private boolean verify(IngestionConfig config) throws Exception {
        try (Connection c = postgres.connect(SHOP_DB)) {
            return BronzeVerifier.verify(
                    ChangeLedger.counts(c), table -> bronzeTable(config, table), out);
        }
    }

    /** Waits until gold on Kafka equals the SQL over the shop tables; prints the result. */
    private boolean awaitGold(Duration timeout) throws Exception {
        step("waiting for gold on Kafka to equal the same KPIs computed in PostgreSQL");
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline) && !stopping) {
            if (reconcileGold(false)) {
                break;
            }
            failIfJobEnded();
            pause(Duration.ofSeconds(3));
        }
        return reconcileGold(true);
    }

    private boolean reconcileGold(boolean report) throws Exception {
        Map<String, String> expected;
        try (Connection c = postgres.connect(SHOP_DB)) {
            expected = GoldReconciliation.fromPostgres(c, "EUR");
        }
        Map<String, String> published =
                GoldReconciliation.fromKafka(kafka.bootstrapServers(), GOLD_TOPIC);
        boolean equal = expected.equals(published);
        if (report) {
            if (equal) {
                out.println(
                        "gold on Kafka equals PostgreSQL for all "
                                + expected.size()
                                + " (sale_date, store) keys");
            } else {
                int differing = 0;
                java.util.Set<String> keys = new java.util.TreeSet<>(expected.keySet());
                keys.addAll(published.keySet());
                for (String key : keys) {
                    if (!java.util.Objects.equals(expected.get(key), published.get(key))
                            && differing++ < 10) {
                        out.println("  " + key + "  PostgreSQL: " + expected.get(key));
                        out.println("  " + key + "  Kafka:      " + published.get(key));
                    }
                }
                out.println("gold on Kafka differs from PostgreSQL for " + differing + " keys");
            }
            equal &= topicHoldsItsContract();
        }
        return equal;
    }

    int goldOnly() {
        startKafka();
        GoldBoard.printAll(kafka.bootstrapServers(), GOLD_TOPIC, out);
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
        for (JobID running : new JobID[] {job, transformationJob}) {
            if (running == null) {
                continue;
            }
            var status = flink.status(running);
            if (status.isGloballyTerminalState() && !stopping) {
                throw new IllegalStateException(
                        (running.equals(job) ? "the IngestionJob" : "the TransformationJob")
                                + " ended with status "
                                + status
                                + "; see the log and the web UI");
            }
        }
    }

    private WorkloadConfig workload() {
        return WorkloadConfig.builder()
                .seed(options.seed())
                .rate(options.rate())
                .progressInterval(Duration.ofMinutes(1))
                .build();
    }

    /** The TransformationJob's configuration: the same keys a production deployment sets. */
    Map<String, String> transformationSettings() {
        Map<String, String> s = new HashMap<>();
        jobSettings()
                .forEach(
                        (k, v) -> {
                            if (!k.startsWith("source.")) {
                                s.put(k, v);
                            }
                        });
        s.put("job.name", "lakestream-transformation");
        s.put(
                "state.checkpoints.dir",
                data.resolve("checkpoints-transformation").toUri().toString());
        s.put("state.savepoints.dir", data.resolve("savepoints-transformation").toUri().toString());
        s.put("bronze.monitor-interval", "2s");
        s.put("gold.kafka.bootstrap-servers", kafka.bootstrapServers());
        s.put("gold.kafka.topic", GOLD_TOPIC);
        s.put("gold.kafka.transactional-id-prefix", "lakestream-local-transformation");
        return s;
    }

    /** The IngestionJob's configuration: the same keys a production deployment sets. */
    Map<String, String> jobSettings() {
        Map<String, String> s = new HashMap<>();
        s.put("job.name", "lakestream-ingestion");
        s.put("source.postgres.hostname", postgres.host());
        s.put("source.postgres.port", Integer.toString(postgres.port()));
        s.put("source.postgres.database", SHOP_DB);
        s.put("source.postgres.username", EmbeddedPostgresServer.SUPERUSER);
        s.put("source.postgres.tables", String.join(",", ShopSchema.TABLES));
        s.put("source.postgres.slot-name", SLOT);
        s.put("source.postgres.heartbeat-interval", "5s");
        s.put("catalog.name", "lakestream");
        s.put("catalog.type", "jdbc");
        s.put("catalog.uri", postgres.jdbcUrl(CATALOG_DB));
        s.put("catalog.jdbc.user", EmbeddedPostgresServer.SUPERUSER);
        s.put("catalog.warehouse", "s3://" + BUCKET + "/lakehouse");
        s.put("s3.endpoint", s3.endpoint());
        s.put("s3.path-style-access", "true");
        s.put("s3.region", S3ProxyServer.REGION);
        s.put("s3.access-key-id", s3.accessKey());
        s.put("s3.secret-access-key", s3.secretKey());
        // the exchange-rate API, keyset pages (see ExchangeRateApi)
        s.put("source.rest.enabled", "true");
        s.put("source.rest.name", "exchange_rates");
        s.put("source.rest.url", ratesApi.url());
        s.put("source.rest.pagination", "cursor");
        s.put("source.rest.pagination.next-token-pointer", "/next_cursor");
        s.put("source.rest.pagination.token-param", "cursor");
        s.put("source.rest.pagination.size-param", "limit");
        s.put("source.rest.key-fields", "base_currency,quote_currency,rate_date");
        s.put("source.rest.poll-interval", "5s");
        s.put("source.rest.retry.initial-backoff", "200ms");
        // the door counters' landing folder
        s.put("source.files.enabled", "true");
        s.put("source.files.uri", "s3://" + BUCKET + "/landing/foot_traffic/");
        s.put("source.files.discovery-interval", "3s");
        s.put("source.files.settle-time", "2s");
        s.put("execution.checkpointing.interval", options.checkpointInterval().toMillis() + "ms");
        s.put(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
        s.put("execution.checkpointing.num-retained", "3");
        // as in production: state on disk in RocksDB, checkpoints upload only the files that
        // changed. Its working copy lives in the data folder (scratch, emptied at each start).
        s.put("state.backend.type", "rocksdb");
        s.put("execution.checkpointing.incremental", "true");
        s.put("state.backend.rocksdb.localdir", rocksDbDirectory().toString());
        // RocksDB's memtables share each slot's managed memory (MANAGED_MEMORY / slots). With the
        // default 64 MB write buffer, a memtable's first 8 MB arena block alone exceeds the
        // slot's write buffer limit, and every put flushed a one-row SST file: Flink warns
        // "RocksDB will flush memtable constantly", the "apply changes" operator spent 95% of
        // its time in RocksDB.put at 160 rows/s, and checkpoints and latency slid as state grew.
        // 8 MB write buffers (1 MB arena blocks) fit the slot's limit several times over.
        s.put("state.backend.rocksdb.writebuffer.size", "8mb");
        s.put("state.checkpoints.dir", data.resolve("checkpoints").toUri().toString());
        s.put("state.savepoints.dir", data.resolve("savepoints").toUri().toString());
        s.put("restart-strategy.type", "exponential-delay");
        s.put("parallelism.default", Integer.toString(options.parallelism()));
        return s;
    }

    private Path rocksDbDirectory() {
        return data.resolve("rocksdb");
    }

    private Configuration clusterConfiguration() {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(
                RestOptions.BIND_PORT,
                options.uiPort() == 0 ? "0" : options.uiPort() + "-" + (options.uiPort() + 20));
        // RocksDB's share: with 2 x parallelism + 1 slots, 256m gives each slot about 50 MB, of
        // which half is its write buffer limit (see jobSettings for the write buffer size)
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("256m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("64m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("64m"));
        return conf;
    }

    // --- for drivers that run the stack in-process (benchmarks) ---------------------------

    /** Blocks until the workload generator runs (the snapshot is committed by then). */
    void awaitGeneratorStarted(Duration timeout) throws InterruptedException {
        if (!generatorStarted.await(
                timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the stack did not start its generator in " + timeout);
        }
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
        return GoldTopicHistory.violations(
                history, GoldTopicTransactions.read(kafka.logDirectory(), GOLD_TOPIC));
    }

    String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    Connection shopConnection() throws java.sql.SQLException {
        return postgres.connect(SHOP_DB);
    }

    /** The MiniCluster's REST API (the web UI's), e.g. for checkpoint statistics. */
    java.net.URI flinkRestAddress() {
        return flink.restAddress();
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
        if (maintenance != null) {
            maintenance.close();
        }
        if (generator != null) {
            step("stopping the generator: " + generator.stats().summary());
            generator.stop();
        }
        if (feeds != null) {
            feeds.close();
        }
        if (flink != null && job != null && !flink.status(job).isGloballyTerminalState()) {
            drain(Duration.ofSeconds(60));
            step("stopping the IngestionJob with a savepoint (commits everything pending)");
            try {
                Path savepoint = flink.stopWithSavepoint(job, data.resolve("savepoints"));
                out.println("  savepoint " + data.relativize(savepoint));
                pruneSavepoints(savepoint);
            } catch (RuntimeException e) {
                out.println(
                        "  no savepoint ("
                                + e.getMessage()
                                + "); the next start resumes from the last checkpoint");
            }
        }
        if (flink != null
                && transformationJob != null
                && !flink.status(transformationJob).isGloballyTerminalState()) {
            step("stopping the TransformationJob with a savepoint");
            try {
                Path savepoint =
                        flink.stopWithSavepoint(
                                transformationJob, data.resolve("savepoints-transformation"));
                out.println("  savepoint " + data.relativize(savepoint));
                pruneSavepoints(savepoint);
            } catch (RuntimeException e) {
                out.println(
                        "  no savepoint ("
                                + e.getMessage()
                                + "); the next start resumes from the last checkpoint");
            }
        }
        if (generator != null) {
            try {
                generator.close();
            } catch (Exception ignored) {
                // the database is about to stop anyway
            }
        }
        if (flink != null) {
            flink.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (ratesApi != null) {
            ratesApi.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (postgres != null) {
            postgres.close();
        }
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
                if (flink.status(job).isGloballyTerminalState()) {
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
            if (behind == 0 && kafka != null && transformationJob != null) {
                step("letting gold catch up before stopping");
                while (Instant.now().isBefore(deadline) && !reconcileGold(false)) {
                    if (flink.status(transformationJob).isGloballyTerminalState()) {
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

    private void pruneSavepoints(Path keep) {
        try (Stream<Path> entries = Files.list(keep.getParent())) {
            for (Path p : entries.filter(p -> !p.equals(keep)).toList()) {
                deleteRecursively(p);
            }
        } catch (IOException ignored) {
            // old savepoints only cost disk space
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
