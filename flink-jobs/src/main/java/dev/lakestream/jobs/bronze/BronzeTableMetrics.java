package dev.lakestream.jobs.bronze;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The per-table metrics of bronze, kept by the operator that hands each table its rows (the CDC
 * router, or a REST or file source's splitter), in the group {@code bronze.table.<table>}:
 *
 * <ul>
 *   <li>{@code changes}: rows handed to the table's writers (Prometheus: {@code rate()} of it is
 *       changes/s);
 *   <li>{@code lastCommitAgeSeconds}: seconds since the newest bronze commit that carried rows of
 *       the table (-1 until the first in this run); it grows while the table gets no changes;
 *   <li>{@code commitLagMs}: for that commit, how far its newest row was behind its source commit
 *       (the row's {@code source_ts}): the lag of bronze behind the source.
 * </ul>
 *
 * <p>"Commit" is the completion of the checkpoint whose barrier followed the rows: the Iceberg
 * committer commits their files on that same notification. Metrics are not state: a restore starts
 * them afresh, and rows in flight at a failure are not counted twice by the committed gauges.
 */
public final class BronzeTableMetrics {

    public static final String GROUP = "bronze";
    public static final String TABLE = "table";

    private final LongSupplier clock;
    private final Map<String, PerTable> tables = new HashMap<>();
    private final MetricGroup group;
    private final NavigableMap<Long, Map<PerTable, Long>> atBarrier = new TreeMap<>();

    private BronzeTableMetrics(MetricGroup group, LongSupplier clock) {
        this.group = group;
        this.clock = clock;
    }

    /** Registers the metrics of {@code tables} (more can come later, at their first row). */
    public static BronzeTableMetrics register(
            MetricGroup operator, Collection<String> tables, LongSupplier clock) {
        BronzeTableMetrics metrics = new BronzeTableMetrics(operator, clock);
        tables.forEach(metrics::table);
        return metrics;
    }

    /** One row handed to {@code table}'s writers; {@code sourceMillis} 0 or less when unknown. */
    public void row(String table, long sourceMillis) {
        PerTable t = table(table);
        t.changes.inc();
        t.rowsSinceBarrier = true;
        if (sourceMillis > t.newestSinceBarrier) {
            t.newestSinceBarrier = sourceMillis;
        }
    }

    /** The barrier of {@code checkpointId} passes: the rows before it commit with it. */
    public void barrier(long checkpointId) {
        Map<PerTable, Long> newest = new HashMap<>();
        for (PerTable t : tables.values()) {
            if (t.rowsSinceBarrier) {
                newest.put(t, t.newestSinceBarrier);
                t.rowsSinceBarrier = false;
                t.newestSinceBarrier = 0;
            }
        }
        if (!newest.isEmpty()) {
            atBarrier.put(checkpointId, newest);
        }
    }

    /** {@code checkpointId} completed: its rows, and those of any earlier one, are committed. */
    public void committed(long checkpointId) {
        NavigableMap<Long, Map<PerTable, Long>> done = atBarrier.headMap(checkpointId, true);
        long now = clock.getAsLong();
        for (Map<PerTable, Long> newest : done.values()) {
            newest.forEach(
                    (t, sourceMillis) -> {
                        t.lastCommitMillis = now;
                        if (sourceMillis > 0) {
                            t.commitLagMs = Math.max(0, now - sourceMillis);
                        }
                    });
        }
        done.clear();
    }

    private PerTable table(String table) {
        return tables.computeIfAbsent(
                table, name -> new PerTable(group.addGroup(GROUP).addGroup(TABLE, name)));
    }

    private final class PerTable {
        final Counter changes;
        boolean rowsSinceBarrier;
        long newestSinceBarrier;
        volatile long lastCommitMillis = -1;
        volatile long commitLagMs = -1;

        PerTable(MetricGroup group) {
            changes = group.counter("changes");
            group.gauge(
                    "lastCommitAgeSeconds",
                    (Gauge<Long>)
                            () ->
                                    lastCommitMillis < 0
                                            ? -1L
                                            : (clock.getAsLong() - lastCommitMillis) / 1000);
            group.gauge("commitLagMs", (Gauge<Long>) () -> commitLagMs);
        }
    }
}
