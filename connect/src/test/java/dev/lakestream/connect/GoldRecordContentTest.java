package dev.lakestream.connect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.lakestream.connect.config.ConnectorDefinition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the Snowflake sink really writes into {@code RECORD_CONTENT} for a gold record, with the
 * committed connector configuration, computed by the connector's and Kafka's own classes ({@link
 * SnowflakeSinkRecordPath}) up to the text the ingest SDK sends to Snowflake.
 *
 * <p>Values are compared as the raw JSON tokens that leave the SDK, not as parsed numbers: {@code
 * 9.99999999999537E12} parses to the same BigDecimal as {@code 9999999999995.37}, but Snowflake
 * stores a number in scientific notation in a VARIANT as a DOUBLE (PARSE_JSON and VARIANT docs),
 * and {@code 0.1} has lost the scale of {@code 0.10}. A double round trip anywhere on the path
 * changes the token, so these checks fail on it.
 */
class GoldRecordContentTest {

    static final String KEY = "{\"sale_date\":\"2026-11-29\",\"store_id\":3}";

    /**
     * A gold value as GoldRecordSerializer writes it (flink-jobs; this module does not depend on
     * it): every decimal as a JSON number with its scale and once more as exact text under {@code
     * decimals}. The amounts are the edge cases: 16 significant digits, a trailing zero, an
     * ordinary amount; a version above 2^53, where a double would lose the last digit.
     */
    static final String VALUE =
            "{\"sale_date\":\"2026-11-29\",\"store_id\":3,\"currency\":\"USD\",\"order_count\":12,"
                    + "\"cancelled_order_count\":1,\"items_sold\":30,"
                    + "\"gross_revenue\":9999999999995.37,\"discounts\":0.10,"
                    + "\"net_revenue\":1234567.85,\"avg_order_value\":102880.65,"
                    + "\"distinct_customers\":9,\"reporting_currency\":\"EUR\","
                    + "\"exchange_rate\":0.00061538,\"net_revenue_reporting\":759.73,"
                    + "\"visitors\":240,\"conversion_rate\":0.0500,"
                    + "\"decimals\":{\"gross_revenue\":\"9999999999995.37\",\"discounts\":\"0.10\","
                    + "\"net_revenue\":\"1234567.85\",\"avg_order_value\":\"102880.65\","
                    + "\"exchange_rate\":\"0.00061538\",\"net_revenue_reporting\":\"759.73\","
                    + "\"conversion_rate\":\"0.0500\"},"
                    + "\"version\":9007199254740993,\"updated_at\":\"2026-11-29T10:15:30.123Z\","
                    + "\"deleted\":false}";

    static final List<String> DECIMALS =
            List.of(
                    "gross_revenue",
                    "discounts",
                    "net_revenue",
                    "avg_order_value",
                    "exchange_rate",
                    "net_revenue_reporting",
                    "conversion_rate");

    static SnowflakeSinkRecordPath sink;
    static ConnectorDefinition committed;

    @BeforeAll
    static void load() throws Exception {
        sink = SnowflakeSinkRecordPath.load();
        committed = ConnectorDefinition.load(Path.of("config/snowflake-sink.json"));
    }

    @AfterAll
    static void close() throws IOException {
        if (sink != null) {
            sink.close();
        }
    }

    @Test
    void theExactDecimalStringsReachTheIngestSdkUnchanged() throws Exception {
        Map<String, String> sent = tokens(VALUE);
        Map<String, String> arrived = tokens(recordContentSent(committedValueConverter()));

        for (String field : DECIMALS) {
            assertThat(arrived.get("decimals." + field))
                    .as("decimals." + field)
                    .isEqualTo(sent.get("decimals." + field));
        }
        assertThat(arrived)
                .containsEntry("decimals.gross_revenue", "\"9999999999995.37\"")
                .containsEntry("decimals.discounts", "\"0.10\"")
                .containsEntry("decimals.net_revenue", "\"1234567.85\"")
                // integers are longs on this path, never doubles: VERSION stays exact
                .containsEntry("version", "9007199254740993")
                .containsEntry("store_id", "3");
    }

