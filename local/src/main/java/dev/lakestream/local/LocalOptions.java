package dev.lakestream.local;

import dev.lakestream.local.kpi.KpiPage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Command line of the local stack.
 *
 * <pre>
 *   lakestream-local [run]    [--data DIR] [--rate TX_PER_S] [--transactions N] [--seed N]
 *                             [--ui-port PORT] [--metrics-port PORT] [--kpi-port PORT]
 *                             [--checkpoint-interval 5s] [--parallelism N]
 *                             [--api-errors SHARE] [--rate-delay 10s] [--fresh]
 *                             [--no-maintenance]
 *   lakestream-local verify   [--data DIR]
 *   lakestream-local gold     [--data DIR]
 *   lakestream-local lineage|reconcile|quarantine [--data DIR] [the command's options]
 * </pre>
 */
record LocalOptions(
        Command command,
        Path dataDirectory,
        double rate,
        long transactions,
        long seed,
        int uiPort,
        int metricsPort,
        int kpiPort,
        Duration checkpointInterval,
        int parallelism,
        double apiErrors,
        Duration rateDelay,
        boolean fresh,
        boolean maintenance,
        String opsCommand,
        List<String> opsArgs) {

    /** What to do. */
    public enum Command {
        RUN,
        VERIFY,
        GOLD,
        /** One of {@code ./lakestream}'s commands against the local stack's data. */
        OPS,
        HELP
    }

    public static final String USAGE =
            String.join(
                    "\n",
                    "usage: lakestream-local [run|verify|gold|help] [options]",
                    "",
                    "  run (default)   start PostgreSQL, S3Proxy, the Iceberg catalog, a Flink"
                            + " MiniCluster,",
                    "                  the IngestionJob and the workload generator; Ctrl-C stops"
                            + " cleanly",
                    "  verify          compare bronze (read back from Iceberg) with every change"
                            + " PostgreSQL committed,",
                    "                  gold on Kafka with the same KPIs computed in SQL, and"
                            + " the gold topic",
                    "                  read from the start as a consumer reads it (versions,"
                            + " Snowflake's MERGE rule)",
                    "  gold            print the current gold sales_daily_metrics from Kafka"
                            + " (read_committed)",
                    "  lineage         the source changes, snapshots and Kafka offsets behind a"
                            + " gold row",
                    "                  (--sale-date 2026-11-29 --store 3; './lakestream-local"
                            + " lineage --help')",
                    "  reconcile       PostgreSQL vs silver and silver vs gold by key range"
                            + " ('... reconcile --help')",
                    "  quarantine      list, fix and re-inject quarantined changes ('..."
                            + " quarantine --help')",
                    "                  (these three run on a stopped stack's data folder; against"
                            + " a running",
                    "                  stack or your own services use ./lakestream --config ...)",
                    "",
                    "  --data DIR              data folder kept between runs (default"
                            + " .local-data)",
                    "  --rate N                generator transactions per second (default 20; 0 ="
                            + " as fast as possible)",
                    "  --transactions N        stop generating after N transactions, wait until"
                            + " bronze has",
                    "                          caught up, verify and exit (default: run until"
                            + " Ctrl-C)",
                    "  --seed N                generator seed (default 42)",
                    "  --ui-port PORT          Flink web UI port (default 8081, or the next free one; 0 = any)",
                    "  --metrics-port PORT     Prometheus endpoint of the jobs' metrics (default"
                            + " 9249, or the next",
                    "                          free one; 0 = any)",
                    "  --kpi-port PORT         live KPI page of gold, in a browser (default"
                            + " 8090, or the next free",
                    "                          one; 0 = any)",
                    "  --checkpoint-interval D checkpoint (and Iceberg commit) interval (default"
                            + " 10s, as compose and Kubernetes)",
                    "  --parallelism N         job parallelism (default 2)",
                    "  --api-errors SHARE      share of exchange-rate API requests answered 429"
                            + " or 500 (e.g. 0.2;",
                    "                          default 0: off)",
                    "  --rate-delay D          how late today's exchange rate is published"
                            + " (default 10s)",
                    "  --fresh                 delete the data folder first",
                    "  --no-maintenance        do not run the MaintenanceJob (compaction, snapshot"
                            + " expiry)");

    public static LocalOptions parse(String[] args) {
        Command command = Command.RUN;
        Path data = Path.of(".local-data");
        double rate = 20;
        long transactions = 0;
        long seed = 42;
        int uiPort = 8081;
        int metricsPort = LocalMetrics.DEFAULT_PORT;
        int kpiPort = KpiPage.DEFAULT_PORT;
        // as in compose and Kubernetes: at 5 s, silver.orders (16 buckets, 2 writers) gained
        // data and delete files faster than compaction on two cores rewrote them (README, "Table
        // maintenance")
        Duration interval = Duration.ofSeconds(10);
        int parallelism = 2;
        double apiErrors = 0;
        Duration rateDelay = Duration.ofSeconds(10);
        boolean fresh = false;
        boolean maintenance = true;
        int i = 0;
        String opsCommand = null;
        List<String> opsArgs = List.of();
        if (args.length > 0 && OPS_COMMANDS.contains(args[0])) {
            // the command's own options pass through; only the data folder is the stack's
            command = Command.OPS;
            opsCommand = args[0];
            List<String> rest = new ArrayList<>();
            for (i = 1; i < args.length; i++) {
                if (args[i].equals("--data")) {
                    data = Path.of(value(args, ++i, args[i - 1]));
                } else {
                    rest.add(args[i]);
                }
            }
            opsArgs = List.copyOf(rest);
        } else if (args.length > 0 && !args[0].startsWith("--")) {
            command =
                    switch (args[0].toLowerCase(Locale.ROOT)) {
                        case "run" -> Command.RUN;
                        case "verify" -> Command.VERIFY;
                        case "gold" -> Command.GOLD;
                        case "help", "-h" -> Command.HELP;
                        default ->
                                throw new IllegalArgumentException(
                                        "unknown command '" + args[0] + "'");
                    };
            i = 1;
        }
        for (; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--help", "-h" -> command = Command.HELP;
                case "--fresh" -> fresh = true;
                case "--no-maintenance" -> maintenance = false;
                case "--data" -> data = Path.of(value(args, ++i, flag));
                case "--rate" -> rate = number(args, ++i, flag, 0);
                case "--transactions" -> transactions = (long) number(args, ++i, flag, 1);
                case "--seed" -> seed = (long) number(args, ++i, flag, Long.MIN_VALUE);
                case "--ui-port" -> uiPort = (int) number(args, ++i, flag, 0);
                case "--metrics-port" -> metricsPort = (int) number(args, ++i, flag, 0);
                case "--kpi-port" -> kpiPort = (int) number(args, ++i, flag, 0);
                case "--parallelism" -> parallelism = (int) number(args, ++i, flag, 1);
                case "--checkpoint-interval" -> interval = duration(value(args, ++i, flag), flag);
                case "--api-errors" -> {
                    apiErrors = number(args, ++i, flag, 0);
                    if (apiErrors > 1) {
                        throw new IllegalArgumentException(
                                flag + " is a share between 0 and 1, was " + apiErrors);
                    }
                }
                case "--rate-delay" -> rateDelay = duration(value(args, ++i, flag), flag);
                default -> throw new IllegalArgumentException("unknown option '" + flag + "'");
            }
        }
        return new LocalOptions(
                command,
                data,
                rate,
                transactions,
                seed,
                uiPort,
                metricsPort,
                kpiPort,
                interval,
                parallelism,
                apiErrors,
                rateDelay,
                fresh,
                maintenance,
                opsCommand,
                opsArgs);
    }

    /** The commands of {@code ./lakestream} the local stack runs on its own data. */
    static final java.util.Set<String> OPS_COMMANDS =
            java.util.Set.of("lineage", "reconcile", "quarantine");

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static double number(String[] args, int i, String flag, double min) {
        String v = value(args, i, flag);
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a number, was '" + v + "'");
        }
        if (d < min) {
            throw new IllegalArgumentException(flag + " must be >= " + (long) min + ", was " + v);
        }
        return d;
    }

    private static Duration duration(String v, String flag) {
        try {
            String s = v.trim().toLowerCase(Locale.ROOT);
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            return Duration.parse(v);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    flag + " must be a duration like 5s, was '" + v + "'");
        }
    }
}
