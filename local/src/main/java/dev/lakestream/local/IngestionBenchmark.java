package dev.lakestream.local;

import dev.lakestream.embedded.EmbeddedPostgresServer;
import dev.lakestream.embedded.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures IngestionJob throughput into bronze on the embedded services: snapshot rows/s (bulk rows
 * present before the job starts) and streaming changes/s (bulk updates while it runs), each from
 * the first moment the work exists to the moment bronze has committed all of it (see {@link
 * IngestionThroughput}; {@link SideBySideBenchmark} runs the same next to plain Flink SQL).
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
        IngestionThroughput.Workload workload =
                new IngestionThroughput.Workload(rows, changes, parallelism, intervalMs);
        Path work = Files.createTempDirectory("lakestream-bench");
        System.setProperty("lakestream.log.dir", work.toString());
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(work.resolve("pg"), 0);
                S3ProxyServer s3 = S3ProxyServer.start(work.resolve("s3"), 0, LocalStack.BUCKET)) {
            pg.createDatabase(LocalStack.SHOP_DB);
            pg.createDatabase(LocalStack.CATALOG_DB);
            IngestionThroughput.loadOrders(pg, rows, System.out);
            IngestionThroughput.Result r =
                    IngestionThroughput.measureIngestionJob(
                            pg,
                            s3,
                            workload,
                            skipBackfill,
                            work.resolve("checkpoints"),
                            System.out);
            System.out.printf(
                    "SNAPSHOT  %,d rows committed to bronze in %.1f s = %,.0f rows/s"
                            + " (parallelism %d, skip-backfill %s, from job submission)%n",
                    r.rows(),
                    r.snapshotSeconds(),
                    r.snapshotRowsPerSecond(),
                    parallelism,
                    skipBackfill);
            System.out.printf(
                    "STREAMING %,d changes committed to bronze in %.1f s = %,.0f changes/s"
                            + " (PostgreSQL took %.1f s to write them)%n",
                    r.changes(), r.streamSeconds(), r.changesPerSecond(), r.pgSeconds());
        } finally {
            LocalStack.deleteRecursively(work);
        }
        System.exit(0);
    }
}