    @Test
    void jsonNumbersWithAFractionComeOutOfTheConverterAsDoubles() throws Exception {
        Map<String, String> arrived = tokens(recordContentSent(committedValueConverter()));

        // measured with the committed configuration (JsonConverter 3.9.1, schemas.enable=false,
        // Snowflake sink 2.5.0): why the MERGE reads the strings under "decimals"
        assertThat(arrived)
                .containsEntry("gross_revenue", "9.99999999999537E12")
                .containsEntry("discounts", "0.1")
                .containsEntry("exchange_rate", "6.1538E-4")
                .containsEntry("conversion_rate", "0.05")
                .containsEntry("net_revenue", "1234567.85");
        assertThat(inexact(tokens(VALUE), arrived, DECIMALS))
                .containsExactlyInAnyOrder(
                        "gross_revenue", "discounts", "exchange_rate", "conversion_rate");
    }

    @Test
    void noJsonConverterSettingKeepsThemExact() throws Exception {
        // decimal.format only applies to Connect Decimal values, which schemaless JSON never has
        for (String format : List.of("NUMERIC", "BASE64")) {
            Map<String, String> config = new HashMap<>(committedValueConverter());
            config.put("decimal.format", format);
            Map<String, String> arrived = tokens(recordContentSent(config));
            assertThat(inexact(tokens(VALUE), arrived, DECIMALS)).as(format).isNotEmpty();
        }
    }

    @Test
    void theConverterIsTheWorkersAndTheRecordServiceThePlugins() throws Exception {
        assertThat(committed.config())
                .containsEntry("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        assertThat(sink.loaderOf("org.apache.kafka.connect.json.JsonConverter"))
                .isSameAs(sink.workerLoader());
        assertThat(sink.loaderOf("com.snowflake.kafka.connector.records.RecordService"))
                .isSameAs(sink.pluginLoader());
    }

    /** The value.converter.* settings of the committed connector, as the worker passes them. */
    static Map<String, String> committedValueConverter() {
        Map<String, String> config = new HashMap<>();
        committed
                .config()
                .forEach(
                        (k, v) -> {
                            if (k.startsWith("value.converter.")) {
                                config.put(k.substring("value.converter.".length()), v);
                            }
                        });
        return config;
    }

    /** RECORD_CONTENT as the ingest SDK sends it, for VALUE through the sink. */
    static String recordContentSent(Map<String, String> converterConfig) throws Exception {
        Map<String, Object> row =
                sink.row(
                        committed.config().get("value.converter"),
                        converterConfig,
                        KEY.getBytes(StandardCharsets.UTF_8),
                        VALUE.getBytes(StandardCharsets.UTF_8),
                        42);
        assertThat(row).containsKeys("RECORD_CONTENT", "RECORD_METADATA");
        return sink.variant("RECORD_CONTENT", row.get("RECORD_CONTENT"));
    }

    /** The fields whose token differs between what was sent and what arrived. */
    static List<String> inexact(
            Map<String, String> sent, Map<String, String> arrived, List<String> fields) {
        return fields.stream().filter(f -> !sent.get(f).equals(arrived.get(f))).toList();
    }

    /**
     * Every scalar of a JSON object as its raw token, by dotted path: numbers exactly as written
     * (no parsing), strings in quotes, so "0.10" and 0.10 and 0.1 are three different things.
     */
    static Map<String, String> tokens(String json) throws IOException {
        Map<String, String> tokens = new LinkedHashMap<>();
        Deque<String> path = new ArrayDeque<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            String field = null;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                switch (t) {
                    case FIELD_NAME -> field = p.currentName();
                    case START_OBJECT -> {
                        if (field != null) {
                            path.addLast(field);
                        }
                    }
                    case END_OBJECT -> path.pollLast();
                    case VALUE_STRING -> tokens.put(name(path, field), "\"" + p.getText() + "\"");
                    default -> tokens.put(name(path, field), p.getText());
                }
            }
        }
        return tokens;
    }

    private static String name(Deque<String> path, String field) {
        return path.isEmpty() ? field : String.join(".", path) + "." + field;
    }
}
