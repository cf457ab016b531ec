package dev.lakestream.jobs.transformation;

import dev.lakestream.jobs.gold.DailyMetricsAggregator;
import dev.lakestream.jobs.gold.GoldRows;
import dev.lakestream.jobs.gold.LocalSaleDate;
import dev.lakestream.jobs.gold.OrderContribution;
import dev.lakestream.jobs.gold.OrderContributions;
import dev.lakestream.jobs.gold.SalesDailyMetrics;
import dev.lakestream.jobs.silver.RowChange;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
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
 *      --keyBy(sale_date, store_id)--> [gold-daily-metrics] --+--> Kafka (exactly once)
 *                                                              +--> gold.sales_daily_metrics
 * </pre>
 */
public final class GoldTopology {

    private GoldTopology() {}

    public static DataStream<SalesDailyMetrics> salesDailyMetrics(DataStream<RowChange> silver) {
        DataStream<OrderContribution> contributions =
                silver.filter(
                                c ->
                                        c.table.equals("shop.orders")
                                                || c.table.equals("shop.order_lines"))
                        .name("orders and lines")
                        .keyBy(OrderContributions::orderId, Types.LONG)
                        .process(new OrderContributions(), OrderContribution.TYPE)
                        .uid(TransformationOperatorIds.ORDER_CONTRIBUTIONS)
                        .name("order contributions");

        DataStream<RowChange> stores =
                silver.filter(c -> c.table.equals("shop.stores")).name("stores");
        DataStream<OrderContribution> dated =
                stores.keyBy(GoldTopology::storeId, Types.LONG)
                        .connect(contributions.keyBy(c -> c.storeId, Types.LONG))
                        .process(new LocalSaleDate(), OrderContribution.TYPE)
                        .uid(TransformationOperatorIds.LOCAL_SALE_DATE)
                        .name("store-local sale date");

        return dated.keyBy(DailyMetricsAggregator::groupKey, Types.STRING)
                .process(new DailyMetricsAggregator(), SalesDailyMetrics.TYPE)
                .uid(TransformationOperatorIds.DAILY_METRICS)
                .name("sales_daily_metrics");
    }

    static long storeId(RowChange store) {
        String v = store.values.get("store_id");
        return Long.parseLong(v);
    }

    /** Publishes gold to Kafka and upserts it into its Iceberg table. */
    public static void sink(
            DataStream<SalesDailyMetrics> gold,
            Sink<SalesDailyMetrics> kafka,
            TableLoader icebergTable,
            org.apache.iceberg.Schema schema) {
        gold.sinkTo(kafka)
                .uid(TransformationOperatorIds.GOLD_KAFKA_SINK)
                .name("gold to Kafka (exactly once)");
        DataStream<RowData> rows =
                gold.map(GoldRows::toRow, InternalTypeInfo.of(FlinkSchemaUtil.convert(schema)))
                        .name("gold rows");
        FlinkSink.forRowData(rows)
                .tableLoader(icebergTable)
                .upsert(true)
                .equalityFieldColumns(java.util.List.of("sale_date", "store_id"))
                .distributionMode(DistributionMode.HASH)
                .uidPrefix(TransformationOperatorIds.GOLD_ICEBERG_SINK)
                .append();
    }
}
