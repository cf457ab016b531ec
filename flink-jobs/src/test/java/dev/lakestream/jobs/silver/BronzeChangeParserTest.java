package dev.lakestream.jobs.silver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.jobs.bronze.BronzeRow;
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
                .containsEntry("order_id", "1")
                .containsEntry("unit_price", "12.50")
                .containsEntry("note", "null")
                .containsEntry("active", "true")
                .containsEntry("created_at", "\"2026-11-29T23:30:00Z\"")
                .containsEntry("name", "\"caf\u00e9 \\\"best\\\"\"");
        assertThat(e.unavailableColumns).containsExactly("description");
    }

    @Test
    void nestedJsonColumnsStayJsonText() {
        ChangeEvent e = parser.parse(bronze("c", 3, "{\"attrs\":{\"size\":\"M\",\"tags\":[1,2]}}"));
        assertThat(e.values)
                .containsEntry("attrs", "\"{\\\"size\\\":\\\"M\\\",\\\"tags\\\":[1,2]}\"");
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
    void aMalformedImageNamesTableAndKey() {
        assertThatThrownBy(() -> parser.parse(bronze("c", 1, "[1,2]")))
                .hasMessageContaining("shop.orders")
                .hasMessageContaining("{\"order_id\":1}");
        assertThatThrownBy(() -> parser.parse(bronze("c", 1, "{\"a\":")))
                .hasMessageContaining("malformed");
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
