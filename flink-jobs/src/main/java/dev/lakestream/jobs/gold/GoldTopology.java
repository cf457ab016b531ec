package dev.lakestream.jobs.gold;

import dev.lakestream.catalog.LineageTables;
import dev.lakestream.catalog.SilverTables;
import dev.lakestream.jobs.changelog.RowChange;
import dev.lakestream.jobs.lineage.LedgerPosition;
import dev.lakestream.jobs.lineage.LineageLedger;
import dev.lakestream.jobs.state.Tombstones;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.iceberg.DistributionMode;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.FlinkSink;

/**
 * Gold {@code sales_daily_metrics} from the cleansed silver changelog.
 *
 * <pre>
 *  orders + order_lines --keyBy(order_id)--> [gold-order-contributions] (-old/+new per order)
 *      --keyBy(store_id)--+
 *  stores --keyBy(store_id)-+--> [gold-local-sale-date] (store's zone and currency)
 *      --keyBy(sale_date, store_id)--> [gold-daily-metrics] --+
 *  store_foot_traffic --keyBy(store_id)--> [gold-local-visit-date] (hour -> local date)
 *      --keyBy(sale_date, store_id)-----------------------------+--> [gold-daily-visitors]
 *  exchange_rates --(pairs with the reporting currency)--+         (visitors, conversion rate)
 *      --keyBy(date, store currency)---------------------+--> [gold-reporting-currency]
 *                                      (net revenue converted at the sale date's rate)
 *      --keyBy(sale_date, store_id)--> [gold-final-state-per-checkpoint]
 *                                      (one final state per key per checkpoint)
 *                                                              +--> Kafka (exactly once)
 *                                                              +--> gold.sales_daily_metrics
 * </pre>
 */
public final class GoldTopology {

    private GoldTopology() {}

    /**
     * Gold, and the rows of {@code quarantine.gold_pending} (events waiting for a valid store row;
     * see {@link dev.lakestream.jobs.gold.StoreCalendar}).
     */
    public record Gold(DataStream<SalesDailyMetrics> metrics, DataStream<RowData> pending) {}

    public static Gold salesDailyMetrics(DataStream<RowChange> silver, String reportingCurrency) {
        return salesDailyMetrics(silver, reportingCurrency, Tombstones.DEFAULT_RETENTION);
    }

    /** Gold, remembering deleted groups for {@code tombstoneRetention} ({@link Tombstones}). */
    public static Gold salesDailyMetrics(
            DataStream<RowChange> silver, String reportingCurrency, Duration tombstoneRetention) {
        DataStream<OrderContribution> contributions =
                silver.filter(
                                c ->
                                        c.table.equals("shop.orders")
                                                || c.table.equals("shop.order_lines"))
                        .name("orders and lines")
                        .keyBy(OrderContributions::orderId, Types.LONG)
                        .process(new OrderContributions(), OrderContribution.TYPE)
                        .uid(GoldOperatorIds.ORDER_CONTRIBUTIONS)
                        .name("order contributions");

        DataStream<RowChange> stores =
                silver.filter(c -> c.table.equals("shop.stores")).name("stores");
        SingleOutputStreamOperator<OrderContribution> dated =
                stores.keyBy(GoldTopology::storeId, Types.LONG)
                        .connect(contributions.keyBy(c -> c.storeId, Types.LONG))
                        .process(new LocalSaleDate(), OrderContribution.TYPE)
                        .uid(GoldOperatorIds.LOCAL_SALE_DATE)
                        .name("store-local sale date");

        DataStream<SalesDailyMetrics> daily =
                dated.keyBy(DailyMetricsAggregator::groupKey, Types.STRING)
                        .process(
                                new DailyMetricsAggregator(tombstoneRetention),
                                SalesDailyMetrics.TYPE)
                        .uid(GoldOperatorIds.DAILY_METRICS)
                        .name("sales_daily_metrics");

        DataStream<VisitorCount> visits =
                stores.keyBy(GoldTopology::storeId, Types.LONG)
                        .connect(
                                silver.filter(c -> c.table.equals(SilverTables.FOOT_TRAFFIC))
                                        .name("foot traffic")
                                        .keyBy(GoldTopology::storeId, Types.LONG))
                        .process(new LocalVisitDate(), VisitorCount.TYPE)
                        .uid(GoldOperatorIds.LOCAL_VISIT_DATE)
                        .name("store-local visit date");

        DataStream<SalesDailyMetrics> withVisitors =
                daily.keyBy(SalesDailyMetrics::groupKey, Types.STRING)
                        .connect(visits.keyBy(VisitorCount::groupKey, Types.STRING))
                        .process(new DailyVisitors(), SalesDailyMetrics.TYPE)
                        .uid(GoldOperatorIds.DAILY_VISITORS)
                        .name("visitors and conversion rate");

        DataStream<RateUpdate> rates =
                silver.filter(c -> c.table.equals(SilverTables.EXCHANGE_RATES))
                        .name("exchange rates")
                        .flatMap(new RateUpdates(reportingCurrency), RateUpdate.TYPE)
                        .name("rates into " + reportingCurrency);

        DataStream<SalesDailyMetrics> metrics =
                withVisitors
                        .keyBy(ReportingCurrency::groupKey, Types.STRING)
                        .connect(rates.keyBy(RateUpdate::groupKey, Types.STRING))
                        .process(new ReportingCurrency(reportingCurrency), SalesDailyMetrics.TYPE)
                        .uid(GoldOperatorIds.REPORTING_CURRENCY)
                        .name("net revenue in " + reportingCurrency)
                        .keyBy(SalesDailyMetrics::groupKey, Types.STRING)
                        .transform(
                                "one final state per key per checkpoint",
                                SalesDailyMetrics.TYPE,
                                new FinalStatePerCheckpoint(tombstoneRetention))
                        .uid(GoldOperatorIds.FINAL_STATE_PER_CHECKPOINT);
        return new Gold(metrics, dated.getSideOutput(StoreCalendar.PENDING));
    }

