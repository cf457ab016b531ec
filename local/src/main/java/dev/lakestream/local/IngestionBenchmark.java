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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;

/**
 * Measures IngestionJob throughput into bronze on the embedded services: snapshot rows/s (bulk rows
 * present before the job starts) and streaming changes/s (bulk updates while it runs), each from
 * the first moment the work exists to the moment bronze has committed all of it.
 *
 * <pre>
 *   java ... dev.lakestream.local.IngestionBenchmark [--rows 500000] [--changes 500000]
 *       [--parallelism 2] [--checkpoint-interval-ms 5000] [--skip-backfill]
 * </pre>
 *
 * Numbers include checkpoint and commit latency (up to one interval), i.e. they are
 * committed-to-Iceberg rates, not read rates.
 */
public final class IngestionBenchmark {

    private IngestionBenchmark() {}

    public static void main(String[] args) throws Exception {
        long rows = 500_000;
        long changes = 500_000;
        int parallelism = 2;
        long intervalMs = 5_000;
        boolean skipBackfill = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[++i]);
                case "--changes" -> changes = Long.parseLong(args[++i]);
                case "--parallelism" -> parallelism = Integer.parseInt(args[++i]);
                case "--checkpoint-interval-ms" -> intervalMs = Long.parseLong(args[++i]);
                case "--skip-backfill" -> skipBackfill = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("lakestream-bench");
        System.setProperty("lakestream.log.dir", work.toString());
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(work.resolve("pg"), 0);
                S3ProxyServer s3 = S3ProxyServer.start(work.resolve("s3"), 0, "warehouse")) {
            pg.createDatabase("shop");
            pg.createDatabase("iceberg_catalog");
            try (Connection c = pg.connect("shop")) {
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
                                    + " generate_series(1000000001, 1000000000 + "
                                    + rows
                                    + ") g");
                }
                System.out.printf(
                        "loaded %,d orders into PostgreSQL in %.1f s%n",
                        rows, (System.nanoTime() - t) / 1e9);
            }

            Map<String, String> settings = new HashMap<>();
            settings.put("source.postgres.hostname", pg.host());
            settings.put("source.postgres.port", Integer.toString(pg.port()));
            settings.put("source.postgres.database", "shop");
            settings.put("source.postgres.username", "postgres");
            settings.put("source.postgres.tables", String.join(",", ShopSchema.TABLES));
            settings.put("source.postgres.slot-name", "bench");
            settings.put("source.postgres.snapshot.skip-backfill", Boolean.toString(skipBackfill));
            settings.put("catalog.type", "jdbc");
            settings.put("catalog.uri", pg.jdbcUrl("iceberg_catalog"));
            settings.put("catalog.jdbc.user", "postgres");
            settings.put("catalog.warehouse", "s3://warehouse/bench");
            settings.put("s3.endpoint", s3.endpoint());
            settings.put("s3.path-style-access", "true");
            settings.put("s3.region", S3ProxyServer.REGION);
            settings.put("s3.access-key-id", s3.accessKey());
            settings.put("s3.secret-access-key", s3.secretKey());
            settings.put("execution.checkpointing.interval", intervalMs + "ms");
            settings.put("parallelism.default", Integer.toString(parallelism));
            IngestionConfig config = IngestionConfig.fromMap(settings);

            Configuration cluster = new Configuration();
            cluster.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("128m"));
            try (EmbeddedFlinkCluster flink = EmbeddedFlinkCluster.start(cluster, parallelism)) {
                StreamExecutionEnvironment env =
                        new StreamExecutionEnvironment(config.flinkConfiguration());
                IngestionJob.prepare(env, config);
                Catalog catalog = IcebergCatalogs.load(config.catalog());
                Table orders =
                        catalog.loadTable(BronzeTables.identifierFor("bronze", ShopSchema.ORDERS));

                long t0 = System.nanoTime();
                JobID job = flink.submit(env, config.jobName(), Optional.empty());
                awaitRows(orders, rows, flink, job);
                double snapshotSeconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf(
                        "SNAPSHOT  %,d rows committed to bronze in %.1f s = %,.0f rows/s"
                                + " (parallelism %d, skip-backfill %s, from job submission)%n",
                        rows, snapshotSeconds, rows / snapshotSeconds, parallelism, skipBackfill);

                long t1 = System.nanoTime();
                long done = 0;
                long batch = 10_000;
                try (Connection c = pg.connect("shop")) {
                    c.setAutoCommit(true);
                    try (Statement s = c.createStatement()) {
                        while (done < changes) {
                            long n = Math.min(batch, changes - done);
                            long from = 1_000_000_001L + (done % rows);
                            long to = Math.min(from + n - 1, 1_000_000_000L + rows);
                            done +=
                                    s.executeUpdate(
                                            "UPDATE shop.orders SET status = CASE status WHEN"
                                                    + " 'PLACED' THEN 'PAID' ELSE 'PLACED' END,"
                                                    + " updated_at = now() WHERE order_id BETWEEN "
                                                    + from
                                                    + " AND "
                                                    + to);
                        }
                    }
                }
                double writeSeconds = (System.nanoTime() - t1) / 1e9;
                awaitRows(orders, rows + done, flink, job);
                double streamSeconds = (System.nanoTime() - t1) / 1e9;
                System.out.printf(
                        "STREAMING %,d changes committed to bronze in %.1f s = %,.0f changes/s"
                                + " (PostgreSQL took %.1f s to write them)%n",
                        done, streamSeconds, done / streamSeconds, writeSeconds);
                flink.cancel(job);
            }
        } finally {
            LocalStack.deleteRecursively(work);
        }
        System.exit(0);
    }

    private static void awaitRows(Table table, long rows, EmbeddedFlinkCluster flink, JobID job)
            throws InterruptedException {
        while (BronzeChanges.committedRows(table) < rows) {
            if (flink.status(job).isGloballyTerminalState()) {
                throw new IllegalStateException("job ended: " + flink.status(job));
            }
            // polling Iceberg metadata; a benchmark driver, not a test
            Thread.sleep(200);
        }
    }
}
