package dev.lakestream.catalog;

import java.util.Map;
import java.util.Set;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;

/**
 * The gold layer kept in Iceberg next to its Kafka topic: {@code gold.sales_daily_metrics},
 * upserted by (sale_date, store_id), one row per store and local day. Money is decimal(18,2): a
 * day's revenue of a store can exceed the decimal(12,2) of a single price.
 *
 * <p>Columns 14 to 18 came later and are optional, so existing tables gain them in place: the
 * reporting currency, the exchange rate of the sale date (store currency to reporting currency),
 * net revenue converted at that rate (null while the rate is missing), the store's visitors of the
 * day from its door counters, and the conversion rate (orders / visitors, null without visitors).
 */
public final class GoldTables {

    public static final String DEFAULT_NAMESPACE = "gold";

    public static final Schema SALES_DAILY_METRICS =
            new Schema(
                    java.util.List.of(
                            Types.NestedField.required(1, "sale_date", Types.DateType.get()),
                            Types.NestedField.required(2, "store_id", Types.LongType.get()),
                            Types.NestedField.optional(3, "currency", Types.StringType.get()),
                            Types.NestedField.required(4, "order_count", Types.LongType.get()),
                            Types.NestedField.required(
                                    5, "cancelled_order_count", Types.LongType.get()),
                            Types.NestedField.required(6, "items_sold", Types.LongType.get()),
                            Types.NestedField.required(
                                    7, "gross_revenue", Types.DecimalType.of(18, 2)),
                            Types.NestedField.required(8, "discounts", Types.DecimalType.of(18, 2)),
                            Types.NestedField.required(
                                    9, "net_revenue", Types.DecimalType.of(18, 2)),
                            Types.NestedField.optional(
                                    10, "avg_order_value", Types.DecimalType.of(18, 2)),
                            Types.NestedField.required(
                                    11, "distinct_customers", Types.LongType.get()),
                            Types.NestedField.required(12, "version", Types.LongType.get()),
                            Types.NestedField.required(
                                    13, "updated_at", Types.TimestampType.withZone()),
                            Types.NestedField.optional(
                                    14, "reporting_currency", Types.StringType.get()),
                            Types.NestedField.optional(
                                    15, "exchange_rate", Types.DecimalType.of(18, 8)),
                            Types.NestedField.optional(
                                    16, "net_revenue_reporting", Types.DecimalType.of(18, 2)),
                            Types.NestedField.optional(17, "visitors", Types.LongType.get()),
                            Types.NestedField.optional(
                                    18, "conversion_rate", Types.DecimalType.of(9, 4))),
                    Set.of(1, 2));

    public static final PartitionSpec PARTITION_SPEC =
            PartitionSpec.builderFor(SALES_DAILY_METRICS).month("sale_date").build();

    private GoldTables() {}

    public static TableDefinition salesDailyMetrics(String namespace) {
        Map<String, String> props = TableDefinition.commonProperties("gold");
        props.put(TableProperties.UPSERT_ENABLED, "true");
        return new TableDefinition(
                TableIdentifier.of(Namespace.of(namespace), "sales_daily_metrics"),
                SALES_DAILY_METRICS,
                PARTITION_SPEC,
                props);
    }
}
