package dev.lakestream.jobs.bronze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.jobs.source.postgres.PostgresPreflight.CapturedTable;
import io.debezium.data.Envelope;
import io.debezium.data.VariableScaleDecimal;
import io.debezium.time.ZonedTimestamp;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/**
 * The change-record to bronze-row mapping, for every column type the shop schema uses. Records are
 * built with Debezium's own envelope and logical types, as its PostgreSQL connector emits them with
 * {@code decimal.handling.mode=precise}.
 */
class BronzeRowMapperTest {

    private static final long NOW = 1_764_000_000_000L;

    private static final Schema KEY =
            SchemaBuilder.struct()
                    .name("shop.shop.orders.Key")
                    .field("order_id", Schema.INT64_SCHEMA)
                    .build();

    /** Every column type of the shop schema, with the optionality PostgreSQL reports. */
    private static final Schema ROW =
            SchemaBuilder.struct()
                    .name("shop.shop.orders.Value")
                    .field("order_id", Schema.INT64_SCHEMA)
                    .field("line_no", Schema.INT32_SCHEMA)
                    .field("loyalty_tier", Schema.OPTIONAL_INT16_SCHEMA)
                    .field("status", Schema.STRING_SCHEMA)
                    .field("currency", Schema.OPTIONAL_STRING_SCHEMA)
                    .field(
                            "unit_price",
                            Decimal.builder(2).parameter("connect.decimal.precision", "12").build())
                    .field("discount", Decimal.builder(2).optional().build())
                    .field("ratio", VariableScaleDecimal.optionalSchema())
                    .field("created_at", ZonedTimestamp.builder().build())
                    .field("opened_on", io.debezium.time.Date.builder().optional().build())
                    .field("active", Schema.BOOLEAN_SCHEMA)
                    .field("note", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("description", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("photo", Schema.OPTIONAL_BYTES_SCHEMA)
                    .build();

    private static final Schema SOURCE =
            SchemaBuilder.struct()
                    .name("io.debezium.connector.postgresql.Source")
                    .field("version", Schema.STRING_SCHEMA)
                    .field("connector", Schema.STRING_SCHEMA)
                    .field("name", Schema.STRING_SCHEMA)
                    .field("ts_ms", Schema.INT64_SCHEMA)
                    .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("db", Schema.STRING_SCHEMA)
                    .field("schema", Schema.STRING_SCHEMA)
                    .field("table", Schema.STRING_SCHEMA)
                    .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
                    .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
                    .build();

    private static final Envelope ENVELOPE =
            Envelope.defineSchema()
                    .withName("shop.shop.orders.Envelope")
                    .withRecord(ROW)
                    .withSource(SOURCE)
                    .build();

    private static final CapturedTable ORDERS_DEFAULT_IDENTITY =
            new CapturedTable("shop.orders", List.of("order_id"), false);

    private final BronzeRowMapper mapper =
            new BronzeRowMapper(
                    "postgres:shop", Map.of("shop.orders", ORDERS_DEFAULT_IDENTITY), () -> NOW);

    @Test
    void insertKeepsEveryTypeExactly() {
        Struct after = fullRow(42L, "PLACED");
        after.put(
                "ratio",
                VariableScaleDecimal.fromLogical(
                        VariableScaleDecimal.optionalSchema(), new BigDecimal("0.125000")));

        GenericRowData row = mapper.map(record(Envelope.Operation.CREATE, null, after, 1234L, 77L));

        assertThat(row.getString(BronzeRow.SOURCE).toString()).isEqualTo("postgres:shop");
        assertThat(row.getString(BronzeRow.SOURCE_TABLE).toString()).isEqualTo("shop.orders");
        assertThat(row.getString(BronzeRow.OP).toString()).isEqualTo("c");
        assertThat(row.getLong(BronzeRow.LSN)).isEqualTo(1234L);
        assertThat(row.getLong(BronzeRow.TX_ID)).isEqualTo(77L);
        assertThat(row.getTimestamp(BronzeRow.SOURCE_TS, 6).getMillisecond())
                .isEqualTo(1_700_000_000_123L);
        assertThat(row.getTimestamp(BronzeRow.INGEST_TS, 6).getMillisecond()).isEqualTo(NOW);
        assertThat(row.getString(BronzeRow.KEY).toString()).isEqualTo("{\"order_id\":42}");
        assertThat(row.isNullAt(BronzeRow.BEFORE)).isTrue();
        assertThat(row.isNullAt(BronzeRow.UNAVAILABLE_COLUMNS)).isTrue();
        assertThat(row.getString(BronzeRow.AFTER).toString())
                .isEqualTo(
                        "{\"order_id\":42,\"line_no\":3,\"loyalty_tier\":2,\"status\":\"PLACED\","
                                + "\"currency\":\"EUR\",\"unit_price\":12.50,\"discount\":0.00,"
                                + "\"ratio\":0.125000,"
                                + "\"created_at\":\"2026-11-29T23:30:00.123456Z\","
                                + "\"opened_on\":\"2024-02-29\",\"active\":true,"
                                + "\"note\":null,\"description\":\"caf\u00e9 \\\"best\\\"\","
                                + "\"photo\":\"AQID\"}");
    }

    @Test
    void textOutsideAsciiAndControlCharactersAreWrittenAsUtf8Json() {
        // the images are written as UTF-8 bytes: characters beyond the BMP stay one code point,
        // control characters are escaped, and the row's text reads back as it was written
        Struct after = fullRow(43L, "PLACED");
        after.put("note", "\u65e5\u672c \ud83d\ude00 tab\t line\n back\\slash \u0001");

        GenericRowData row = mapper.map(record(Envelope.Operation.CREATE, null, after, 1L, 2L));

        String json = row.getString(BronzeRow.AFTER).toString();
        assertThat(json)
                .contains(
                        "\"note\":\"\u65e5\u672c \ud83d\ude00 tab\\t line\\n back\\\\slash"
                                + " \\u0001\"");
        assertThat(row.getString(BronzeRow.AFTER).toBytes())
                .isEqualTo(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void nullsStayNullAndLargeScalesStayPlain() {
        Struct after = fullRow(7L, "PAID");
        after.put("currency", null);
        after.put("discount", null);
        after.put("opened_on", null);
        after.put("loyalty_tier", null);
        after.put("unit_price", new BigDecimal("1234567890.10"));

        String json =
                mapper.map(record(Envelope.Operation.CREATE, null, after, 1L, 1L))
                        .getString(BronzeRow.AFTER)
                        .toString();

        assertThat(json)
                .contains("\"currency\":null")
                .contains("\"discount\":null")
                .contains("\"opened_on\":null")
                .contains("\"loyalty_tier\":null")
                .contains("\"unit_price\":1234567890.10")
                .doesNotContain("E+");
    }

    @Test
    void deleteUnderDefaultReplicaIdentityCarriesOnlyTheKey() {
        // Debezium fills the columns PostgreSQL did not send with NULLs and defaults
        Struct before = new Struct(ROW);
        before.put("order_id", 42L);
        before.put("line_no", 0);
        before.put("status", "");
        before.put("unit_price", new BigDecimal("0.00"));
        before.put("created_at", "1970-01-01T00:00:00Z");
        before.put("active", false);

        GenericRowData row = mapper.map(record(Envelope.Operation.DELETE, before, null, 999L, 5L));

        assertThat(row.getString(BronzeRow.OP).toString()).isEqualTo("d");
        assertThat(row.getString(BronzeRow.BEFORE).toString()).isEqualTo("{\"order_id\":42}");
        assertThat(row.isNullAt(BronzeRow.AFTER)).isTrue();
        assertThat(row.getString(BronzeRow.KEY).toString()).isEqualTo("{\"order_id\":42}");
    }

    @Test
    void aTruncateBecomesOneRowWithoutKeyOrImages() {
        // what Debezium 1.9 sends with truncate.handling.mode=include: no key, op "t"
        Struct value = ENVELOPE.truncate(source(4242L, 9L), java.time.Instant.ofEpochMilli(NOW));
        SourceRecord truncate =
                new SourceRecord(
                        Map.of(),
                        Map.of(),
                        "shop.shop.orders",
                        null,
                        null,
                        ENVELOPE.schema(),
                        value);

        GenericRowData row = mapper.map(truncate);

        assertThat(row.getString(BronzeRow.OP).toString()).isEqualTo(BronzeRowMapper.TRUNCATE);
        assertThat(row.getString(BronzeRow.KEY).toString()).isEqualTo("{}");
        assertThat(row.getLong(BronzeRow.LSN)).isEqualTo(4242L);
        assertThat(row.isNullAt(BronzeRow.BEFORE)).isTrue();
        assertThat(row.isNullAt(BronzeRow.AFTER)).isTrue();
    }

    @Test
    void fullReplicaIdentityKeepsTheWholeBeforeImage() {
        BronzeRowMapper full =
                new BronzeRowMapper(
                        "postgres:shop",
                        Map.of(
                                "shop.orders",
                                new CapturedTable("shop.orders", List.of("order_id"), true)),
                        () -> NOW);
        Struct before = fullRow(42L, "PLACED");
        Struct after = fullRow(42L, "PAID");

        GenericRowData row = full.map(record(Envelope.Operation.UPDATE, before, after, 10L, 2L));

        assertThat(row.getString(BronzeRow.BEFORE).toString())
                .contains("\"status\":\"PLACED\"", "\"unit_price\":12.50");
        assertThat(row.getString(BronzeRow.AFTER).toString()).contains("\"status\":\"PAID\"");
    }

    @Test
    void unchangedToastValuesAreNamedNotWritten() {
        Struct after = fullRow(42L, "SHIPPED");
        after.put("description", ConnectJson.UNAVAILABLE_PLACEHOLDER);
        after.put("photo", ByteBuffer.wrap(ConnectJson.UNAVAILABLE_PLACEHOLDER.getBytes()));

        GenericRowData row = mapper.map(record(Envelope.Operation.UPDATE, null, after, 11L, 3L));

        String json = row.getString(BronzeRow.AFTER).toString();
        assertThat(json)
                .doesNotContain("__debezium_unavailable_value")
                .doesNotContain("\"description\"")
                .doesNotContain("\"photo\"");
        assertThat(json).contains("\"status\":\"SHIPPED\"");
        ArrayData unavailable = row.getArray(BronzeRow.UNAVAILABLE_COLUMNS);
        assertThat(unavailable.size()).isEqualTo(2);
        assertThat(unavailable.getString(0).toString()).isEqualTo("description");
        assertThat(unavailable.getString(1).toString()).isEqualTo("photo");
    }

    @Test
    void snapshotReadsAreMarkedRWithoutPlaceholderPositionOrTime() {
        GenericRowData row =
                mapper.map(
                        record(Envelope.Operation.READ, null, fullRow(1L, "PLACED"), 500L, null));

        assertThat(row.getString(BronzeRow.OP).toString()).isEqualTo("r");
        assertThat(row.getLong(BronzeRow.LSN)).isEqualTo(500L);
        assertThat(row.isNullAt(BronzeRow.TX_ID)).isTrue();
        assertThat(row.isNullAt(BronzeRow.SOURCE_TS)).as("ts_ms 1.7e12 is a real time").isFalse();

        // what Flink CDC's incremental snapshot really emits: no LSN, ts_ms 0
        Struct source = source(null, null);
        source.put("ts_ms", 0L);
        Struct value =
                ENVELOPE.read(fullRow(2L, "PAID"), source, java.time.Instant.ofEpochMilli(NOW));
        GenericRowData read =
                mapper.map(
                        new SourceRecord(
                                Map.of(),
                                Map.of(),
                                "t",
                                KEY,
                                new Struct(KEY).put("order_id", 2L),
                                ENVELOPE.schema(),
                                value));
        assertThat(read.getLong(BronzeRow.LSN)).isZero();
        assertThat(read.isNullAt(BronzeRow.SOURCE_TS)).isTrue();
    }

    @Test
    void recordsThatAreNotRowChangesAreSkipped() {
        Schema heartbeat =
                SchemaBuilder.struct()
                        .name("io.debezium.connector.common.Heartbeat")
                        .field("ts_ms", Schema.INT64_SCHEMA)
                        .build();
        Struct value = new Struct(heartbeat).put("ts_ms", 1L);
        SourceRecord record =
                new SourceRecord(
                        Map.of(),
                        Map.of(),
                        "__debezium-heartbeat.shop",
                        null,
                        null,
                        heartbeat,
                        value);

        assertThat(mapper.map(record)).isNull();
    }

    @Test
    void aChangeForATableNotCapturedIsAnError() {
        Struct source = source(1L, 1L);
        source.put("table", "refunds");
        Struct value =
                ENVELOPE.create(fullRow(1L, "PLACED"), source, java.time.Instant.ofEpochMilli(NOW));
        SourceRecord record =
                new SourceRecord(
                        Map.of(),
                        Map.of(),
                        "t",
                        KEY,
                        new Struct(KEY).put("order_id", 1L),
                        ENVELOPE.schema(),
                        value);

        assertThatThrownBy(() -> mapper.map(record))
                .hasMessageContaining("shop.refunds")
                .hasMessageContaining("source.postgres.tables");
    }

    private static Struct fullRow(long orderId, String status) {
        Struct s = new Struct(ROW);
        s.put("order_id", orderId);
        s.put("line_no", 3);
        s.put("loyalty_tier", (short) 2);
        s.put("status", status);
        s.put("currency", "EUR");
        s.put("unit_price", new BigDecimal("12.50"));
        s.put("discount", new BigDecimal("0.00"));
        s.put("created_at", "2026-11-29T23:30:00.123456Z");
        s.put("opened_on", (int) java.time.LocalDate.of(2024, 2, 29).toEpochDay());
        s.put("active", true);
        s.put("note", null);
        s.put("description", "caf\u00e9 \"best\"");
        s.put("photo", ByteBuffer.wrap(new byte[] {1, 2, 3}));
        return s;
    }

    private static Struct source(Long lsn, Long txId) {
        Struct s = new Struct(SOURCE);
        s.put("version", "1.9.8.Final");
        s.put("connector", "postgresql");
        s.put("name", "postgres_cdc_source");
        s.put("ts_ms", 1_700_000_000_123L);
        s.put("db", "shop");
        s.put("schema", "shop");
        s.put("table", "orders");
        s.put("txId", txId);
        s.put("lsn", lsn);
        return s;
    }

    private static SourceRecord record(
            Envelope.Operation op, Struct before, Struct after, Long lsn, Long txId) {
        Struct source = source(lsn, txId);
        java.time.Instant ts = java.time.Instant.ofEpochMilli(NOW);
        Struct value =
                switch (op) {
                    case CREATE -> ENVELOPE.create(after, source, ts);
                    case READ -> ENVELOPE.read(after, source, ts);
                    case UPDATE -> ENVELOPE.update(before, after, source, ts);
                    case DELETE -> ENVELOPE.delete(before, source, ts);
                    default -> throw new IllegalArgumentException(op.toString());
                };
        long id = after != null ? after.getInt64("order_id") : before.getInt64("order_id");
        return new SourceRecord(
                Map.of(),
                Map.of(),
                "shop.shop.orders",
                KEY,
                new Struct(KEY).put("order_id", id),
                ENVELOPE.schema(),
                value);
    }
}
