package dev.lakestream.ops.reconcile;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.catalog.Catalog;

/**
 * One reconciliation cycle: source vs silver ({@link SourceSilverCheck}), silver vs gold ({@link
 * SilverGoldCheck}), one commit to the results table ({@link ReconciliationLog}), the gauges
 * ({@link ReconcileMetrics}) and a short report.
 */
final class ReconcileCycle {

    /** One cycle's outcome. */
    record Report(
            String runId,
            Instant runAt,
            List<RangeResult> ranges,
            Duration took,
            long sourceRows,
            long silverRowsRead,
            Duration waited) {

        boolean drift() {
            return ranges.stream().anyMatch(r -> r.status() == RangeResult.Status.DRIFT);
        }

        /** Per check and table, the first drifting range in key order. */
        Map<String, RangeResult> firstDrift() {
            Map<String, RangeResult> first = new LinkedHashMap<>();
            for (RangeResult r : ranges) {
                if (r.status() == RangeResult.Status.DRIFT) {
                    first.putIfAbsent(r.check() + " " + r.table(), r);
                }
            }
            return first;
        }
    }

    private final Catalog catalog;
    private final SourceSilverCheck.Settings settings;
    private final String goldNamespace;
    private final ReconciliationLog log;
    private final ReconcileMetrics metrics;
    private final Clock clock;
    private final PrintStream out;

    ReconcileCycle(
            Catalog catalog,
            SourceSilverCheck.Settings settings,
            String goldNamespace,
            ReconciliationLog log,
            ReconcileMetrics metrics,
            Clock clock,
            PrintStream out) {
        this.catalog = catalog;
        this.settings = settings;
        this.goldNamespace = goldNamespace;
        this.log = log;
        this.metrics = metrics;
        this.clock = clock;
        this.out = out;
    }

    Report run() throws Exception {
        Instant t0 = clock.instant();
        String runId = t0 + "-" + UUID.randomUUID().toString().substring(0, 8);
        out.printf("reconcile %s%n", runId);
        SourceSilverCheck.Outcome sourceSilver =
                new SourceSilverCheck(catalog, settings, clock, out).run(t0);
        List<RangeResult> ranges = new ArrayList<>(sourceSilver.ranges());
        ranges.addAll(
                new SilverGoldCheck(
                                catalog,
                                settings.silverNamespace(),
                                goldNamespace,
                                settings.grace(),
                                out)
                        .run());
        log.append(runId, t0, ranges);
        Duration took = Duration.between(t0, clock.instant());
        Report report =
                new Report(
                        runId,
                        t0,
                        List.copyOf(ranges),
                        took,
                        sourceSilver.sourceRows(),
                        sourceSilver.silverRowsRead(),
                        sourceSilver.waited());
        metrics.record(t0, took, report.ranges());
        print(report);
        return report;
    }

    private void print(Report report) {
        Map<RangeResult.Status, Long> counts = new LinkedHashMap<>();
        for (RangeResult.Status s : RangeResult.Status.values()) {
            counts.put(s, 0L);
        }
        report.ranges().forEach(r -> counts.merge(r.status(), 1L, Long::sum));
        StringBuilder s = new StringBuilder("  ranges:");
        counts.forEach((status, n) -> s.append(' ').append(n).append(' ').append(status.label()));
        out.println(s);
        for (RangeResult r : report.ranges()) {
            if (r.status() == RangeResult.Status.EXPLAINED
                    || r.status() == RangeResult.Status.IN_FLIGHT) {
                out.printf(
                        "  %-9s %s: %s (%s)%n",
                        r.status().label(), r.rangeName(), r.firstKeys(), r.detail());
            }
        }
        report.firstDrift()
                .forEach(
                        (what, r) ->
                                out.printf(
                                        "  DRIFT %s: first differing range %s, %d keys, e.g. %s%n",
                                        what, r.rangeName(), r.keysDiffering(), r.firstKeys()));
        out.printf(
                "  %s in %.1f s (waited %d s for changes in flight; %d source rows checksummed,"
                        + " %d silver rows read)%n",
                report.drift() ? "DRIFT" : "clean",
                report.took().toMillis() / 1000.0,
                report.waited().toSeconds(),
                report.sourceRows(),
                report.silverRowsRead());
    }
}
