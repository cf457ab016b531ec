package dev.lakestream.local;

import dev.lakestream.catalog.BronzeChanges;
import dev.lakestream.catalog.BronzeTables;
import dev.lakestream.catalog.IcebergCatalogs;
import dev.lakestream.embedded.EmbeddedPostgresServer;
import dev.lakestream.embedded.S3ProxyServer;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.jobs.ingestion.IngestionJob;
import dev.lakestream.shop.ShopSchema;
import dev.lakestream.shop.workload.WorkloadConfig;
import dev.lakestream.shop.workload.WorkloadGenerator;
import dev.lakestream.verification.runtime.EmbeddedFlinkCluster;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * The workload and the clock of the ingestion benchmarks ({@link IngestionBenchmark}, {@link
 * SideBySideBenchmark}), so that every job under test gets the same rows, the same updates and the
 * same stopwatch:
 *
 * <pre>
 *   loadOrders:    N bulk orders in shop.orders before any job starts   (the snapshot)
 *   (job stopped with a savepoint)
 *   updateOrders:  M single-row status flips, committed 10,000 a statement (the stream's backlog)
 *   (job started again from the savepoint)
 *   awaitCommitted: polls the Iceberg table's snapshot summaries until the job committed the work
 * </pre>
 *
 * Every rate is a committed-to-Iceberg rate: from the moment the work exists to the Iceberg commit
 * that holds all of it (job submission for the snapshot; the restart from the savepoint for the
 * stream), so it includes the restart and up to one checkpoint interval of commit latency. The
 * updates are written while the job is stopped: a job reading them as they are written shares the
 * two cores with PostgreSQL and would be timed by how fast PostgreSQL writes them.
 */
final class IngestionThroughput {

    /** First order id of the bulk orders, far above the generator's ids. */
    static final long FIRST_ORDER_ID = 1_000_000_001L;

    private static final long UPDATE_BATCH = 10_000;

    /** What one job did with the workload. */
    record Result(
            long rows,
            double snapshotSeconds,
            long changes,
            double streamSeconds,
            double pgSeconds) {

        double snapshotRowsPerSecond() {
            return rows / snapshotSeconds;
        }

        double changesPerSecond() {
            return changes / streamSeconds;
        }
    }

    /** Sizes and job settings shared by every run. */
    record Workload(long rows, long changes, int parallelism, long checkpointIntervalMs) {}

    private IngestionThroughput() {}

    /**
     * The shop schema with its reference data and {@code rows} bulk orders, no generator orders.
     */
    static void loadOrders(EmbeddedPostgresServer pg, long rows, PrintStream out)
            throws SQLException {
        try (Connection c = pg.connect(LocalStack.SHOP_DB)) {
            ShopSchema.apply(c);
            try (WorkloadGenerator g =
                    new WorkloadGenerator(
                            c,
                            WorkloadConfig.builder()
                                    .seed(1)
                                    .stores(8)
                                    .customers(1000)
                                    .products(200)
                                    .initialOrders(0)
                                    .build())) {
                g.seedReferenceData();
            }
            c.setAutoCommit(true);
            long t = System.nanoTime();
            try (Statement s = c.createStatement()) {
                s.execute(
                        "INSERT INTO shop.orders (order_id, store_id, customer_id, status,"
                                + " created_at, updated_at, note) SELECT g, (SELECT min(store_id)"
                                + " FROM shop.stores) + g % 8, (SELECT min(customer_id) FROM"
                                + " shop.customers) + g % 1000, 'PLACED', now() - g * interval"
                                + " '1 second', now(), 'bulk order ' || g FROM"
                                + " generate_series("
                                + FIRST_ORDER_ID
                                + ", "
                                + (FIRST_ORDER_ID - 1 + rows)
                                + ") g");
                s.execute("ANALYZE shop.orders");
            }
            out.printf(
                    "loaded %,d orders into PostgreSQL in %.1f s%n",
                    rows, (System.nanoTime() - t) / 1e9);
        }
    }

    /**
     * Flips the status of {@code changes} bulk orders, one row change each, round robin over the
     * {@code rows} orders, {@value #UPDATE_BATCH} per autocommitted statement.
     *
     * @return the row changes PostgreSQL committed
     */
    static long updateOrders(EmbeddedPostgresServer pg, long rows, long changes)
            throws SQLException {
        long done = 0;
        try (Connection c = pg.connect(LocalStack.SHOP_DB)) {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                while (done < changes) {
                    long n = Math.min(UPDATE_BATCH, changes - done);
                    long from = FIRST_ORDER_ID + (done % rows);
                    long to = Math.min(from + n - 1, FIRST_ORDER_ID - 1 + rows);
                    done +=
                            s.executeUpdate(
                                    "UPDATE shop.orders SET status = CASE status WHEN 'PLACED'"
                                            + " THEN 'PAID' ELSE 'PLACED' END, updated_at = now()"
                                            + " WHERE order_id BETWEEN "
                                            + from
                                            + " AND "
                                            + to);
                }
            }
        }
        return done;
    }

    /**
     * A cluster like the local stack's, with {@code parallelism} slots and little managed memory.
     */
    static EmbeddedFlinkCluster startCluster(int parallelism) {
        Configuration cluster = new Configuration();
        cluster.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("128m"));
        return EmbeddedFlinkCluster.start(cluster, parallelism);
    }

    /**
     * The IngestionJob's settings for the benchmark's PostgreSQL and S3Proxy.
     *
     * @param checkpoints where checkpoints go: a job whose state outgrows the JobManager's 5 MB
     *     (the peer's ChangelogNormalize) fails every checkpoint otherwise
     */
    static IngestionConfig ingestionConfig(
            EmbeddedPostgresServer pg,
            S3ProxyServer s3,
            Workload workload,
            boolean skipBackfill,
            Path checkpoints) {
        Map<String, String> settings = new HashMap<>();
        settings.put("source.postgres.hostname", pg.host());
        settings.put("source.postgres.port", Integer.toString(pg.port()));
        settings.put("source.postgres.database", LocalStack.SHOP_DB);
        settings.put("source.postgres.username", EmbeddedPostgresServer.SUPERUSER);
        settings.put("source.postgres.tables", String.join(",", ShopSchema.TABLES));
        settings.put("source.postgres.slot-name", "bench");
        settings.put("source.postgres.snapshot.skip-backfill", Boolean.toString(skipBackfill));
        settings.put("catalog.type", "jdbc");
        settings.put("catalog.uri", pg.jdbcUrl(LocalStack.CATALOG_DB));
        settings.put("catalog.jdbc.user", EmbeddedPostgresServer.SUPERUSER);
        settings.put("catalog.warehouse", "s3://" + LocalStack.BUCKET + "/bench");
        settings.put("s3.endpoint", s3.endpoint());
        settings.put("s3.path-style-access", "true");
        settings.put("s3.region", S3ProxyServer.REGION);
        settings.put("s3.access-key-id", s3.accessKey());
        settings.put("s3.secret-access-key", s3.secretKey());
        settings.put("execution.checkpointing.interval", workload.checkpointIntervalMs() + "ms");
        settings.put("parallelism.default", Integer.toString(workload.parallelism()));
        settings.put("execution.checkpointing.dir", checkpoints.toUri().toString());
        return IngestionConfig.fromMap(settings);
    }

    /** Runs the IngestionJob over the loaded orders: the snapshot, then the updates. */
    static Result measureIngestionJob(
            EmbeddedPostgresServer pg,
            S3ProxyServer s3,
            Workload workload,
            boolean skipBackfill,
            Path checkpoints,
            PrintStream out)
            throws Exception {
        IngestionConfig config = ingestionConfig(pg, s3, workload, skipBackfill, checkpoints);
        try (EmbeddedFlinkCluster flink = startCluster(workload.parallelism())) {
            Catalog catalog = IcebergCatalogs.load(config.catalog());
            JobSubmission submission =
                    restoreFrom -> {
                        StreamExecutionEnvironment env =
                                new StreamExecutionEnvironment(config.flinkConfiguration());
                        IngestionJob.prepare(env, config);
                        return flink.submit(env, config.jobName(), restoreFrom);
                    };
            // the job's first start creates the bronze tables
            Result result =
                    measure(
                            "lakestream",
                            pg,
                            workload,
                            () -> committedOrders(catalog, config),
                            flink,
                            submission,
                            savepointsBeside(checkpoints),
                            out);
            return result;
        }
    }

    /**
     * Submits a job and times it: the snapshot until {@code committed} reaches the rows, then the
     * updates until it reaches rows + changes. Cancels the job at the end.
     */
    static Result measure(
            String label,
            EmbeddedPostgresServer pg,
            Workload workload,
            LongSupplier committed,
            EmbeddedFlinkCluster flink,
            JobSubmission submission,
            Path savepoints,
            PrintStream out)
            throws Exception {
        long before = committed.getAsLong();
        long t0 = System.nanoTime();
        JobID job = submission.submit(Optional.empty());
        awaitCommitted(
                label + " snapshot", before + workload.rows(), committed, before, flink, job, out);
        double snapshotSeconds = (System.nanoTime() - t0) / 1e9;
        out.printf(
                "%s: SNAPSHOT %,d rows committed in %.1f s = %,.0f rows/s%n",
                label, workload.rows(), snapshotSeconds, workload.rows() / snapshotSeconds);

        Path savepoint = flink.stopWithSavepoint(job, savepoints);
        long tw = System.nanoTime();
        long changes = updateOrders(pg, workload.rows(), workload.changes());
        double pgSeconds = (System.nanoTime() - tw) / 1e9;
        long afterSnapshot = before + workload.rows();
        long t1 = System.nanoTime();
        job = submission.submit(Optional.of(savepoint));
        awaitCommitted(
                label + " streaming",
                afterSnapshot + changes,
                committed,
                afterSnapshot,
                flink,
                job,
                out);
        double streamSeconds = (System.nanoTime() - t1) / 1e9;
        out.printf(
                "%s: STREAMING %,d waiting changes committed in %.1f s = %,.0f changes/s"
                        + " (PostgreSQL took %.1f s to write them, with the job stopped)%n",
                label, changes, streamSeconds, changes / streamSeconds, pgSeconds);
        flink.cancel(job);
        return new Result(workload.rows(), snapshotSeconds, changes, streamSeconds, pgSeconds);
    }

    private static long committedOrders(Catalog catalog, IngestionConfig config) {
        TableIdentifier id =
                BronzeTables.identifierFor(config.bronzeNamespace(), ShopSchema.ORDERS);
        return catalog.tableExists(id) ? BronzeChanges.committedRows(catalog.loadTable(id)) : 0;
    }

    /** Where a job's savepoints go: beside its checkpoints. */
    static Path savepointsBeside(Path checkpoints) {
        return checkpoints.resolveSibling(checkpoints.getFileName() + "-savepoints");
    }

    /** Rows ever added to a table: the sum of its snapshots' {@code added-records}. */
    static long addedRecords(Table table) {
        table.refresh();
        long added = 0;
        for (Snapshot snapshot : table.snapshots()) {
            String n = snapshot.summary().get("added-records");
            added += n == null ? 0 : Long.parseLong(n);
        }
        return added;
    }

    private static void awaitCommitted(
            String what,
            long target,
            LongSupplier committed,
            long from,
            EmbeddedFlinkCluster flink,
            JobID job,
            PrintStream out)
            throws InterruptedException {
        long start = System.nanoTime();
        long nextReport = start + 10_000_000_000L;
        long now;
        while (true) {
            long done = committed.getAsLong();
            if (done >= target) {
                return;
            }
            if (flink.status(job).isGloballyTerminalState()) {
                throw new IllegalStateException(
                        what + ": the job ended (" + flink.status(job) + ") before committing");
            }
            now = System.nanoTime();
            if (now >= nextReport) {
                out.printf(
                        "  %s: %,d of %,d committed after %.0f s%n",
                        what, done - from, target - from, (now - start) / 1e9);
                nextReport = now + 10_000_000_000L;
            }
            // polling Iceberg metadata; a benchmark driver, not a test
            Thread.sleep(200);
        }
    }

    /** Submits the job under test, built anew, from a savepoint if given. */
    @FunctionalInterface
    interface JobSubmission {
        JobID submit(Optional<Path> restoreFrom) throws Exception;
    }
}