    /**
     * Upserts the pending rows into {@code quarantine.gold_pending}: one writer, so a store's
     * upserts and its final delete land in order.
     */
    public static void sinkPending(DataStream<RowData> pending, TableLoader table) {
        FlinkSink.forRowData(pending)
                .tableLoader(table)
                .upsert(true)
                .distributionMode(DistributionMode.NONE)
                .writeParallelism(1)
                .uidPrefix(GoldOperatorIds.GOLD_PENDING_SINK)
                .append();
    }

    /** A published record as the lineage ledger names it: "2026-11-29/3@123456". */
    public static String ledgerName(String saleDate, long storeId, long version) {
        return saleDate + "/" + storeId + "@" + version;
    }

    static LedgerPosition positionOf(SalesDailyMetrics m) {
        return new LedgerPosition(
                "sales_daily_metrics",
                m.version,
                null,
                null,
                -1,
                ledgerName(m.saleDate, m.storeId, m.version));
    }

    /** The store a change of a store, an order or a foot-traffic hour belongs to. */
    public static long storeId(RowChange change) {
        return change.longValue("store_id", -1);
    }

    /**
     * Publishes gold to Kafka and upserts it into its Iceberg table; the ledger notes each record
     * with the checkpoint that commits it.
     */
    public static void sink(
            DataStream<SalesDailyMetrics> finalStates,
            Sink<SalesDailyMetrics> kafka,
            TableLoader icebergTable,
            org.apache.iceberg.Schema schema,
            LineageLedger ledger) {
        DataStream<SalesDailyMetrics> gold =
                ledger.tap(
                        finalStates,
                        GoldOperatorIds.GOLD_LEDGER,
                        LineageTables.LAYER_GOLD,
                        SalesDailyMetrics.TYPE,
                        GoldTopology::positionOf);
        gold.sinkTo(kafka)
                .uid(GoldOperatorIds.GOLD_KAFKA_SINK)
                .name("gold to Kafka (exactly once)");
        DataStream<RowData> rows =
                gold.map(GoldRows::toRow, InternalTypeInfo.of(FlinkSchemaUtil.convert(schema)))
                        .name("gold rows");
        FlinkSink.forRowData(rows)
                .tableLoader(icebergTable)
                .upsert(true)
                .equalityFieldColumns(java.util.List.of("sale_date", "store_id"))
                .distributionMode(DistributionMode.HASH)
                .uidPrefix(GoldOperatorIds.GOLD_ICEBERG_SINK)
                .append();
    }
}
