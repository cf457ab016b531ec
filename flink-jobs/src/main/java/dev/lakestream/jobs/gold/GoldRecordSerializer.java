package dev.lakestream.jobs.gold;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The gold record contract on Kafka, for {@code sales_daily_metrics}:
 *
 * <pre>
 *  key   {"sale_date":"2026-11-29","store_id":3}
 *  value {"sale_date":"2026-11-29","store_id":3,"currency":"USD","order_count":12,
 *         "cancelled_order_count":1,"items_sold":30,"gross_revenue":412.50,"discounts":12.00,
 *         "net_revenue":400.50,"avg_order_value":33.38,"distinct_customers":9,
 *         "reporting_currency":"EUR","exchange_rate":0.92310000,"net_revenue_reporting":369.70,
 *         "visitors":240,"conversion_rate":0.0500,
 *         "decimals":{"gross_revenue":"412.50","discounts":"12.00","net_revenue":"400.50",
 *                     "avg_order_value":"33.38","exchange_rate":"0.92310000",
 *                     "net_revenue_reporting":"369.70","conversion_rate":"0.0500"},
 *         "version":123456,"updated_at":"2026-11-29T10:15:30.123Z","deleted":false}
 * </pre>
 *
 * {@code reporting_currency} to {@code conversion_rate} were added later (readers of the first
 * contract ignore them): {@code exchange_rate} and {@code net_revenue_reporting} are null while the
 * sale date's rate is missing, {@code visitors} is null without door-counter data for the day, and
 * {@code conversion_rate} (order_count / visitors) is null without visitors.
 *
 * <p>Money is a JSON number with its exact scale (never a double), and once more as exact text
 * under {@code decimals}, for readers such as Kafka Connect's schemaless {@code JsonConverter} that
 * turn JSON numbers into doubles. Per key there is at most one record per checkpoint, and {@code
 * version} strictly grows from record to record ({@link SourceProgress}). A group that no longer
 * has any order is published as a value with {@code "deleted":true} (and no metrics); readers treat
 * it as absent. New fields may be added; none are ever renamed.
 */
public final class GoldRecordSerializer
        implements KafkaRecordSerializationSchema<SalesDailyMetrics> {

    private static final long serialVersionUID = 1L;
    private static final JsonFactory JSON = new JsonFactory();

    private final String topic;

    public GoldRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            SalesDailyMetrics m, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, key(m), value(m));
    }

    public static byte[] key(SalesDailyMetrics m) {
        return write(
                json -> {
                    json.writeStartObject();
                    json.writeStringField("sale_date", m.saleDate);
                    json.writeNumberField("store_id", m.storeId);
                    json.writeEndObject();
                });
    }

    public static byte[] value(SalesDailyMetrics m) {
        return write(
                json -> {
                    json.writeStartObject();
                    json.writeStringField("sale_date", m.saleDate);
                    json.writeNumberField("store_id", m.storeId);
                    if (!m.deleted) {
                        json.writeStringField("currency", m.currency);
                        json.writeNumberField("order_count", m.orderCount);
                        json.writeNumberField("cancelled_order_count", m.cancelledOrderCount);
                        json.writeNumberField("items_sold", m.itemsSold);
                        money(json, "gross_revenue", m.grossRevenue);
                        money(json, "discounts", m.discounts);
                        money(json, "net_revenue", m.netRevenue);
                        money(json, "avg_order_value", m.avgOrderValue);
                        json.writeNumberField("distinct_customers", m.distinctCustomers);
                        json.writeStringField("reporting_currency", m.reportingCurrency);
                        number(json, "exchange_rate", m.exchangeRate);
                        money(json, "net_revenue_reporting", m.netRevenueReporting);
                        json.writeFieldName("visitors");
                        if (m.visitors == null) {
                            json.writeNull();
                        } else {
                            json.writeNumber(m.visitors);
                        }
                        number(json, "conversion_rate", m.conversionRate);
                        // The decimals above once more, as their exact text. Kafka Connect's
                        // schemaless JsonConverter (in front of the Snowflake sink) turns every
                        // JSON number with a fraction into a double: 0.10 arrives as 0.1,
                        // 9999999999995.37 as 9.99999999999537E12, which Snowflake stores as a
                        // DOUBLE. Strings pass intact; readers that need exact money read these.
                        java.util.function.Function<BigDecimal, String> text =
                                d -> d == null ? null : d.toPlainString();
                        json.writeObjectFieldStart("decimals");
                        json.writeStringField("gross_revenue", text.apply(m.grossRevenue));
                        json.writeStringField("discounts", text.apply(m.discounts));
                        json.writeStringField("net_revenue", text.apply(m.netRevenue));
                        json.writeStringField("avg_order_value", text.apply(m.avgOrderValue));
                        json.writeStringField("exchange_rate", text.apply(m.exchangeRate));
                        json.writeStringField(
                                "net_revenue_reporting", text.apply(m.netRevenueReporting));
                        json.writeStringField("conversion_rate", text.apply(m.conversionRate));
                        json.writeEndObject();
                    }
                    json.writeNumberField("version", m.version);
                    json.writeStringField("updated_at", m.updatedAt);
                    json.writeBooleanField("deleted", m.deleted);
                    json.writeEndObject();
                });
    }

    private static void money(JsonGenerator json, String field, BigDecimal amount)
            throws IOException {
        number(json, field, amount);
    }

    private static void number(JsonGenerator json, String field, BigDecimal amount)
            throws IOException {
        json.writeFieldName(field);
        if (amount == null) {
            json.writeNull();
        } else {
            json.writeNumber(amount.toPlainString());
        }
    }

    private interface JsonWriter {
        void write(JsonGenerator json) throws IOException;
    }

    private static byte[] write(JsonWriter writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            writer.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
