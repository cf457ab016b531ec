package dev.lakestream.ops.reconcile;

import dev.lakestream.catalog.SilverTables;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Source vs silver for every shop table, on the closed part only.
 *
 * <pre>
 *  T0  open one PostgreSQL snapshot (REPEATABLE READ, READ ONLY)
 *   |  per table: rows + checksum per key range, server-side
 *   |  per table: silver's current snapshot, rows + checksum per key range, in Java   (R)
 *   |  ranges that differ: their rows on both sides, diffed by key
 *   |  (only when a key differs) wait until R + grace
 *   |  bronze rows ingested since T0 - grace: their keys are in flight
 *   |  quarantine: keys with an open silver reject are explained
 *   v  everything else that differs is drift
 * </pre>
 *
 * <p>Why this has no false drift while the workload runs: a key differs only if a change of it was
 * committed at the source after the pipeline's lag before R, or after T0; both times are after T0 -
 * grace when the lag is below the grace, and by R + grace that change is in bronze with an {@code
 * ingest_ts} after T0 - grace. The cost: a missed change newer than T0 - grace is not seen in this
 * cycle, only in the next one.
 */
final class SourceSilverCheck {

    /** What the check needs to know; {@code jdbc} names the source, never printed. */
    record Settings(
            String jdbcUrl,
            Properties jdbcProperties,
            String silverNamespace,
            String bronzeNamespace,
            long rangeSize,
            Duration grace) {}

    /** The ranges of one cycle and its cost. */
    record Outcome(
            List<RangeResult> ranges, long sourceRows, long silverRowsRead, Duration waited) {}

    private final Catalog catalog;
    private final Settings settings;
    private final Clock clock;
    private final PrintStream progress;

    SourceSilverCheck(Catalog catalog, Settings settings, Clock clock, PrintStream progress) {
        this.catalog = catalog;
        this.settings = settings;
        this.clock = clock;
        this.progress = progress;
    }

    /** The shop tables silver has a table for: the PostgreSQL ones, not the REST or file feeds. */
    static List<CanonicalRow> shopTables() {
        List<CanonicalRow> rows = new ArrayList<>();
        for (String table : SilverTables.sourceTables()) {
            if (!table.equals(SilverTables.EXCHANGE_RATES)
                    && !table.equals(SilverTables.FOOT_TRAFFIC)) {
                rows.add(CanonicalRow.of(table));
            }
        }
        return rows;
    }

