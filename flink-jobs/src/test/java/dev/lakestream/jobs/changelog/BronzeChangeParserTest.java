package dev.lakestream.jobs.changelog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.jobs.bronze.BronzeRow;
import java.math.BigDecimal;
import java.util.Map;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.junit.jupiter.api.Test;

class BronzeChangeParserTest {

    private final BronzeChangeParser parser = new BronzeChangeParser();

    @Test
    void keepsEveryValueAsTheLiteralBronzeWrote() {
        ChangeEvent e =
                parser.parse(
                        bronze(
                                "u",
                                42,
                                "{\"order_id\":1,\"unit_price\":12.50,\"note\":null,\"active\":true,"
                                        + "\"created_at\":\"2026-11-29T23:30:00Z\",\"name\":\"caf\\u00e9 \\\"best\\\"\"}",
                                "description"));

        assertThat(e.op).isEqualTo("u");
        assertThat(e.table).isEqualTo("shop.orders");
        assertThat(e.key).isEqualTo("{\"order_id\":1}");
        assertThat(e.lsn).isEqualTo(42);
        assertThat(e.values)
                .containsEntry("order_id", 1L)
                .containsEntry("unit_price", new BigDecimal("12.50"))
                .containsEntry("note", null)
                .containsEntry("active", true)
                .containsEntry("created_at", "2026-11-29T23:30:00Z")
                .containsEntry("name", "caf\u00e9 \"best\"");
        assertThat(((BigDecimal) e.values.get("unit_price")).scale())
                .as("the scale as written")
                .isEqualTo(2);
        assertThat(e.unavailableColumns).containsExactly("description");
    }

    @Test
    void aCorrectionIsMarkedWithItsOverridesAndACdcRowIsNot() {
        GenericRowData row = bronze("u", 42, "{\"order_id\":1,\"status\":\"PAID\"}");
        row.setField(
                BronzeRow.ORIGIN,
                StringData.fromString(
                        Corrections.ORIGIN_PREFIX
                                + "{\"reject\":{\"lsn\":42},\"overrides\":[\"orders.status.allowed\"]}"));
        ChangeEvent e = parser.parse(row);
        assertThat(e.correction).isTrue();
        assertThat(e.overrides).isEqualTo("orders.status.allowed");
        assertThat(e.lsn).isEqualTo(42);

        ChangeEvent cdc = parser.parse(bronze("u", 42, "{\"order_id\":1}"));
        assertThat(cdc.correction).isFalse();
        assertThat(cdc.overrides).isNull();
    }

    @Test
    void nestedJsonColumnsStayJsonText() {
        ChangeEvent e = parser.parse(bronze("c", 3, "{\"attrs\":{\"size\":\"M\",\"tags\":[1,2]}}"));
        assertThat(e.values).containsEntry("attrs", "{\"size\":\"M\",\"tags\":[1,2]}");
    }

    @Test
    void deletesCarryNoValues() {
        GenericRowData row = bronze("d", 7, null);
        row.setField(BronzeRow.BEFORE, StringData.fromString("{\"order_id\":1}"));
        ChangeEvent e = parser.parse(row);
        assertThat(e.isDelete()).isTrue();
        assertThat(e.values).isEmpty();
        assertThat(e.unavailableColumns).isEmpty();
    }

    @Test
    void aMalformedImageBecomesAReasonNamingTableAndKeyNotAFailure() {
        assertThat(reason("[1,2]")).contains("shop.orders").contains("{\"order_id\":1}");
        assertThat(
                        (String)
                                parser.parse(bronze("c", 1, "{\"a\":"))
                                        .values
                                        .get(BronzeChangeParser.MALFORMED_IMAGE))
                .contains("malformed");
    }

    /** The poison pills of the CDC path: each one a reason, none a failure of the job. */
    @Test
    void oversizedTextDeepJsonAndHugeNumbersAreReasonsNotFailures() {
        String text = "x".repeat(30 * 1024 * 1024);
        String deep = "[".repeat(2000) + "]".repeat(2000);
        String digits = "9".repeat(2000);
        assertThat(reason("{\"note\":\"" + text + "\"}")).contains("String value length");
        assertThat(reason("{\"attrs\":" + deep + "}")).contains("nesting depth");
        assertThat(reason("{\"amount\":" + digits + "}")).contains("Number value length");
        assertThat(reason("{\"amount\":0." + digits + "}")).contains("Number value length");

        // just inside the limits: read
        String longest = "y".repeat(BronzeChangeParser.MAX_STRING_LENGTH);
        assertThat(
                        (String)
                                parser.parse(bronze("c", 1, "{\"note\":\"" + longest + "\"}"))
                                        .values
                                        .get("note"))
                .hasSize(BronzeChangeParser.MAX_STRING_LENGTH);
        String deepest =
                "[".repeat(BronzeChangeParser.MAX_NESTING_DEPTH - 1)
                        + "]".repeat(BronzeChangeParser.MAX_NESTING_DEPTH - 1);
        assertThat(parser.parse(bronze("c", 1, "{\"attrs\":" + deepest + "}")).values)
                .containsKey("attrs");
    }

    private String reason(String after) {
        Map<String, Object> values = parser.parse(bronze("u", 1, after)).values;
        assertThat(values).containsOnlyKeys(BronzeChangeParser.MALFORMED_IMAGE);
        return (String) values.get(BronzeChangeParser.MALFORMED_IMAGE);
    }

    private static GenericRowData bronze(String op, long lsn, String after, String... unavailable) {
        GenericRowData row = new GenericRowData(BronzeRow.ARITY);
        row.setField(BronzeRow.SOURCE, StringData.fromString("postgres:shop"));
        row.setField(BronzeRow.SOURCE_TABLE, StringData.fromString("shop.orders"));
        row.setField(BronzeRow.OP, StringData.fromString(op));
        row.setField(BronzeRow.LSN, lsn);
        row.setField(BronzeRow.INGEST_TS, TimestampData.fromEpochMillis(0));
        row.setField(BronzeRow.KEY, StringData.fromString("{\"order_id\":1}"));
        row.setField(BronzeRow.AFTER, after == null ? null : StringData.fromString(after));
        if (unavailable.length > 0) {
            StringData[] names = new StringData[unavailable.length];
            for (int i = 0; i < unavailable.length; i++) {
                names[i] = StringData.fromString(unavailable[i]);
            }
            row.setField(BronzeRow.UNAVAILABLE_COLUMNS, new GenericArrayData(names));
        }
        return row;
    }
}
