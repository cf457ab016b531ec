package dev.lakestream.jobs.gold;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reconciles gold with its source: the metrics published on Kafka must equal the same metrics
 * computed by one SQL query over the shop tables in PostgreSQL (the project's main correctness
 * proof, also offered to operators as {@code lakestream-local verify}). Both sides are rendered as
 * canonical text per "sale_date|store_id" so a difference reads plainly.
 */
public final class GoldReconciliation {

    /** The metrics, by "sale_date|store_id", as canonical text for comparison. */
    public static final String SQL =
            "SELECT (o.created_at AT TIME ZONE s.time_zone)::date AS sale_date, o.store_id,"
                    + " s.currency,"
                    + " count(*) FILTER (WHERE o.status <> 'CANCELLED') AS order_count,"
                    + " count(*) FILTER (WHERE o.status = 'CANCELLED') AS cancelled_order_count,"
                    + " coalesce(sum(l.items) FILTER (WHERE o.status <> 'CANCELLED'), 0) AS"
                    + " items_sold,"
                    + " coalesce(sum(l.gross) FILTER (WHERE o.status <> 'CANCELLED'), 0) AS"
                    + " gross_revenue,"
                    + " coalesce(sum(l.discounts) FILTER (WHERE o.status <> 'CANCELLED'), 0) AS"
                    + " discounts,"
                    + " count(DISTINCT o.customer_id) FILTER (WHERE o.status <> 'CANCELLED') AS"
                    + " distinct_customers"
                    + " FROM shop.orders o JOIN shop.stores s ON s.store_id = o.store_id"
                    + " LEFT JOIN (SELECT order_id, sum(quantity) AS items,"
                    + " sum(quantity * unit_price) AS gross, sum(discount) AS discounts"
                    + " FROM shop.order_lines GROUP BY order_id) l ON l.order_id = o.order_id"
                    + " GROUP BY 1, 2, 3";

    private GoldReconciliation() {}

    public static Map<String, String> fromPostgres(Connection c) throws Exception {
        Map<String, String> rows = new TreeMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(SQL)) {
            while (rs.next()) {
                long orders = rs.getLong("order_count");
                java.math.BigDecimal gross = rs.getBigDecimal("gross_revenue").setScale(2);
                java.math.BigDecimal discounts = rs.getBigDecimal("discounts").setScale(2);
                java.math.BigDecimal net = gross.subtract(discounts);
                String aov =
                        orders == 0
                                ? "null"
                                : net.divide(
                                                java.math.BigDecimal.valueOf(orders),
                                                2,
                                                java.math.RoundingMode.HALF_UP)
                                        .toPlainString();
                rows.put(
                        rs.getDate("sale_date").toLocalDate() + "|" + rs.getLong("store_id"),
                        canonical(
                                rs.getString("currency"),
                                orders,
                                rs.getLong("cancelled_order_count"),
                                rs.getLong("items_sold"),
                                gross.toPlainString(),
                                discounts.toPlainString(),
                                net.toPlainString(),
                                aov,
                                rs.getLong("distinct_customers")));
            }
        }
        return rows;
    }

    /** Latest committed value per key from Kafka; delete markers mean absent. */
    public static Map<String, String> fromKafka(String bootstrap, String topic) {
        Map<String, String> rows = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : GoldTopicReader.current(bootstrap, topic).entrySet()) {
            JsonNode v = e.getValue();
            rows.put(
                    e.getKey(),
                    canonical(
                            v.get("currency").asText(),
                            v.get("order_count").asLong(),
                            v.get("cancelled_order_count").asLong(),
                            v.get("items_sold").asLong(),
                            v.get("gross_revenue").decimalValue().toPlainString(),
                            v.get("discounts").decimalValue().toPlainString(),
                            v.get("net_revenue").decimalValue().toPlainString(),
                            v.get("avg_order_value").isNull()
                                    ? "null"
                                    : v.get("avg_order_value").decimalValue().toPlainString(),
                            v.get("distinct_customers").asLong()));
        }
        return rows;
    }

    private static String canonical(
            String currency,
            long orders,
            long cancelled,
            long items,
            String gross,
            String discounts,
            String net,
            String aov,
            long customers) {
        return currency
                + " orders="
                + orders
                + " cancelled="
                + cancelled
                + " items="
                + items
                + " gross="
                + gross
                + " discounts="
                + discounts
                + " net="
                + net
                + " aov="
                + aov
                + " customers="
                + customers;
    }
}
