package dev.lakestream.local;

import dev.lakestream.embedded.EmbeddedPostgresServer;
import dev.lakestream.embedded.S3ProxyServer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * lakestream next to the route a user would otherwise pick, on the same data and the same embedded
 * services, one after the other, ending in one table:
 *
 * <pre>
 *  (a) IngestionJob -> bronze            snapshot rows/s of N orders, then changes/s of M updates
 *  (b) Flink SQL: postgres-cdc -> Iceberg v2 upsert table, same rows, same updates, same
 *      checkpoint interval, parallelism and MiniCluster set-up   ({@link FlinkSqlPeer})
 *      (a) and (b) share one PostgreSQL, S3Proxy and Iceberg JDBC catalog ({@link
 *      IngestionThroughput}); (b) reads the orders as (a) left them.
 *  (c) the local stack (both jobs, table maintenance, Kafka) under a background workload:
 *      PostgreSQL commit -> gold on Kafka p50/p99 from probe orders ({@link GoldLatencyBenchmark})
 *  (d) while (c) runs: PSS of the whole local stack, sampled every 2 s ({@link StackMemory})
 * </pre>
 *
 * <pre>
 *   java ... dev.lakestream.local.SideBySideBenchmark [--rows 300000] [--changes 300000]
 *       [--probes 40] [--rate 50] [--parallelism 2] [--checkpoint-interval 5s]
 * </pre>
 *
 * Every service logs at WARN here (this JVM, PostgreSQL through it, the Kafka broker, S3Proxy): a
 * chatty child costs a core the jobs under test would otherwise have.
 */
public final class SideBySideBenchmark {

    static final String USAGE =
            String.join(
                    "\n",
                    "usage: SideBySideBenchmark [options]",
                    "  --rows N                 orders in PostgreSQL before the jobs start"
                            + " (snapshot; default 300000)",
                    "  --changes N              updates committed while they stream (default"
                            + " 300000)",
                    "  --probes N               commit -> gold probe orders, one every 1.7 s"
                            + " (default 40, at least 2)",
                    "  --rate TX_PER_S          background workload during the probes (default 50)",
                    "  --parallelism N          of every job (default 2)",
                    "  --checkpoint-interval D  of every job, e.g. 5s (default 5s)");

    private static final double SNAPSHOT_RATIO_TARGET = 2.0;
    private static final double STREAMING_RATIO_TARGET = 1.5;
    private static final double STREAMING_FLOOR = 40_000;
    private static final double P99_TARGET_SECONDS = 10;
    private static final long PSS_TARGET_BYTES = 3L << 30;

