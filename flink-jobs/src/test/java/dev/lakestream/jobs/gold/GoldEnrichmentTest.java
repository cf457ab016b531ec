package dev.lakestream.jobs.gold;

import static dev.lakestream.jobs.gold.GoldTestChanges.store;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.jobs.changelog.RowChange;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;

/**
 * The gold stages after the daily aggregate: visitors per store-local date, the conversion rate,
 * and net revenue in the reporting currency, including a rate that arrives after the sales it
 * converts, and each stage's state surviving snapshot and restore.
 */
class GoldEnrichmentTest {

    // --- LocalVisitDate --------------------------------------------------------------------

    private static KeyedTwoInputStreamOperatorTestHarness<Long, RowChange, RowChange, VisitorCount>
            visitDates() throws Exception {
        var h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new LocalVisitDate()),
                        (RowChange s) -> s.longValue("store_id", -1),
                        (RowChange f) -> f.longValue("store_id", -1),
                        Types.LONG);
        h.open();
        return h;
    }

    private static RowChange hour(RowKind kind, long lsn, long store, String start, int visitors) {
        return new RowChange(
                kind,
                "files.foot_traffic",
                "{\"store_id\":" + store + ",\"hour_start\":\"" + start + "\"}",
                lsn,
                Map.of(
                        "store_id", store,
                        "hour_start", Instant.parse(start),
                        "visitors", visitors));
    }

    @Test
    void anHourCountsOnTheStoresLocalDateAndACorrectionAddsTheDifference() throws Exception {
        var h = visitDates();
        // 07:00 UTC on the 30th is 23:00 on the 29th in Los Angeles
        h.processElement2(
                new StreamRecord<>(hour(RowKind.INSERT, 10, 3, "2026-11-30T07:00:00Z", 40)));
        assertThat(h.extractOutputValues()).as("waits for the store").isEmpty();
        h.processElement1(
                new StreamRecord<>(store(RowKind.INSERT, 1, 3, "America/Los_Angeles", "USD")));
        h.processElement2(
                new StreamRecord<>(hour(RowKind.UPDATE_BEFORE, 11, 3, "2026-11-30T07:00:00Z", 40)));
        h.processElement2(
                new StreamRecord<>(hour(RowKind.UPDATE_AFTER, 11, 3, "2026-11-30T07:00:00Z", 45)));

        assertThat(h.extractOutputValues())
                .extracting(VisitorCount::toString)
                .containsExactly(
                        "2026-11-29 store 3 visitors +40", "2026-11-29 store 3 visitors +5");
        h.close();
    }

    @Test
    void aRetractionTakesBackWhatWasCountedNotItsImage() throws Exception {
        var h = visitDates();
        h.processElement1(
                new StreamRecord<>(store(RowKind.INSERT, 1, 3, "America/Los_Angeles", "USD")));
        // silver's rules refused the -5 (so no +I reached gold), then a later file corrected it:
        // the applier retracts the refused image it holds
        h.processElement2(
                new StreamRecord<>(hour(RowKind.UPDATE_BEFORE, 11, 3, "2026-11-30T07:00:00Z", -5)));
        h.processElement2(
                new StreamRecord<>(hour(RowKind.UPDATE_AFTER, 11, 3, "2026-11-30T07:00:00Z", 45)));
        // a later line refused again: only its retraction of the 45 arrives, silver keeps 45
        h.processElement2(
                new StreamRecord<>(hour(RowKind.UPDATE_BEFORE, 12, 3, "2026-11-30T07:00:00Z", 45)));
        // and a delete of an hour never counted takes nothing back
        h.processElement2(
                new StreamRecord<>(hour(RowKind.DELETE, 13, 3, "2026-11-30T08:00:00Z", 9)));

        assertThat(h.extractOutputValues())
                .extracting(VisitorCount::toString)
                .containsExactly("2026-11-29 store 3 visitors +45");
        h.close();
    }

    @Test
    void hoursMoveToTheirNewDatesWhenTheStoreMovesTimeZoneAndSurviveARestore() throws Exception {
        var h = visitDates();
        h.processElement2(
                new StreamRecord<>(hour(RowKind.INSERT, 10, 3, "2026-11-30T07:00:00Z", 40)));
        h.processElement2(
                new StreamRecord<>(hour(RowKind.INSERT, 11, 3, "2026-11-30T09:00:00Z", 2)));
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();
        var restored =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new LocalVisitDate()),
                        (RowChange s) -> s.longValue("store_id", -1),
                        (RowChange f) -> f.longValue("store_id", -1),
                        Types.LONG);
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement1(
                new StreamRecord<>(store(RowKind.INSERT, 1, 3, "America/Los_Angeles", "USD")));
        // 07:00 UTC is the 29th in Los Angeles, the 30th in Paris; 09:00 is the 30th in both
        restored.processElement1(
                new StreamRecord<>(
                        store(RowKind.UPDATE_BEFORE, 2, 3, "America/Los_Angeles", "USD")));
        restored.processElement1(
                new StreamRecord<>(store(RowKind.UPDATE_AFTER, 2, 3, "Europe/Paris", "USD")));

        assertThat(restored.extractOutputValues())
                .extracting(VisitorCount::toString)
                .containsExactly(
                        "2026-11-29 store 3 visitors +40",
                        "2026-11-30 store 3 visitors +2",
                        "2026-11-29 store 3 visitors -40",
                        "2026-11-30 store 3 visitors +40");
        restored.close();
    }

    // --- DailyVisitors ---------------------------------------------------------------------

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, SalesDailyMetrics, VisitorCount, SalesDailyMetrics>
            visitors() throws Exception {
        var h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new DailyVisitors()),
                        SalesDailyMetrics::groupKey,
                        VisitorCount::groupKey,
                        Types.STRING);
        h.open();
        return h;
    }

    static SalesDailyMetrics metrics(
            String date, long store, String currency, long orders, String net, long version) {
        SalesDailyMetrics m = new SalesDailyMetrics();
        m.saleDate = date;
        m.storeId = store;
        m.currency = currency;
        m.orderCount = orders;
        m.grossRevenue = new BigDecimal(net);
        m.discounts = new BigDecimal("0.00");
        m.netRevenue = new BigDecimal(net);
        m.version = version;
        m.updatedAt = "2026-11-29T10:00:00Z";
        return m;
    }

    @Test
    void visitorsWaitForOrdersAndALateCounterRepublishesTheDay() throws Exception {
        var h = visitors();
        h.processElement2(new StreamRecord<>(new VisitorCount("2026-11-29", 3, 120, 1_000)));
        assertThat(h.extractOutputValues()).as("no order, no row").isEmpty();

        h.processElement1(new StreamRecord<>(metrics("2026-11-29", 3, "USD", 6, "60.00", 50)));
        SalesDailyMetrics first = h.extractOutputValues().get(0);
        assertThat(first.visitors).isEqualTo(120L);
        assertThat(first.conversionRate).isEqualTo(new BigDecimal("0.0500"));
        assertThat(first.version).isEqualTo(1_050);

        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();
        var restored =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new DailyVisitors()),
                        SalesDailyMetrics::groupKey,
                        VisitorCount::groupKey,
                        Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement2(new StreamRecord<>(new VisitorCount("2026-11-29", 3, 30, 2_000)));
        List<SalesDailyMetrics> out = restored.extractOutputValues();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).visitors).isEqualTo(150L);
        assertThat(out.get(0).conversionRate).isEqualTo(new BigDecimal("0.0400"));
        assertThat(out.get(0).version).as("grows with the counter's sequence").isEqualTo(2_050);
        restored.close();
    }

    @Test
    void withoutCounterDataVisitorsAndConversionAreNull() throws Exception {
        var h = visitors();
        h.processElement1(new StreamRecord<>(metrics("2026-11-29", 4, "USD", 2, "10.00", 7)));
        SalesDailyMetrics m = h.extractOutputValues().get(0);
        assertThat(m.visitors).isNull();
        assertThat(m.conversionRate).isNull();
        assertThat(m.version).isEqualTo(7);
        h.close();
    }

    // --- ReportingCurrency -----------------------------------------------------------------

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, SalesDailyMetrics, RateUpdate, SalesDailyMetrics>
            reporting() throws Exception {
        var h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new ReportingCurrency("EUR")),
                        ReportingCurrency::groupKey,
                        RateUpdate::groupKey,
                        Types.STRING);
        h.open();
        return h;
    }

    @Test
    void aRateArrivingAfterTheSalesRepublishesEveryStoreOfThatDateAndCurrency() throws Exception {
        var h = reporting();
        h.processElement1(new StreamRecord<>(metrics("2026-11-29", 3, "USD", 2, "108.70", 10)));
        h.processElement1(new StreamRecord<>(metrics("2026-11-29", 5, "USD", 1, "21.74", 11)));
        assertThat(h.extractOutputValues())
                .allSatisfy(
                        m -> {
                            assertThat(m.reportingCurrency).isEqualTo("EUR");
                            assertThat(m.exchangeRate).as("missing, never guessed").isNull();
                            assertThat(m.netRevenueReporting).isNull();
                        });

        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();
        var restored =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new ReportingCurrency("EUR")),
                        ReportingCurrency::groupKey,
                        RateUpdate::groupKey,
                        Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        // published the usual way round: 1 EUR = 1.087 USD, so USD amounts are divided
        restored.processElement2(
                new StreamRecord<>(
                        new RateUpdate("2026-11-29", "USD", new BigDecimal("1.087"), true, 500)));
        List<SalesDailyMetrics> out = restored.extractOutputValues();
        assertThat(out)
                .extracting(m -> m.storeId + " " + m.netRevenueReporting + " v" + m.version)
                .containsExactlyInAnyOrder("3 100.00 v510", "5 20.00 v511");
        assertThat(out.get(0).exchangeRate).isEqualTo(new BigDecimal("0.91996320"));

        // a correction, now as a multiplier, wins over nothing: direct rates come first
        restored.processElement2(
                new StreamRecord<>(
                        new RateUpdate("2026-11-29", "USD", new BigDecimal("0.92"), false, 600)));
        List<SalesDailyMetrics> corrected = restored.extractOutputValues().subList(2, 4);
        assertThat(corrected)
                .extracting(m -> m.storeId + " " + m.netRevenueReporting + " v" + m.version)
                .containsExactlyInAnyOrder("3 100.00 v610", "5 20.00 v611");
        restored.close();
    }

    @Test
    void aStoreInTheReportingCurrencyConvertsAtOneAndADeleteLeavesNothingBehind() throws Exception {
        var h = reporting();
        h.processElement1(new StreamRecord<>(metrics("2026-11-29", 7, "EUR", 1, "9.99", 3)));
        SalesDailyMetrics m = h.extractOutputValues().get(0);
        assertThat(m.exchangeRate).isEqualTo(new BigDecimal("1.00000000"));
        assertThat(m.netRevenueReporting).isEqualTo(new BigDecimal("9.99"));

        SalesDailyMetrics gone = metrics("2026-11-29", 7, "EUR", 0, "0.00", 4);
        gone.deleted = true;
        h.processElement1(new StreamRecord<>(gone));
        h.processElement2(
                new StreamRecord<>(
                        new RateUpdate("2026-11-29", "EUR", new BigDecimal("1"), false, 9)));
        assertThat(h.extractOutputValues())
                .hasSize(2)
                .last()
                .satisfies(d -> assertThat(d.deleted).isTrue());
        h.close();
    }

    @Test
    void onlyPairsWithTheReportingCurrencyBecomeRates() {
        List<RateUpdate> out = new java.util.ArrayList<>();
        RateUpdates updates = new RateUpdates("EUR");
        org.apache.flink.util.Collector<RateUpdate> collector =
                new org.apache.flink.util.Collector<>() {
                    @Override
                    public void collect(RateUpdate r) {
                        out.add(r);
                    }

                    @Override
                    public void close() {}
                };
        updates.flatMap(rate(RowKind.INSERT, "EUR", "USD", "1.08700000", 5), collector);
        updates.flatMap(rate(RowKind.INSERT, "GBP", "EUR", "1.16000000", 6), collector);
        updates.flatMap(rate(RowKind.INSERT, "GBP", "USD", "1.27000000", 7), collector);
        updates.flatMap(rate(RowKind.UPDATE_BEFORE, "EUR", "USD", "1.08700000", 8), collector);

        assertThat(out)
                .extracting(RateUpdate::toString)
                .containsExactly("2026-11-29 USD 1/1.08700000 @5", "2026-11-29 GBP x1.16000000 @6");
    }

    private static RowChange rate(RowKind kind, String base, String quote, String rate, long lsn) {
        return new RowChange(
                kind,
                "rest.exchange_rates",
                "{}",
                lsn,
                Map.of(
                        "base_currency",
                        base,
                        "quote_currency",
                        quote,
                        "rate_date",
                        java.time.LocalDate.parse("2026-11-29"),
                        "rate",
                        new java.math.BigDecimal(rate)));
    }
}