    Outcome run(Instant t0) throws Exception {
        List<CanonicalRow> tables = shopTables();
        long width = settings.rangeSize();
        Map<String, Map<Long, RangeSummary>> sourceRanges = new LinkedHashMap<>();
        Map<String, Map<Long, RangeSummary>> silverRanges = new LinkedHashMap<>();
        Map<String, Map<RowKey, Long>> sourceDiffRows = new TreeMap<>();
        Map<String, Map<RowKey, SilverSnapshot.SilverRow>> silverDiffRows = new TreeMap<>();
        Map<String, Set<Long>> differing = new LinkedHashMap<>();
        long sourceRows = 0;
        long[] silverRead = {0};
        Instant silverReadAt;
        try (SourceSnapshot source =
                SourceSnapshot.open(settings.jdbcUrl(), settings.jdbcProperties())) {
            Map<String, Long> sourceMillis = new LinkedHashMap<>();
            for (CanonicalRow row : tables) {
                long started = System.nanoTime();
                Map<Long, RangeSummary> ranges = source.ranges(row, width);
                sourceMillis.put(row.sourceTable(), (System.nanoTime() - started) / 1_000_000);
                sourceRanges.put(row.sourceTable(), ranges);
                sourceRows += ranges.values().stream().mapToLong(RangeSummary::rows).sum();
            }
            Map<String, SilverSnapshot> silver = new LinkedHashMap<>();
            for (CanonicalRow row : tables) {
                SilverSnapshot snapshot = new SilverSnapshot(catalog.loadTable(silverId(row)), row);
                silver.put(row.sourceTable(), snapshot);
            }
            silverReadAt = clock.instant();
            for (CanonicalRow row : tables) {
                String table = row.sourceTable();
                long started = System.nanoTime();
                silverRanges.put(table, silver.get(table).ranges(width, silverRead));
                long silverMillis = (System.nanoTime() - started) / 1_000_000;
                Set<Long> indices = new TreeSet<>(sourceRanges.get(table).keySet());
                indices.addAll(silverRanges.get(table).keySet());
                Set<Long> differ = new TreeSet<>();
                for (long i : indices) {
                    if (!sourceRanges
                            .get(table)
                            .getOrDefault(i, RangeSummary.EMPTY)
                            .equals(silverRanges.get(table).getOrDefault(i, RangeSummary.EMPTY))) {
                        differ.add(i);
                    }
                }
                differing.put(table, differ);
                started = System.nanoTime();
                Map<RowKey, Long> src = new TreeMap<>();
                Map<RowKey, SilverSnapshot.SilverRow> dst = new TreeMap<>();
                for (long i : differ) {
                    KeyRange range = new KeyRange(table, row.keyColumns().get(0), i, width);
                    src.putAll(source.rows(row, range));
                    dst.putAll(silver.get(table).rows(range));
                }
                sourceDiffRows.put(table, src);
                silverDiffRows.put(table, dst);
                progress.printf(
                        "  source vs silver %-18s %5d ranges, %d differ (PostgreSQL %.1f s,"
                                + " silver %.1f s, rows of differing ranges %.1f s)%n",
                        table,
                        indices.size(),
                        differ.size(),
                        sourceMillis.get(table) / 1000.0,
                        silverMillis / 1000.0,
                        (System.nanoTime() - started) / 1e9);
            }
        }
        boolean anyDiffer = differing.values().stream().anyMatch(s -> !s.isEmpty());
        Duration waited = Duration.ZERO;
        Map<String, Set<RowKey>> inFlight = new LinkedHashMap<>();
        Map<String, Boolean> truncated = new LinkedHashMap<>();
        Quarantine quarantine = null;
        if (anyDiffer) {
            Instant until = silverReadAt.plus(settings.grace());
            Instant now = clock.instant();
            if (now.isBefore(until)) {
                waited = Duration.between(now, until);
                progress.printf(
                        "  ranges differ: waiting %d s (--grace) for changes in flight to reach"
                                + " bronze%n",
                        waited.toSeconds());
                Thread.sleep(waited.toMillis());
            }
            for (CanonicalRow row : tables) {
                if (!differing.get(row.sourceTable()).isEmpty()) {
                    boolean[] t = {false};
                    inFlight.put(
                            row.sourceTable(),
                            InFlightKeys.read(
                                    catalog,
                                    settings.bronzeNamespace(),
                                    row,
                                    t0.minus(settings.grace()),
                                    t));
                    truncated.put(row.sourceTable(), t[0]);
                }
            }
            quarantine = Quarantine.read(catalog, tables);
        }

        List<RangeResult> results = new ArrayList<>();
        for (CanonicalRow row : tables) {
            String table = row.sourceTable();
            Set<Long> indices = new TreeSet<>(sourceRanges.get(table).keySet());
            indices.addAll(silverRanges.get(table).keySet());
            for (long i : indices) {
                KeyRange range = new KeyRange(table, row.keyColumns().get(0), i, width);
                RangeSummary src = sourceRanges.get(table).getOrDefault(i, RangeSummary.EMPTY);
                RangeSummary dst = silverRanges.get(table).getOrDefault(i, RangeSummary.EMPTY);
                KeyDiff diff = new KeyDiff();
                String detail = null;
                if (differing.get(table).contains(i)) {
                    classify(
                            table,
                            range,
                            sourceDiffRows.get(table),
                            silverDiffRows.get(table),
                            inFlight.get(table),
                            quarantine,
                            diff);
                    detail = diff.detail();
                    if (Boolean.TRUE.equals(truncated.get(table))) {
                        detail += "; a TRUNCATE of the table is in bronze since T0 - grace";
                    }
                }
                results.add(
                        new RangeResult(
                                RangeResult.SOURCE_SILVER,
                                table,
                                range.name(),
                                Long.toString(range.start()),
                                Long.toString(range.end()),
                                src,
                                dst,
                                diff.status(),
                                diff.drift.size(),
                                diff.examples(),
                                detail));
            }
        }
        return new Outcome(results, sourceRows, silverRead[0], waited);
    }

    private static void classify(
            String table,
            KeyRange range,
            Map<RowKey, Long> source,
            Map<RowKey, SilverSnapshot.SilverRow> silver,
            Set<RowKey> inFlight,
            Quarantine quarantine,
            KeyDiff diff) {
        Set<RowKey> keys = new TreeSet<>();
        for (RowKey k : source.keySet()) {
            if (k.first() >= range.start() && k.first() <= range.end()) {
                keys.add(k);
            }
        }
        for (RowKey k : silver.keySet()) {
            if (k.first() >= range.start() && k.first() <= range.end()) {
                keys.add(k);
            }
        }
        for (RowKey k : keys) {
            Long src = source.get(k);
            SilverSnapshot.SilverRow dst = silver.get(k);
            if (src != null && dst != null && src == dst.hash()) {
                continue;
            }
            if (inFlight.contains(k)) {
                diff.inFlight.add(k);
            } else if (quarantine.openReject(table, k, dst == null ? null : dst.lsn())) {
                diff.explained.add(k);
            } else {
                diff.drift(k, src != null, dst != null);
            }
        }
    }

    private TableIdentifier silverId(CanonicalRow row) {
        return TableIdentifier.of(
                Namespace.of(settings.silverNamespace()),
                SilverTables.definitionFor(settings.silverNamespace(), row.sourceTable())
                        .identifier()
                        .name());
    }
}
