package dev.lakestream.ops.reconcile;

import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.catalog.ReconciliationTables;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.apache.flink.util.TimeUtils;

/**
 * The options of {@code ./lakestream reconcile}, parsed once.
 *
 * @param every the pause between cycles, or null with {@code --once}
 * @param rangeSize width of a key range of the first key column
 * @param grace how long after reading silver the cycle waits before it reads bronze for changes in
 *     flight; must exceed the pipeline's lag (source commit to silver commit)
 * @param metricsPort where the Prometheus endpoint listens, if at all
 * @param resultsNamespace the namespace of the results table
 */
public record ReconcileOptions(
        Duration every,
        long rangeSize,
        Duration grace,
        OptionalInt metricsPort,
        String resultsNamespace) {

    public static final long DEFAULT_RANGE_SIZE = 10_000;
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(60);

    static final String USAGE =
            "usage: ./lakestream reconcile --config <transformation.properties>"
                    + " --source-config <ingestion.properties> (--once | --every <duration>)"
                    + " [options]\n"
                    + "  --once                 one cycle; exit 1 on drift, 0 when clean\n"
                    + "  --every <duration>     a cycle every <duration> (e.g. 5m) until SIGTERM\n"
                    + "  --range-size <n>       width of a key range of the first key column"
                    + " (default "
                    + DEFAULT_RANGE_SIZE
                    + ")\n"
                    + "  --grace <duration>     wait before reading bronze for changes in flight;"
                    + " above the pipeline's lag (default 60s)\n"
                    + "  --metrics-port <port>  serve Prometheus gauges on /metrics (default off)\n"
                    + "  --results-namespace <ns>  namespace of the results table (default "
                    + ReconciliationTables.DEFAULT_NAMESPACE
                    + ")";

    public boolean once() {
        return every == null;
    }

    public static ReconcileOptions parse(List<String> args) {
        Duration every = null;
        boolean once = false;
        long rangeSize = DEFAULT_RANGE_SIZE;
        Duration grace = DEFAULT_GRACE;
        OptionalInt port = OptionalInt.empty();
        String namespace = ReconciliationTables.DEFAULT_NAMESPACE;
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            switch (option) {
                case "--once" -> once = true;
                case "--every" ->
                        every = positive(option, duration(option, value(args, ++i, option)));
                case "--range-size" -> {
                    String v = value(args, ++i, option);
                    try {
                        rangeSize = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        throw new InvalidSettingException(option, "is not a number: '" + v + "'");
                    }
                    if (rangeSize < 1) {
                        throw new InvalidSettingException(option, "must be at least 1, was " + v);
                    }
                }
                case "--grace" -> grace = duration(option, value(args, ++i, option));
                case "--metrics-port" -> {
                    String v = value(args, ++i, option);
                    try {
                        int p = Integer.parseInt(v);
                        if (p < 0 || p > 65535) {
                            throw new NumberFormatException();
                        }
                        port = OptionalInt.of(p);
                    } catch (NumberFormatException e) {
                        throw new InvalidSettingException(
                                option, "is not a port (0-65535): '" + v + "'");
                    }
                }
                case "--results-namespace" -> namespace = value(args, ++i, option);
                default ->
                        throw new InvalidSettingException(
                                option, "is not an option of reconcile\n" + USAGE);
            }
        }
        if (once == (every != null)) {
            throw new InvalidSettingException(
                    "--once/--every", "give exactly one: --once, or --every <duration> (e.g. 5m)");
        }
        return new ReconcileOptions(every, rangeSize, grace, port, namespace);
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new InvalidSettingException(option, "needs a value");
        }
        return args.get(i);
    }

    private static Duration duration(String option, String text) {
        try {
            return TimeUtils.parseDuration(text);
        } catch (RuntimeException e) {
            throw new InvalidSettingException(
                    option, "is not a duration (e.g. 60s, 5m): '" + text + "'");
        }
    }

    private static Duration positive(String option, Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw new InvalidSettingException(option, "must be positive, was " + d);
        }
        return d;
    }
}
