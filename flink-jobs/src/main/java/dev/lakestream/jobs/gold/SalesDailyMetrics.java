package dev.lakestream.jobs.gold;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * One row of gold {@code sales_daily_metrics}: a store's day, in the store's time zone and
 * currency. {@link #version} strictly grows with every record of a key and is a function of the
 * source changes folded in ({@link SourceProgress}); {@link #deleted} marks a group that has no
 * orders any more.
 *
 * <p>Definitions (the oracle computes the same in SQL): cancelled orders count only in {@link
 * #cancelledOrderCount}; every other metric covers the orders that are not cancelled. Gross revenue
 * is the sum of quantity x unit price of their lines, net revenue is gross minus the lines'
 * discounts, the average order value is net revenue / order count rounded half-up to cents, and
 * distinct customers leaves guest checkouts out.
 */
public class SalesDailyMetrics {

    public String saleDate;
    public long storeId;
    public String currency;
    public long orderCount;
    public long cancelledOrderCount;
    public long itemsSold;
    public BigDecimal grossRevenue;
    public BigDecimal discounts;
    public BigDecimal netRevenue;

    /** Null when there is no order to average over. */
    public BigDecimal avgOrderValue;

    public long distinctCustomers;

    /** The currency {@link #netRevenueReporting} is in, e.g. EUR; set by the reporting stage. */
    public String reportingCurrency;

    /**
     * Units of reporting currency per unit of store currency on the sale date; null while that
     * date's rate is missing.
     */
    public BigDecimal exchangeRate;

    /** Net revenue at {@link #exchangeRate}, rounded half-up to cents; null while it is missing. */
    public BigDecimal netRevenueReporting;

    /** People the store's door counters counted that day; null when no counter data arrived. */
    public Long visitors;

    /** Orders / visitors, 4 decimals half-up; null without visitors. */
    public BigDecimal conversionRate;

    public long version;
    public String updatedAt;
    public boolean deleted;

    /**
     * When PostgreSQL committed the oldest order change this state waits to publish, epoch ms; 0
     * when unknown or when a visitor count or an exchange rate made it. Only for the commit-to-
     * publish metric: not published, not part of equality.
     */
    public long sourceMillis;

    public static final TypeInformation<SalesDailyMetrics> TYPE = typeInfo();

    private static TypeInformation<SalesDailyMetrics> typeInfo() {
        Map<String, TypeInformation<?>> fields = new HashMap<>();
        fields.put("saleDate", Types.STRING);
        fields.put("storeId", Types.LONG);
        fields.put("currency", Types.STRING);
        fields.put("orderCount", Types.LONG);
        fields.put("cancelledOrderCount", Types.LONG);
        fields.put("itemsSold", Types.LONG);
        fields.put("grossRevenue", Types.BIG_DEC);
        fields.put("discounts", Types.BIG_DEC);
        fields.put("netRevenue", Types.BIG_DEC);
        fields.put("avgOrderValue", Types.BIG_DEC);
        fields.put("distinctCustomers", Types.LONG);
        fields.put("reportingCurrency", Types.STRING);
        fields.put("exchangeRate", Types.BIG_DEC);
        fields.put("netRevenueReporting", Types.BIG_DEC);
        fields.put("visitors", Types.LONG);
        fields.put("conversionRate", Types.BIG_DEC);
        fields.put("version", Types.LONG);
        fields.put("updatedAt", Types.STRING);
        fields.put("deleted", Types.BOOLEAN);
        fields.put("sourceMillis", Types.LONG);
        return Types.POJO(SalesDailyMetrics.class, fields);
    }

    public SalesDailyMetrics() {}

    /** A field-by-field copy, so that a stage can enrich a record without touching its input. */
    public SalesDailyMetrics copy() {
        SalesDailyMetrics c = new SalesDailyMetrics();
        c.saleDate = saleDate;
        c.storeId = storeId;
        c.currency = currency;
        c.orderCount = orderCount;
        c.cancelledOrderCount = cancelledOrderCount;
        c.itemsSold = itemsSold;
        c.grossRevenue = grossRevenue;
        c.discounts = discounts;
        c.netRevenue = netRevenue;
        c.avgOrderValue = avgOrderValue;
        c.distinctCustomers = distinctCustomers;
        c.reportingCurrency = reportingCurrency;
        c.exchangeRate = exchangeRate;
        c.netRevenueReporting = netRevenueReporting;
        c.visitors = visitors;
        c.conversionRate = conversionRate;
        c.version = version;
        c.updatedAt = updatedAt;
        c.deleted = deleted;
        c.sourceMillis = sourceMillis;
        return c;
    }

    /** The group key, e.g. {@code 2026-11-29|3}. */
    public String groupKey() {
        return saleDate + "|" + storeId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SalesDailyMetrics m
                && storeId == m.storeId
                && orderCount == m.orderCount
                && cancelledOrderCount == m.cancelledOrderCount
                && itemsSold == m.itemsSold
                && distinctCustomers == m.distinctCustomers
                && version == m.version
                && deleted == m.deleted
                && Objects.equals(saleDate, m.saleDate)
                && Objects.equals(currency, m.currency)
                && Objects.equals(grossRevenue, m.grossRevenue)
                && Objects.equals(discounts, m.discounts)
                && Objects.equals(netRevenue, m.netRevenue)
                && Objects.equals(avgOrderValue, m.avgOrderValue)
                && Objects.equals(reportingCurrency, m.reportingCurrency)
                && Objects.equals(exchangeRate, m.exchangeRate)
                && Objects.equals(netRevenueReporting, m.netRevenueReporting)
                && Objects.equals(visitors, m.visitors)
                && Objects.equals(conversionRate, m.conversionRate);
    }

    @Override
    public int hashCode() {
        return Objects.hash(saleDate, storeId, version);
    }

    @Override
    public String toString() {
        return saleDate
                + " store "
                + storeId
                + (deleted
                        ? " deleted"
                        : " "
                                + currency
                                + " orders "
                                + orderCount
                                + " cancelled "
                                + cancelledOrderCount
                                + " items "
                                + itemsSold
                                + " gross "
                                + grossRevenue
                                + " discounts "
                                + discounts
                                + " net "
                                + netRevenue
                                + " aov "
                                + avgOrderValue
                                + " customers "
                                + distinctCustomers
                                + " visitors "
                                + visitors
                                + " conversion "
                                + conversionRate
                                + " net "
                                + netRevenueReporting
                                + " "
                                + reportingCurrency
                                + " at "
                                + exchangeRate)
                + " v"
                + version;
    }
}