    /** The parsed command line. */
    record Options(
            long rows,
            long changes,
            int probes,
            double rate,
            int parallelism,
            Duration checkpointInterval) {

        static Options parse(String[] args) {
            long rows = 300_000;
            long changes = 300_000;
            int probes = 40;
            double rate = 50;
            int parallelism = 2;
            Duration interval = Duration.ofSeconds(5);
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                switch (flag) {
                    case "--rows" -> rows = (long) number(args, ++i, flag, 1);
                    case "--changes" -> changes = (long) number(args, ++i, flag, 1);
                    case "--probes" -> probes = (int) number(args, ++i, flag, 2);
                    case "--rate" -> rate = number(args, ++i, flag, 0.1);
                    case "--parallelism" -> parallelism = (int) number(args, ++i, flag, 1);
                    case "--checkpoint-interval" -> interval = duration(args, ++i, flag);
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            return new Options(rows, changes, probes, rate, parallelism, interval);
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }

        private static double number(String[] args, int i, String flag, double min) {
            String v = value(args, i, flag);
            double n;
            try {
                n = Double.parseDouble(v.replace("_", "").replace(",", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs a number, got '" + v + "'");
            }
            if (!(n >= min) || Double.isInfinite(n)) {
                throw new IllegalArgumentException(
                        flag + " must be at least " + min + ", got " + v);
            }
            return n;
        }

        private static Duration duration(String[] args, int i, String flag) {
            String v = value(args, i, flag).trim().toLowerCase(Locale.ROOT);
            try {
                Duration d =
                        v.endsWith("ms")
                                ? Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)))
                                : v.endsWith("s")
                                        ? Duration.ofSeconds(
                                                Long.parseLong(v.substring(0, v.length() - 1)))
                                        : Duration.ofSeconds(Long.parseLong(v));
                if (d.toMillis() < 100) {
                    throw new IllegalArgumentException(flag + " must be at least 100ms, got " + v);
                }
                return d;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        flag + " needs a duration such as 5s or 500ms, got '" + v + "'");
            }
        }
    }

    private SideBySideBenchmark() {}

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("SideBySideBenchmark: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Path work = Files.createTempDirectory("lakestream-side-by-side");
        // before anything logs: this JVM's log4j configuration reads both
        System.setProperty("lakestream.log.dir", work.toString());
        System.setProperty("lakestream.log.level", "WARN");
        // the Kafka broker's (and any other child's) log4j root level
        System.setProperty("lakestream.child.log-level", "WARN");
        PrintStream out = System.out;
        try {
            List<String> table = run(options, work, out);
            out.println();
            table.forEach(out::println);
        } catch (Exception e) {
            System.err.println("SideBySideBenchmark failed: " + e);
            System.err.println("(logs in " + work + ", kept)");
            System.exit(1);
        }
        LocalStack.deleteRecursively(work);
        System.exit(0);
    }

    private static List<String> run(Options options, Path work, PrintStream out) throws Exception {
        long started = System.nanoTime();
        IngestionThroughput.Workload workload =
                new IngestionThroughput.Workload(
                        options.rows(),
                        options.changes(),
                        options.parallelism(),
                        options.checkpointInterval().toMillis());
        IngestionThroughput.Result lakestream;
        IngestionThroughput.Result peer;
        out.printf(
                "==> (a, b) PostgreSQL and S3Proxy; %,d orders, then %,d updates, for each job%n",
                options.rows(), options.changes());
        Path ingestion = work.resolve("ingestion");
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(ingestion.resolve("pg"), 0);
                S3ProxyServer s3 =
                        S3ProxyServer.start(ingestion.resolve("s3"), 0, LocalStack.BUCKET)) {
            pg.createDatabase(LocalStack.SHOP_DB);
            pg.createDatabase(LocalStack.CATALOG_DB);
            IngestionThroughput.loadOrders(pg, options.rows(), out);
            out.println("==> (a) lakestream IngestionJob -> bronze");
            lakestream =
                    IngestionThroughput.measureIngestionJob(
                            pg, s3, workload, false, ingestion.resolve("checkpoints-a"), out);
            out.println(
                    "==> (b) Flink SQL: postgres-cdc -> Iceberg v2 upsert table "
                            + FlinkSqlPeer.TABLE);
            peer = FlinkSqlPeer.measure(pg, s3, workload, ingestion.resolve("checkpoints-b"), out);
        }
        LocalStack.deleteRecursively(ingestion);

        out.printf(
                "==> (c, d) local stack at %s tx/s, %d probes, %s checkpoints; sampling PSS%n",
                options.rate(), options.probes(), options.checkpointInterval().toSeconds() + "s");
        // let the heap (a) and (b) grew shrink back, so that (d) sees the local stack's own
        System.gc();
        Path stack = work.resolve("stack");
        Files.createDirectories(stack);
        GoldLatencyBenchmark.Latency latency;
        long pssPeak;
        long pssLast;
        long processes;
        try (StackMemory memory =
                new StackMemory(() -> Optional.of(stack.resolve("postgres/postmaster.pid")))) {
            latency =
                    GoldLatencyBenchmark.run(
                            options.probes(),
                            options.rate(),
                            options.checkpointInterval().toMillis() + "ms",
                            stack,
                            new StepsOnly(out));
            pssPeak = memory.peakBytes();
            pssLast = memory.lastBytes();
            processes = memory.processes();
        }
        out.printf(
                "==> done in %.1f min; PSS peak %.2f GiB, last %.2f GiB over %d processes%n",
                (System.nanoTime() - started) / 60e9, gib(pssPeak), gib(pssLast), processes);
        return table(options, lakestream, peer, latency, pssPeak);
    }

    static List<String> table(
            Options options,
            IngestionThroughput.Result lakestream,
            IngestionThroughput.Result peer,
            GoldLatencyBenchmark.Latency latency,
            long pssBytes) {
        List<String> rows = new ArrayList<>();
        String format = "%-50s %12s %12s %8s  %s";
        rows.add(String.format(format, "metric", "lakestream", "peer", "ratio", "target"));
        double snapshotRatio = lakestream.snapshotRowsPerSecond() / peer.snapshotRowsPerSecond();
        rows.add(
                String.format(
                        format,
                        "snapshot into Iceberg, rows/s (" + count(options.rows()) + ")",
                        count(lakestream.snapshotRowsPerSecond()),
                        count(peer.snapshotRowsPerSecond()),
                        ratio(snapshotRatio),
                        ">= 2x peer: " + met(snapshotRatio >= SNAPSHOT_RATIO_TARGET)));
        double streamingRatio = lakestream.changesPerSecond() / peer.changesPerSecond();
        rows.add(
                String.format(
                        format,
                        "streaming into Iceberg, changes/s (" + count(options.changes()) + ")",
                        count(lakestream.changesPerSecond()),
                        count(peer.changesPerSecond()),
                        ratio(streamingRatio),
                        ">= 1.5x peer and >= 40,000: "
                                + met(
                                        streamingRatio >= STREAMING_RATIO_TARGET
                                                && lakestream.changesPerSecond()
                                                        >= STREAMING_FLOOR)));
        String checkpoints = options.checkpointInterval().toMillis() / 1000.0 + " s checkpoints";
        rows.add(
                String.format(
                        format,
                        "commit -> gold on Kafka p50, s ("
                                + latency.visible()
                                + "/"
                                + latency.probes()
                                + " probes seen)",
                        seconds(latency.p50()),
                        "-",
                        "-",
                        ""));
        rows.add(
                String.format(
                        format,
                        "commit -> gold on Kafka p99, s",
                        seconds(latency.p99()),
                        "-",
                        "-",
                        "<= 10 s with 5 s checkpoints: "
                                + met(latency.p99() <= P99_TARGET_SECONDS)
                                + (options.checkpointInterval().equals(Duration.ofSeconds(5))
                                        ? ""
                                        : " (measured with " + checkpoints + ")")));
        rows.add(
                String.format(
                        format,
                        "  of which commit -> bronze snapshot p50 / p99, s",
                        seconds(latency.bronzeP50()) + " / " + seconds(latency.bronzeP99()),
                        "-",
                        "-",
                        ""));
        rows.add(
                String.format(
                        format,
                        "local stack PSS, peak while (c) ran, GiB",
                        String.format("%.2f", gib(pssBytes)),
                        "-",
                        "-",
                        "<= 3 GiB: " + met(pssBytes <= PSS_TARGET_BYTES)));
        return rows;
    }

    /** A latency, or how long it was waited for in vain. */
    private static String seconds(double s) {
        return Double.isFinite(s)
                ? String.format("%.1f", s)
                : "> " + GoldLatencyBenchmark.PROBE_WAIT.toSeconds();
    }

    private static String count(double n) {
        return String.format("%,.0f", n);
    }

    private static String ratio(double r) {
        return String.format("%.2fx", r);
    }

    private static String met(boolean met) {
        return met ? "met" : "MISSED";
    }

    private static double gib(long bytes) {
        return bytes / (double) (1L << 30);
    }

    /**
     * The local stack's own output reduced to its steps and results, plus a line every 30 s: its
     * 5-second progress board would bury the benchmark's lines.
     */
    private static final class StepsOnly extends PrintStream {
        private final PrintStream target;
        private final StringBuilder line = new StringBuilder();
        private long lastBeat = System.nanoTime();

        StepsOnly(PrintStream target) {
            super(target, true);
            this.target = target;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                flushLine();
            } else {
                line.append((char) b);
            }
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(buf[i]);
            }
        }

        private void flushLine() {
            String s = line.toString();
            line.setLength(0);
            if (s.startsWith("==>")
                    || s.startsWith("LATENCY")
                    || s.startsWith("THROUGHPUT")
                    || s.startsWith("TOPIC")) {
                target.println("  " + s);
            } else if (s.startsWith("[") && System.nanoTime() - lastBeat > 30_000_000_000L) {
                // the board's first line: job state, generator, slot lag, last bronze commit
                lastBeat = System.nanoTime();
                target.println("  " + s);
            }
        }
    }
}
