package dev.lakestream.jobs.gold;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class GoldRecordSerializerTest {

    @Test
    void writesTheContractWithExactMoney() {
        SalesDailyMetrics m = metrics();
        ProducerRecord<byte[], byte[]> record =
                new GoldRecordSerializer("gold.sales_daily_metrics").serialize(m, null, 123L);

        assertThat(record.topic()).isEqualTo("gold.sales_daily_metrics");
        assertThat(new String(record.key(), StandardCharsets.UTF_8))
                .isEqualTo("{\"sale_date\":\"2026-11-29\",\"store_id\":3}");
        assertThat(new String(record.value(), StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"sale_date\":\"2026-11-29\",\"store_id\":3,\"currency\":\"JPY\","
                                + "\"order_count\":2,\"cancelled_order_count\":1,\"items_sold\":5,"
                                + "\"gross_revenue\":1000.50,\"discounts\":0.00,\"net_revenue\":1000.50,"
                                + "\"avg_order_value\":500.25,\"distinct_customers\":2,"
                                + "\"reporting_currency\":\"EUR\",\"exchange_rate\":0.00615385,"
                                + "\"net_revenue_reporting\":6.16,\"visitors\":40,"
                                + "\"conversion_rate\":0.0500,"
                                + "\"decimals\":{\"gross_revenue\":\"1000.50\",\"discounts\":\"0.00\","
                                + "\"net_revenue\":\"1000.50\",\"avg_order_value\":\"500.25\","
                                + "\"exchange_rate\":\"0.00615385\",\"net_revenue_reporting\":\"6.16\","
                                + "\"conversion_rate\":\"0.0500\"},"
                                + "\"version\":77,"
                                + "\"updated_at\":\"2026-11-29T10:00:00Z\",\"deleted\":false}");
    }

    @Test
    void aMissingRateAndNoVisitorsAreNullsNotZeros() {
        SalesDailyMetrics m = metrics();
        m.exchangeRate = null;
        m.netRevenueReporting = null;
        m.visitors = null;
        m.conversionRate = null;

        assertThat(new String(GoldRecordSerializer.value(m), StandardCharsets.UTF_8))
                .contains(
                        "\"reporting_currency\":\"EUR\",\"exchange_rate\":null,"
                                + "\"net_revenue_reporting\":null,\"visitors\":null,"
                                + "\"conversion_rate\":null,")
                .contains(
                        "\"exchange_rate\":null,\"net_revenue_reporting\":null,"
                                + "\"conversion_rate\":null}");
    }

    @Test
    void aVanishedGroupIsADeleteMarker() {
        SalesDailyMetrics m = metrics();
        m.deleted = true;
        assertThat(new String(GoldRecordSerializer.value(m), StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"sale_date\":\"2026-11-29\",\"store_id\":3,\"version\":77,"
                                + "\"updated_at\":\"2026-11-29T10:00:00Z\",\"deleted\":true}");
    }

    private static SalesDailyMetrics metrics() {
        SalesDailyMetrics m = new SalesDailyMetrics();
        m.saleDate = "2026-11-29";
        m.storeId = 3;
        m.currency = "JPY";
        m.orderCount = 2;
        m.cancelledOrderCount = 1;
        m.itemsSold = 5;
        m.grossRevenue = new BigDecimal("1000.50");
        m.discounts = new BigDecimal("0.00");
        m.netRevenue = new BigDecimal("1000.50");
        m.avgOrderValue = new BigDecimal("500.25");
        m.distinctCustomers = 2;
        m.reportingCurrency = "EUR";
        m.exchangeRate = new BigDecimal("0.00615385");
        m.netRevenueReporting = new BigDecimal("6.16");
        m.visitors = 40L;
        m.conversionRate = new BigDecimal("0.0500");
        m.version = 77;
        m.updatedAt = "2026-11-29T10:00:00Z";
        return m;
    }
}
