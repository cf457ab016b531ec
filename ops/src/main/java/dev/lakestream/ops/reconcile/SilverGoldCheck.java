package dev.lakestream.ops.reconcile;

import dev.lakestream.catalog.GoldTables;
import dev.lakestream.catalog.SilverTables;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;

/**
 * Silver vs gold: {@code gold.sales_daily_metrics} against the same metrics recomputed from silver
 * orders, order lines and stores ({@link GoldFromSilver}), all four tables read at one checkpoint
 * of the TransformationJob ({@link CheckpointCut}), so there is nothing in flight between them.
 * Ranges are calendar months of sale_date; a differing month is diffed by (sale_date, store_id).
 * Keys of a store listed in {@code quarantine.gold_pending} are explained.
 */
final class SilverGoldCheck {

    static final String GOLD_TABLE = "sales_daily_metrics";

    private final Catalog catalog;
    private final String silverNamespace;
    private final String goldNamespace;
    private final PrintStream progress;
    private final Duration settle;

    SilverGoldCheck(
            Catalog catalog,
            String silverNamespace,
            String goldNamespace,
            Duration settle,
            PrintStream progress) {
        this.catalog = catalog;
        this.settle = settle;
        this.silverNamespace = silverNamespace;
        this.goldNamespace = goldNamespace;
        this.progress = progress;
    }

    List<RangeResult> run() {
        long started = System.nanoTime();
        Map<String, Table> tables = new LinkedHashMap<>();
        for (String source :
                List.of(SilverTables.STORES, SilverTables.ORDERS, SilverTables.ORDER_LINES)) {
            tables.put(
                    source,
                    catalog.loadTable(
                            SilverTables.definitionFor(silverNamespace, source).identifier()));
        }
        String goldName = goldNamespace + "." + GOLD_TABLE;
        tables.put(
                goldName,
                catalog.loadTable(GoldTables.salesDailyMetrics(goldNamespace).identifier()));
        Optional<CheckpointCut.Cut> cut = CheckpointCut.of(tables, Instant.now(), settle);
        Map<String, Long> snapshots = new LinkedHashMap<>();
        String at;
        if (cut.isPresent()) {
            snapshots.putAll(cut.get().snapshots());
            at =
                    "at checkpoint "
                            + cut.get().checkpoint()
                            + " of job "
                            + cut.get().job()
                            + " (the newest committed "
                            + settle.toSeconds()
                            + " s ago; newest of all: "
                            + cut.get().newest()
                            + ")";
        } else {
            // nothing to compare consistently yet (the job has just started): say so, no rows
            progress.printf(
                    "  silver vs gold   %-18s skipped: no checkpoint of the TransformationJob"
                            + " committed %d s ago yet%n",
                    goldName, settle.toSeconds());
            return List.of();
        }
        Map<RowKey, GoldFromSilver.Metrics> expected =
                GoldFromSilver.compute(
                        tables.get(SilverTables.STORES),
                        snapshots.get(SilverTables.STORES),
                        tables.get(SilverTables.ORDERS),
                        snapshots.get(SilverTables.ORDERS),
                        tables.get(SilverTables.ORDER_LINES),
                        snapshots.get(SilverTables.ORDER_LINES));
        Map<RowKey, GoldFromSilver.Metrics> actual =
                GoldFromSilver.gold(tables.get(goldName), snapshots.get(goldName));
        Quarantine quarantine = Quarantine.read(catalog, List.of());

        Map<YearMonth, RangeSummary> expectedMonths = months(expected);
        Map<YearMonth, RangeSummary> actualMonths = months(actual);
        Set<YearMonth> months = new TreeSet<>(expectedMonths.keySet());
        months.addAll(actualMonths.keySet());
        List<RangeResult> results = new ArrayList<>();
        int differ = 0;
        for (YearMonth month : months) {
            RangeSummary src = expectedMonths.getOrDefault(month, RangeSummary.EMPTY);
            RangeSummary dst = actualMonths.getOrDefault(month, RangeSummary.EMPTY);
            KeyDiff diff = new KeyDiff(SilverGoldCheck::render);
            String detail = at;
            if (!src.equals(dst)) {
                differ++;
                Set<RowKey> keys = new TreeSet<>();
                keys.addAll(inMonth(expected, month).keySet());
                keys.addAll(inMonth(actual, month).keySet());
                for (RowKey k : keys) {
                    GoldFromSilver.Metrics e = expected.get(k);
                    GoldFromSilver.Metrics a = actual.get(k);
                    if (e != null && a != null && e.text().equals(a.text())) {
                        continue;
                    }
                    if (quarantine.storePending(k.values().get(1))) {
                        diff.explained.add(k);
                    } else {
                        diff.drift(k, e != null, a != null);
                    }
                }
                detail = diff.detail() + "; " + at;
            }
            results.add(
                    new RangeResult(
                            RangeResult.SILVER_GOLD,
                            goldName,
                            goldName
                                    + " sale_date ["
                                    + month.atDay(1)
                                    + ", "
                                    + month.atEndOfMonth()
                                    + "]",
                            month.atDay(1).toString(),
                            month.atEndOfMonth().toString(),
                            src,
                            dst,
                            diff.status(),
                            diff.drift.size(),
                            diff.examples(),
                            detail));
        }
        progress.printf(
                "  silver vs gold   %-18s %5d ranges, %d differ (%.1f s; %s)%n",
                goldName, months.size(), differ, (System.nanoTime() - started) / 1e9, at);
        return results;
    }

    private static Map<YearMonth, RangeSummary> months(Map<RowKey, GoldFromSilver.Metrics> rows) {
        Map<YearMonth, RangeSummary> months = new TreeMap<>();
        rows.forEach(
                (k, m) ->
                        months.merge(
                                YearMonth.from(LocalDate.ofEpochDay(k.first())),
                                RangeSummary.EMPTY.plus(RowHash.of(render(k) + "|" + m.text())),
                                (a, b) ->
                                        new RangeSummary(
                                                a.rows() + b.rows(), a.checksum() + b.checksum())));
        return months;
    }

    private static Map<RowKey, GoldFromSilver.Metrics> inMonth(
            Map<RowKey, GoldFromSilver.Metrics> rows, YearMonth month) {
        Map<RowKey, GoldFromSilver.Metrics> in = new TreeMap<>();
        rows.forEach(
                (k, m) -> {
                    if (YearMonth.from(LocalDate.ofEpochDay(k.first())).equals(month)) {
                        in.put(k, m);
                    }
                });
        return in;
    }

    /** A gold key as {@code 2025-03-03/store 2}. */
    static String render(RowKey key) {
        return LocalDate.ofEpochDay(key.first()) + "/store " + key.values().get(1);
    }
}
