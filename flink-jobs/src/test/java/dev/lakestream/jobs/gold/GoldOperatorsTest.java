package dev.lakestream.jobs.gold;

import static dev.lakestream.jobs.gold.GoldTestChanges.line;
import static dev.lakestream.jobs.gold.GoldTestChanges.order;
import static dev.lakestream.jobs.gold.GoldTestChanges.store;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.jobs.changelog.RowChange;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;

/**
 * The three gold operators with Flink's harnesses: an order's contribution and its retraction, the
 * store-local sale date (an order at 23:30 local time), the daily aggregation with distinct
 * customers and deleted groups, and snapshot -> restore of each.
 */
class GoldOperatorsTest {

    // --- OrderContributions ----------------------------------------------------------------

    private static KeyedOneInputStreamOperatorTestHarness<Long, RowChange, OrderContribution>
            contributions() throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new OrderContributions()),
                        OrderContributions::orderId,
                        Types.LONG);
        h.open();
        return h;
    }

    @Test
    void anOrderContributesItsLinesAndRetractsWhenTheyChange() throws Exception {
        var h = contributions();
        h.processElement(new StreamRecord<>(line(RowKind.INSERT, 5, 1, 1, 2, "10.00", "1.00")));
        assertThat(h.extractOutputValues()).as("lines wait for their order").isEmpty();

        h.processElement(
                new StreamRecord<>(
                        order(RowKind.INSERT, 4, 1, 3, "2026-11-29T10:00:00Z", 9, "PLACED")));
        h.processElement(new StreamRecord<>(line(RowKind.INSERT, 6, 1, 2, 1, "5.50", "0.00")));
        h.processElement(
                new StreamRecord<>(
                        order(
                                RowKind.UPDATE_BEFORE,
                                7,
                                1,
                                3,
                                "2026-11-29T10:00:00Z",
                                9,
                                "PLACED")));
        h.processElement(
                new StreamRecord<>(
                        order(
                                RowKind.UPDATE_AFTER,
                                7,
                                1,
                                3,
                                "2026-11-29T10:00:00Z",
                                9,
                                "CANCELLED")));
        h.processElement(
                new StreamRecord<>(
                        order(RowKind.DELETE, 8, 1, 3, "2026-11-29T10:00:00Z", 9, "CANCELLED")));

        assertThat(h.extractOutputValues())
                .extracting(Object::toString)
                .containsExactly(
                        "+order 1 store 3 at 2026-11-29T10:00:00Z items 2 gross 20.00 discounts 1.00 @5",
                        "-order 1 store 3 at 2026-11-29T10:00:00Z items 2 gross 20.00 discounts 1.00 @6",
                        "+order 1 store 3 at 2026-11-29T10:00:00Z items 3 gross 25.50 discounts 1.00 @6",
                        "-order 1 store 3 at 2026-11-29T10:00:00Z items 3 gross 25.50 discounts 1.00 @7",
                        "+order 1 store 3 at 2026-11-29T10:00:00Z cancelled items 3 gross 25.50 discounts 1.00 @7",
                        "-order 1 store 3 at 2026-11-29T10:00:00Z cancelled items 3 gross 25.50 discounts 1.00 @8");
        h.close();
    }

    @Test
    void anOrderMovingStoreRetractsFromTheOldStore() throws Exception {
        var h = contributions();
        h.processElement(
                new StreamRecord<>(
                        order(RowKind.INSERT, 1, 1, 3, "2026-11-29T10:00:00Z", 0, "PAID")));
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        var restored =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new OrderContributions()),
                        OrderContributions::orderId,
                        Types.LONG);
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement(
                new StreamRecord<>(
                        order(RowKind.UPDATE_AFTER, 2, 1, 4, "2026-11-30T10:00:00Z", 0, "PAID")));
        assertThat(restored.extractOutputValues())
                .extracting(c -> c.sign + " store " + c.storeId + " " + c.createdAt())
                .containsExactly(
                        "-1 store 3 2026-11-29T10:00:00Z", "1 store 4 2026-11-30T10:00:00Z");
        restored.close();
    }

    // --- LocalSaleDate ---------------------------------------------------------------------

    private static KeyedTwoInputStreamOperatorTestHarness<
                    Long, RowChange, OrderContribution, OrderContribution>
            saleDates() throws Exception {
        var h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new LocalSaleDate()),
                        (RowChange s) -> s.longValue("store_id", -1),
                        (OrderContribution c) -> c.storeId,
                        Types.LONG);
        h.open();
        return h;
    }

    @Test
    void eventsWaitingForAStoreAreListedAsPendingAndTheRowGoesWhenTheStoreArrives()
            throws Exception {
        var h = saleDates();
        h.processElement2(new StreamRecord<>(contribution(1, 7, "2026-11-30T07:30:00Z")));
        h.processElement2(new StreamRecord<>(contribution(2, 7, "2026-11-30T07:31:00Z")));
        h.setProcessingTime(StoreCalendar.PENDING_REFRESH + 1);
        h.processElement1(new StreamRecord<>(store(RowKind.INSERT, 1, 7, "Europe/Berlin", "EUR")));

        assertThat(h.getSideOutput(StoreCalendar.PENDING))
                .extracting(
                        r ->
                                r.getValue().getRowKind().shortString()
                                        + " "
                                        + r.getValue().getLong(0)
                                        + " "
                                        + r.getValue().getString(1)
                                        + " "
                                        + r.getValue().getLong(2))
                .as("first wait, the refresh after " + StoreCalendar.PENDING_REFRESH + " ms, gone")
                .containsExactly("+I 7 orders 1", "+I 7 orders 2", "-D 7 orders 2");
        assertThat(h.extractOutputValues()).hasSize(2);
        h.close();
    }

    @Test
    void theSaleDateIsTheStoresLocalDateEvenAt2330() throws Exception {
        var h = saleDates();
        // 07:30 UTC on the 30th is 23:30 on the 29th in Los Angeles
        h.processElement2(new StreamRecord<>(contribution(1, 3, "2026-11-30T07:30:00Z")));
        assertThat(h.extractOutputValues()).as("waits for the store").isEmpty();

        h.processElement1(
                new StreamRecord<>(store(RowKind.INSERT, 1, 3, "America/Los_Angeles", "USD")));
        h.processElement2(new StreamRecord<>(contribution(2, 3, "2026-11-30T08:00:00Z")));

        assertThat(h.extractOutputValues())
                .extracting(c -> c.orderId + " " + c.saleDate + " " + c.currency)
                .containsExactly("1 2026-11-29 USD", "2 2026-11-30 USD");

        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();
        var restored =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new LocalSaleDate()),
                        (RowChange s) -> s.longValue("store_id", -1),
                        (OrderContribution c) -> c.storeId,
                        Types.LONG);
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement2(new StreamRecord<>(contribution(3, 3, "2026-11-29T07:59:59Z")));
        assertThat(restored.extractOutputValues())
                .extracting(c -> c.orderId + " " + c.saleDate)
                .containsExactly("3 2026-11-28");
        restored.close();
    }

    // --- DailyMetricsAggregator ------------------------------------------------------------

    private static KeyedOneInputStreamOperatorTestHarness<
                    String, OrderContribution, SalesDailyMetrics>
            aggregator() throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new DailyMetricsAggregator()),
                        DailyMetricsAggregator::groupKey,
                        Types.STRING);
        h.open();
        return h;
    }

    @Test
    void aggregatesRetractsCountsDistinctCustomersAndDeletesEmptyGroups() throws Exception {
        var h = aggregator();
        h.processElement(new StreamRecord<>(dated(+1, 1, 11, false, 2, "20.00", "1.00", 10)));
        h.processElement(new StreamRecord<>(dated(+1, 2, 11, false, 1, "5.01", "0.00", 11)));
        h.processElement(new StreamRecord<>(dated(+1, 3, 12, true, 4, "40.00", "0.00", 12)));

        List<SalesDailyMetrics> out = new ArrayList<>(h.extractOutputValues());
        SalesDailyMetrics m = out.get(out.size() - 1);
        assertThat(m.orderCount).isEqualTo(2);
        assertThat(m.cancelledOrderCount).isEqualTo(1);
        assertThat(m.itemsSold).isEqualTo(3);
        assertThat(m.grossRevenue).isEqualByComparingTo("25.01");
        assertThat(m.discounts).isEqualByComparingTo("1.00");
        assertThat(m.netRevenue).isEqualByComparingTo("24.01");
        assertThat(m.avgOrderValue).isEqualTo(new BigDecimal("12.01")); // 12.005 rounds half-up
        assertThat(m.distinctCustomers).as("customer 12's only order is cancelled").isEqualTo(1);
        assertThat(m.version).isEqualTo(12);
        assertThat(m.currency).isEqualTo("USD");

        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();
        var restored =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new DailyMetricsAggregator()),
                        DailyMetricsAggregator::groupKey,
                        Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement(
                new StreamRecord<>(dated(-1, 1, 11, false, 2, "20.00", "1.00", 13)));
        SalesDailyMetrics afterRetract = restored.extractOutputValues().get(0);
        assertThat(afterRetract.orderCount).isEqualTo(1);
        assertThat(afterRetract.distinctCustomers).as("customer 11 still has order 2").isEqualTo(1);
        assertThat(afterRetract.grossRevenue).isEqualByComparingTo("5.01");

        restored.processElement(new StreamRecord<>(dated(-1, 2, 11, false, 1, "5.01", "0.00", 14)));
        restored.processElement(new StreamRecord<>(dated(-1, 3, 12, true, 4, "40.00", "0.00", 15)));
        List<SalesDailyMetrics> tail = restored.extractOutputValues();
        SalesDailyMetrics gone = tail.get(tail.size() - 1);
        assertThat(gone.deleted).isTrue();
        assertThat(gone.version).isEqualTo(15);

        restored.processElement(new StreamRecord<>(dated(+1, 4, 11, false, 1, "1.00", "0.00", 9)));
        List<SalesDailyMetrics> again = restored.extractOutputValues();
        SalesDailyMetrics back = again.get(again.size() - 1);
        assertThat(back.deleted).isFalse();
        assertThat(back.version)
                .as(
                        "versions grow with every contribution, even one at an older LSN after a delete")
                .isEqualTo(16);
        assertThat(back.distinctCustomers).isEqualTo(1);
        restored.close();
    }

    @Test
    void aDeletedGroupKeepsOnlyItsVersionAndThatOnlyUntilTheRetentionHorizon() throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new DailyMetricsAggregator(java.time.Duration.ofHours(1))),
                        DailyMetricsAggregator::groupKey,
                        Types.STRING);
        h.open();
        h.setStateTtlProcessingTime(0);
        h.processElement(new StreamRecord<>(dated(+1, 1, 11, false, 2, "20.00", "1.00", 10)));
        h.processElement(new StreamRecord<>(dated(-1, 1, 11, false, 2, "20.00", "1.00", 20)));
        assertThat(h.numKeyedStateEntries()).as("the deleted group's version alone").isEqualTo(1);

        h.setStateTtlProcessingTime(java.time.Duration.ofMinutes(61).toMillis());
        h.processElement(new StreamRecord<>(dated(+1, 2, 11, false, 1, "1.00", "0.00", 30)));
        List<SalesDailyMetrics> out = h.extractOutputValues();
        assertThat(out.get(out.size() - 1).version)
                .as("after the horizon the group starts again at its contribution's LSN")
                .isEqualTo(30);
        h.close();
    }

    private static OrderContribution contribution(long orderId, long storeId, String createdAt) {
        OrderContribution c = new OrderContribution();
        c.sign = 1;
        c.orderId = orderId;
        c.storeId = storeId;
        c.createdAtMicros = OrderContributions.epochMicros(java.time.Instant.parse(createdAt));
        c.gross = BigDecimal.ZERO;
        c.discounts = BigDecimal.ZERO;
        return c;
    }

    private static OrderContribution dated(
            int sign,
            long orderId,
            long customer,
            boolean cancelled,
            long items,
            String gross,
            String discounts,
            long lsn) {
        OrderContribution c = contribution(orderId, 3, "2026-11-29T10:00:00Z");
        c.sign = sign;
        c.customerId = customer;
        c.cancelled = cancelled;
        c.items = items;
        c.gross = new BigDecimal(gross);
        c.discounts = new BigDecimal(discounts);
        c.lsn = lsn;
        c.saleDate = "2026-11-29";
        c.currency = "USD";
        return c;
    }
}
