package dev.lakestream.jobs.transformation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.catalog.SilverTables;
import dev.lakestream.jobs.bronze.RecordBronzeMapper;
import dev.lakestream.jobs.changelog.BronzeChangeParser;
import dev.lakestream.jobs.changelog.ChangeEvent;
import dev.lakestream.jobs.changelog.LsnOrderedApplier;
import dev.lakestream.jobs.changelog.RowChange;
import dev.lakestream.jobs.gold.DailyVisitors;
import dev.lakestream.jobs.gold.GoldTopology;
import dev.lakestream.jobs.gold.LocalVisitDate;
import dev.lakestream.jobs.gold.SalesDailyMetrics;
import dev.lakestream.jobs.gold.VisitorCount;
import dev.lakestream.jobs.silver.SilverTopology;
import dev.lakestream.jobs.source.SourceRecord;
import dev.lakestream.jobs.source.files.LandedFiles;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gold {@code visitors} equals silver's sum of hours per store-local date, after every change, when
 * door-counter files supersede each other's hours.
 *
 * <pre>
 *  landing files --(real file reader: sequence = last-modified second * 10^9 + line)--> records
 *    --RecordBronzeMapper, BronzeChangeParser--> [LsnOrderedApplier] --> [SilverTopology.Cleanser]
 *    --+--> silver model: what the upserting Iceberg sink keeps (+I/+U by key, -D deletes, -U none)
 *      +--> [LocalVisitDate] --> [DailyVisitors] --> gold visitors per (local date, store)
 *  stores (time zone, sometimes late, sometimes changed) --> silver model, [LocalVisitDate]
 * </pre>
 *
 * Files land with lines refused by ingestion (wrong field count) and by silver's rules (negative or
 * non-integer visitors, an hour not on the hour, an unusable store id), several files share a
 * last-modified second, and everything reaches silver in a shuffled order with replays, as split
 * reads of bronze deliver it. Each seed is one reproducible scenario.
 */
class VisitorsEqualSilverTest {

    private static final Instant DAY = Instant.parse("2026-11-29T00:00:00Z");
    private static final long LANDED = Instant.parse("2026-12-01T06:00:00Z").toEpochMilli();
    private static final List<String> ZONES =
            List.of(
                    "America/Los_Angeles",
                    "Asia/Tokyo",
                    "Europe/Paris",
                    "Pacific/Kiritimati",
                    "Pacific/Pago_Pago",
                    "UTC");
    private static final List<Long> STORES = List.of(3L, 5L, 8L);
    private static final String HEADER = "store_id,hour_start,visitors\n";

    private static final RecordBronzeMapper BRONZE = new RecordBronzeMapper(() -> LANDED);
    private static final BronzeChangeParser PARSER = new BronzeChangeParser();

    @Test
    void aRefusedLineSupersededByALaterFileIsNotCountedTwice() throws Exception {
        // the case reported: the later file's 603 wins in silver (600 + 603 = 1203), and the
        // retraction of the refused -5 must not add 5 to gold
        String h18 = "2026-11-29T18:00:00Z";
        String h19 = "2026-11-29T19:00:00Z";
        LandedFiles landing = new LandedFiles();
        List<ChangeEvent> first =
                events(
                        landing.read(
                                "a.csv",
                                HEADER + "3," + h18 + ",600\n3," + h19 + ",-5\nnot,a,valid,row\n",
                                LANDED));
        List<ChangeEvent> second =
                events(landing.read("b.csv", HEADER + "3," + h19 + ",603\n", LANDED + 4_000));

        try (Pipeline p = new Pipeline()) {
            p.store(store(RowKind.INSERT, 1, 3, "America/Los_Angeles"));
            first.forEach(p::line);
            second.forEach(p::line);

            assertThat(p.silverSums()).containsExactly(Map.entry("2026-11-29|3", 1203L));
            assertThat(p.goldVisitors()).isEqualTo(p.silverSums());
        }
    }

