package dev.lakestream.verification.gold;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
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

    /**
     * The shop's own metrics per (local date, store), as {@code sales_daily_metrics} defines them.
     */
    static final String SHOP_METRICS =
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

    /**
     * The shop's metrics joined with the two feeds: visitors per store-local date from the landed
     * door-counter rows ({@code feeds.foot_traffic}), and the rate of the sale date between the
     * store's currency and the reporting currency ({@code ?}, bound twice) as the API serves it
     * ({@code feeds.exchange_rates}), in either direction.
     */
    public static final String SQL =
            "SELECT m.*, v.visitors, direct.rate AS direct_rate, inverse.rate AS inverse_rate FROM ("
                    + SHOP_METRICS
                    + ") m LEFT JOIN (SELECT (f.hour_start AT TIME ZONE s.time_zone)::date AS"
                    + " sale_date, f.store_id, sum(f.visitors) AS visitors FROM feeds.foot_traffic"
                    + " f JOIN shop.stores s ON s.store_id = f.store_id GROUP BY 1, 2) v"
                    + " ON v.sale_date = m.sale_date AND v.store_id = m.store_id"
                    + " LEFT JOIN feeds.exchange_rates direct ON direct.rate_date = m.sale_date"
                    + " AND direct.base_currency = m.currency AND direct.quote_currency = ?"
                    + " LEFT JOIN feeds.exchange_rates inverse ON inverse.rate_date = m.sale_date"
                    + " AND inverse.quote_currency = m.currency AND inverse.base_currency = ?";

    private GoldReconciliation() {}

    /**
     * The expected gold, by "sale_date|store_id", from PostgreSQL. Without the feed tables (a shop
     * database from before the feeds) visitors and rates are simply absent.
     */
    public static Map<String, String> fromPostgres(Connection c, String reportingCurrency)
            throws Exception {
        Map<String, String> rows = new TreeMap<>();
        boolean feeds;
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT to_regclass('feeds.exchange_rates') IS NOT NULL AND"
                                        + " to_regclass('feeds.foot_traffic') IS NOT NULL")) {
            rs.next();
            feeds = rs.getBoolean(1);
        }
        try (PreparedStatement ps = c.prepareStatement(feeds ? SQL : SHOP_METRICS)) {
            if (feeds) {
                ps.setString(1, reportingCurrency);
                ps.setString(2, reportingCurrency);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long orders = rs.getLong("order_count");
                    BigDecimal gross = rs.getBigDecimal("gross_revenue").setScale(2);
                    BigDecimal discounts = rs.getBigDecimal("discounts").setScale(2);
                    BigDecimal net = gross.subtract(discounts);
                    String currency = rs.getString("currency");
                    Long visitors = feeds ? (Long) rs.getObject("visitors", Long.class) : null;
                    BigDecimal direct = feeds ? rs.getBigDecimal("direct_rate") : null;
                    BigDecimal inverse = feeds ? rs.getBigDecimal("inverse_rate") : null;
                    BigDecimal converted;
                    BigDecimal rate;
                    if (currency.equals(reportingCurrency)) {
                        converted = net;
                        rate = BigDecimal.ONE.setScale(8);
                    } else if (direct != null) {
                        converted = net.multiply(direct).setScale(2, RoundingMode.HALF_UP);
                        rate = direct.setScale(8, RoundingMode.HALF_UP);
                    } else if (inverse != null) {
                        converted = net.divide(inverse, 2, RoundingMode.HALF_UP);
                        rate = BigDecimal.ONE.divide(inverse, 8, RoundingMode.HALF_UP);
                    } else {
                        converted = null;
                        rate = null;
                    }
                    rows.put(
                            rs.getDate("sale_date").toLocalDate() + "|" + rs.getLong("store_id"),
                            canonical(
                                    currency,
                                    orders,
                                    rs.getLong("cancelled_order_count"),
                                    rs.getLong("items_sold"),
                                    gross.toPlainString(),
                                    discounts.toPlainString(),
                                    net.toPlainString(),
                                    orders == 0
                                            ? "null"
                                            : net.divide(
                                                            BigDecimal.valueOf(orders),
                                                            2,
                                                            RoundingMode.HALF_UP)
                                                    .toPlainString(),
                                    rs.getLong("distinct_customers"),
                                    reportingCurrency,
                                    plain(rate),
                                    plain(converted),
                                    visitors == null ? "null" : visitors.toString(),
                                    plain(conversionRate(orders, visitors))));
                }
            }
        }
        return rows;
    }

    /** Latest committed value per key from Kafka; delete markers mean absent. */
    public static Map<String, String> fromKafka(String bootstrap, String topic) {
        Map<String, String> rows = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : GoldTopicReader.current(bootstrap, topic).entrySet()) {
            rows.put(e.getKey(), canonical(e.getValue()));
        }
        return rows;
    }

    /** Live rows a consumer holds (delete markers mean absent), as canonical text per key. */
    public static Map<String, String> fromRecords(Map<String, GoldTopicHistory.Entry> rows) {
        Map<String, String> live = new TreeMap<>();
        rows.forEach(
                (key, e) -> {
                    if (!e.deleted()) {
                        live.put(key, canonical(e.value()));
                    }
                });
        return live;
    }

    /** One gold value of the topic as canonical text. */
    static String canonical(JsonNode v) {
        return canonical(
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
                v.get("distinct_customers").asLong(),
                v.get("reporting_currency").asText(),
                decimal(v, "exchange_rate"),
                decimal(v, "net_revenue_reporting"),
                v.path("visitors").isMissingNode() || v.get("visitors").isNull()
                        ? "null"
                        : Long.toString(v.get("visitors").asLong()),
                decimal(v, "conversion_rate"));
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
            long customers,
            String reportingCurrency,
            String rate,
            String netReporting,
            String visitors,
            String conversion) {
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
                + customers
                + " "
                + reportingCurrency
                + " at "
                + rate
                + " net_reporting="
                + netReporting
                + " visitors="
                + visitors
                + " conversion="
                + conversion;
    }

    /**
     * Orders / visitors at 4 decimals, half-up; null without visitors: the definition of {@code
     * conversion_rate}, stated again here rather than borrowed from the job ({@code
     * DailyVisitors}), so the oracle checks the job instead of repeating it.
     */
    static BigDecimal conversionRate(long orders, Long visitors) {
        if (visitors == null || visitors <= 0) {
            return null;
        }
        return BigDecimal.valueOf(orders)
                .divide(BigDecimal.valueOf(visitors), 4, RoundingMode.HALF_UP);
    }

    private static String plain(BigDecimal d) {
        return d == null ? "null" : d.toPlainString();
    }

    private static String decimal(JsonNode value, String field) {
        JsonNode n = value.path(field);
        return n.isMissingNode() || n.isNull() ? "null" : n.decimalValue().toPlainString();
    }
}