    @Test
    void aRefusedLineSupersedingACountedHourLeavesTheCountAsSilverKeepsIt() throws Exception {
        String h18 = "2026-11-29T18:00:00Z";
        LandedFiles landing = new LandedFiles();
        List<ChangeEvent> first =
                events(landing.read("a.csv", HEADER + "3," + h18 + ",40\n", LANDED));
        List<ChangeEvent> second =
                events(landing.read("b.csv", HEADER + "3," + h18 + ",-5\n", LANDED + 3_000));

        try (Pipeline p = new Pipeline()) {
            p.store(store(RowKind.INSERT, 1, 3, "America/Los_Angeles"));
            first.forEach(p::line);
            second.forEach(p::line);

            assertThat(p.silverSums()).containsExactly(Map.entry("2026-11-29|3", 40L));
            assertThat(p.goldVisitors()).isEqualTo(p.silverSums());
        }
    }

    static LongStream seeds() {
        return LongStream.range(0, 200);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void goldVisitorsEqualSilverAfterEveryChange(long seed) throws Exception {
        Random random = new Random(seed);
        List<Step> steps = scenario(random);
        int restartAt = random.nextInt(steps.size() + 1);
        try (Pipeline p = new Pipeline()) {
            for (int i = 0; i < steps.size(); i++) {
                if (i == restartAt) {
                    p.restart();
                }
                Step step = steps.get(i);
                if (step.store() != null) {
                    p.store(step.store());
                } else {
                    p.line(step.line());
                }
                assertThat(p.goldVisitors())
                        .as("seed %d, after step %d of %d: %s", seed, i, steps.size(), step)
                        .isEqualTo(p.silverSums());
            }
        }
    }

    // --- the scenario ----------------------------------------------------------------------

    /** One input: a foot-traffic change read back from bronze, or a change of a store. */
    private record Step(ChangeEvent line, RowChange store) {
        @Override
        public String toString() {
            return line != null ? line.toString() : store.toString();
        }
    }

    private static List<Step> scenario(Random random) throws Exception {
        LandedFiles landing = new LandedFiles();
        List<Step> steps = new ArrayList<>();
        int files = 2 + random.nextInt(5);
        for (int f = 0; f < files; f++) {
            // a few seconds apart, often within the same second
            long modified = LANDED + random.nextInt(4) * 1_000L + random.nextInt(1_000);
            StringBuilder text = new StringBuilder(HEADER);
            int lines = 1 + random.nextInt(12);
            for (int l = 0; l < lines; l++) {
                text.append(line(random)).append('\n');
            }
            for (ChangeEvent e :
                    events(landing.read("counts-" + f + ".csv", text.toString(), modified))) {
                steps.add(new Step(e, null));
            }
        }
        // split reads and restarts: any order, some twice
        java.util.Collections.shuffle(steps, random);
        int replays = random.nextInt(4);
        for (int r = 0; r < replays && !steps.isEmpty(); r++) {
            Step again = steps.get(random.nextInt(steps.size()));
            steps.add(random.nextInt(steps.size() + 1), again);
        }
        // stores arrive anywhere, before or after their hours; some move time zone later
        long lsn = 1;
        for (long store : STORES) {
            if (random.nextInt(6) == 0) {
                continue; // a store never seen: its hours wait, silver cannot date them either
            }
            String zone = ZONES.get(random.nextInt(ZONES.size()));
            int at = random.nextInt(steps.size() + 1);
            steps.add(at, new Step(null, store(RowKind.INSERT, lsn++, store, zone)));
            if (random.nextInt(3) == 0) {
                String moved = ZONES.get(random.nextInt(ZONES.size()));
                int later = at + 1 + random.nextInt(steps.size() - at);
                steps.add(later, new Step(null, store(RowKind.UPDATE_BEFORE, lsn, store, zone)));
                steps.add(
                        later + 1,
                        new Step(null, store(RowKind.UPDATE_AFTER, lsn++, store, moved)));
            }
        }
        return steps;
    }

    /** A door-counter line: mostly good, some refused by ingestion or by silver's rules. */
    private static String line(Random random) {
        long store = STORES.get(random.nextInt(STORES.size()));
        Instant hour = DAY.plusSeconds(3600L * 3 * random.nextInt(8) + 3600L * random.nextInt(2));
        int kind = random.nextInt(100);
        if (kind < 65) {
            return store + "," + hour + "," + random.nextInt(1_000);
        } else if (kind < 75) {
            return store + "," + hour + ",-" + (1 + random.nextInt(20)); // visitors.non_negative
        } else if (kind < 80) {
            return store + "," + hour + "," + (random.nextBoolean() ? "12.5" : "many"); // type
        } else if (kind < 88) {
            return store + "," + hour; // refused by ingestion: two fields, header has three
        } else if (kind < 94) {
            return store + "," + hour.plusSeconds(1800) + ",7"; // hour_start.hour
        } else {
            return "x," + hour + ",7"; // no usable store id: a key of its own
        }
    }

    /** The good records of a file as silver reads them back from bronze. */
    private static List<ChangeEvent> events(List<SourceRecord> records) {
        List<ChangeEvent> events = new ArrayList<>();
        for (SourceRecord r : records) {
            if (!r.rejected()) {
                events.add(PARSER.parse(BRONZE.toBronze(r)));
            }
        }
        return events;
    }

    private static RowChange store(RowKind kind, long lsn, long storeId, String zone) {
        return new RowChange(
                kind,
                SilverTables.STORES,
                "{\"store_id\":" + storeId + "}",
                lsn,
                Map.of("store_id", storeId, "time_zone", zone, "currency", "USD"));
    }

    // --- the operators, wired by hand ------------------------------------------------------

    /**
     * Silver's applier and cleanser, gold's store-local visit date and daily visitors, each in its
     * harness; what leaves one is handed to the next at once. Beside them, a model of the silver
     * tables as the upserting Iceberg sinks keep them.
     */
    private static final class Pipeline implements AutoCloseable {

        private KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, RowChange> applier;
        private final OneInputStreamOperatorTestHarness<RowChange, RowChange> cleanser;
        private KeyedTwoInputStreamOperatorTestHarness<Long, RowChange, RowChange, VisitorCount>
                visitDates;
        private KeyedTwoInputStreamOperatorTestHarness<
                        String, SalesDailyMetrics, VisitorCount, SalesDailyMetrics>
                daily;

        /** silver.store_foot_traffic: key to image. */
        private final Map<String, Map<String, Object>> silverHours = new HashMap<>();

        /** silver.stores: store to time zone. */
        private final Map<Long, String> silverZones = new HashMap<>();

        /** Gold: the visitors of the latest row of each (date, store). */
        private final Map<String, Long> gold = new HashMap<>();

        Pipeline() throws Exception {
            applier = applier(null);
            cleanser =
                    new OneInputStreamOperatorTestHarness<>(
                            new ProcessOperator<>(SilverTopology.cleanser()));
            cleanser.open();
            visitDates = visitDates(null);
            daily = daily(null);
            // a day of orders on every date an hour can fall on, so every day has a gold row
            for (LocalDate d = LocalDate.of(2026, 11, 27);
                    d.isBefore(LocalDate.of(2026, 12, 2));
                    d = d.plusDays(1)) {
                for (long store : STORES) {
                    daily.processElement1(new StreamRecord<>(metrics(d.toString(), store)));
                }
            }
            drain(daily);
        }

        void line(ChangeEvent event) {
            try {
                applier.processElement(new StreamRecord<>(event));
                for (RowChange change : drain(applier)) {
                    cleanser.processElement(new StreamRecord<>(change));
                    for (RowChange clean : drain(cleanser)) {
                        silver(clean);
                        visitDates.processElement2(new StreamRecord<>(clean));
                        counted();
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        void store(RowChange store) throws Exception {
            if (store.kind.equals("+I") || store.kind.equals("+U")) {
                silverZones.put(store.longValue("store_id", -1), store.text("time_zone"));
            }
            visitDates.processElement1(new StreamRecord<>(store));
            counted();
        }

        private void counted() throws Exception {
            for (VisitorCount count : drain(visitDates)) {
                daily.processElement2(new StreamRecord<>(count));
                for (SalesDailyMetrics m : drain(daily)) {
                    gold.put(m.groupKey(), m.visitors == null ? 0L : m.visitors);
                }
            }
        }

        /** What the upserting sink makes of a cleansed change (-U writes nothing there). */
        private void silver(RowChange change) {
            switch (change.kind) {
                case "+I", "+U" -> silverHours.put(change.key, change.values);
                case "-D" -> silverHours.remove(change.key);
                default -> {}
            }
        }

        /** Silver's visitors per (store-local date, store), for the stores silver knows. */
        Map<String, Long> silverSums() {
            Map<String, Long> sums = new TreeMap<>();
            for (Map<String, Object> hour : silverHours.values()) {
                long store = (Long) hour.get("store_id");
                String zone = silverZones.get(store);
                if (zone == null) {
                    continue;
                }
                LocalDate date =
                        ((Instant) hour.get("hour_start")).atZone(ZoneId.of(zone)).toLocalDate();
                Integer visitors = (Integer) hour.get("visitors");
                long v = visitors == null ? 0 : visitors;
                sums.merge(date + "|" + store, v, Long::sum);
            }
            sums.values().removeIf(v -> v == 0);
            return sums;
        }

        /** Gold's visitors per (date, store), days without visitors left out. */
        Map<String, Long> goldVisitors() {
            Map<String, Long> visitors = new TreeMap<>(gold);
            visitors.values().removeIf(v -> v == 0);
            return visitors;
        }

        /** Snapshot every stateful operator and carry on in fresh ones restored from it. */
        void restart() throws Exception {
            OperatorSubtaskState a = applier.snapshot(1, 1);
            OperatorSubtaskState v = visitDates.snapshot(1, 1);
            OperatorSubtaskState d = daily.snapshot(1, 1);
            applier.close();
            visitDates.close();
            daily.close();
            applier = applier(a);
            visitDates = visitDates(v);
            daily = daily(d);
        }

        @Override
        public void close() throws Exception {
            applier.close();
            cleanser.close();
            visitDates.close();
            daily.close();
        }

        private static KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, RowChange>
                applier(OperatorSubtaskState restore) throws Exception {
            var h =
                    new KeyedOneInputStreamOperatorTestHarness<>(
                            new KeyedProcessOperator<>(new LsnOrderedApplier()),
                            (ChangeEvent e) -> e.table + e.key,
                            Types.STRING);
            return opened(h, restore);
        }

        private static KeyedTwoInputStreamOperatorTestHarness<
                        Long, RowChange, RowChange, VisitorCount>
                visitDates(OperatorSubtaskState restore) throws Exception {
            var h =
                    new KeyedTwoInputStreamOperatorTestHarness<>(
                            new KeyedCoProcessOperator<>(new LocalVisitDate()),
                            GoldTopology::storeId,
                            GoldTopology::storeId,
                            Types.LONG);
            return opened(h, restore);
        }

        private static KeyedTwoInputStreamOperatorTestHarness<
                        String, SalesDailyMetrics, VisitorCount, SalesDailyMetrics>
                daily(OperatorSubtaskState restore) throws Exception {
            var h =
                    new KeyedTwoInputStreamOperatorTestHarness<>(
                            new KeyedCoProcessOperator<>(new DailyVisitors()),
                            SalesDailyMetrics::groupKey,
                            VisitorCount::groupKey,
                            Types.STRING);
            return opened(h, restore);
        }

        private static <H extends AbstractStreamOperatorTestHarness<?>> H opened(
                H harness, OperatorSubtaskState restore) throws Exception {
            if (restore != null) {
                harness.initializeState(restore);
            }
            harness.open();
            return harness;
        }

        private static <T> List<T> drain(AbstractStreamOperatorTestHarness<T> harness) {
            List<T> out = harness.extractOutputValues();
            harness.getOutput().clear();
            return out;
        }
    }

    private static SalesDailyMetrics metrics(String date, long store) {
        SalesDailyMetrics m = new SalesDailyMetrics();
        m.saleDate = date;
        m.storeId = store;
        m.currency = "USD";
        m.orderCount = 1;
        m.itemsSold = 1;
        m.grossRevenue = new BigDecimal("10.00");
        m.discounts = new BigDecimal("0.00");
        m.netRevenue = new BigDecimal("10.00");
        m.distinctCustomers = 1;
        m.version = 1;
        m.updatedAt = "2026-11-29T10:00:00Z";
        return m;
    }
}
