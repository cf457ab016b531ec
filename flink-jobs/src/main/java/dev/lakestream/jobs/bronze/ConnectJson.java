package dev.lakestream.jobs.bronze;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * Writes a Debezium row image ({@link Struct}) as JSON text, straight from the record's values: no
 * Kafka Connect {@code JsonConverter} round trip, which is where the stock JSON deserializer spends
 * its time.
 *
 * <p>Values keep their meaning exactly: NUMERIC as a JSON number with its scale ({@code 12.50}
 * stays {@code 12.50}), timestamptz as ISO-8601 UTC text, date as {@code YYYY-MM-DD}, timestamp
 * without time zone as ISO local date-time, bytea as base64, json/jsonb embedded as JSON.
 */
final class ConnectJson {

    /** Debezium's stand-in for an unchanged TOAST value PostgreSQL did not send. */
    static final String UNAVAILABLE_PLACEHOLDER = "__debezium_unavailable_value";

    private static final byte[] UNAVAILABLE_BYTES =
            UNAVAILABLE_PLACEHOLDER.getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private ConnectJson() {}

    /** True when the value is the unchanged-TOAST placeholder rather than data. */
    static boolean isUnavailable(Object value) {
        if (value instanceof String s) {
            return UNAVAILABLE_PLACEHOLDER.equals(s);
        }
        if (value instanceof byte[] b) {
            return java.util.Arrays.equals(b, UNAVAILABLE_BYTES);
        }
        if (value instanceof ByteBuffer buffer) {
            return buffer.remaining() == UNAVAILABLE_BYTES.length
                    && buffer.duplicate().equals(ByteBuffer.wrap(UNAVAILABLE_BYTES));
        }
        if (value instanceof List<?> list) {
            return list.size() == 1 && isUnavailable(list.get(0));
        }
        return false;
    }

    /**
     * Writes the struct's fields as a JSON object.
     *
     * @param only if not null, the only fields to write (e.g. the key of a key-only image)
     * @param skip fields to leave out (unavailable TOAST values)
     */
    static void writeStruct(JsonGenerator json, Struct struct, Set<String> only, Set<String> skip)
            throws IOException {
        json.writeStartObject();
        for (Field field : struct.schema().fields()) {
            String name = field.name();
            if ((only != null && !only.contains(name)) || skip.contains(name)) {
                continue;
            }
            json.writeFieldName(name);
            writeValue(json, field.schema(), struct.get(field));
        }
        json.writeEndObject();
    }

    /**
     * Writes a row image as a JSON object, leaving out its unchanged-TOAST placeholders in the same
     * pass that writes the rest.
     *
     * @param only if not null, the only fields to write (e.g. the key of a key-only image)
     * @param unavailable if not null, receives the names of the fields left out as unavailable, in
     *     field order
     */
    static void writeImage(
            JsonGenerator json, Struct struct, Set<String> only, List<String> unavailable)
            throws IOException {
        json.writeStartObject();
        for (Field field : struct.schema().fields()) {
            String name = field.name();
            if (only != null && !only.contains(name)) {
                continue;
            }
            Object value = struct.get(field);
            if (isUnavailable(value)) {
                if (unavailable != null) {
                    unavailable.add(name);
                }
                continue;
            }
            json.writeFieldName(name);
            writeValue(json, field.schema(), value);
        }
        json.writeEndObject();
    }

    static void writeValue(JsonGenerator json, Schema schema, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
            return;
        }
        String logical = schema.name();
        if (logical != null) {
            switch (logical) {
                case "org.apache.kafka.connect.data.Decimal" -> {
                    writeDecimal(json, (BigDecimal) value);
                    return;
                }
                case "io.debezium.data.VariableScaleDecimal" -> {
                    Struct s = (Struct) value;
                    BigDecimal d =
                            new BigDecimal(
                                    new java.math.BigInteger(bytes(s.get("value"))),
                                    s.getInt32("scale"));
                    writeDecimal(json, d);
                    return;
                }
                case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date" -> {
                    LocalDate date =
                            value instanceof java.util.Date d
                                    ? LocalDate.ofEpochDay(Math.floorDiv(d.getTime(), 86_400_000L))
                                    : LocalDate.ofEpochDay(((Number) value).longValue());
                    json.writeString(date.toString());
                    return;
                }
                case "io.debezium.time.MicroTimestamp" -> {
                    long micros = ((Number) value).longValue();
                    json.writeString(
                            LocalDateTime.ofEpochSecond(
                                            Math.floorDiv(micros, 1_000_000L),
                                            (int) Math.floorMod(micros, 1_000_000L) * 1000,
                                            ZoneOffset.UTC)
                                    .toString());
                    return;
                }
                case "io.debezium.time.Timestamp" -> {
                    long millis = ((Number) value).longValue();
                    json.writeString(
                            LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC)
                                    .toString());
                    return;
                }
                case "io.debezium.time.NanoTimestamp" -> {
                    long nanos = ((Number) value).longValue();
                    json.writeString(
                            LocalDateTime.ofEpochSecond(
                                            Math.floorDiv(nanos, 1_000_000_000L),
                                            (int) Math.floorMod(nanos, 1_000_000_000L),
                                            ZoneOffset.UTC)
                                    .toString());
                    return;
                }
                case "org.apache.kafka.connect.data.Timestamp" -> {
                    json.writeString(((java.util.Date) value).toInstant().toString());
                    return;
                }
                case "io.debezium.time.MicroTime" -> {
                    json.writeString(
                            LocalTime.ofNanoOfDay(((Number) value).longValue() * 1000).toString());
                    return;
                }
                case "io.debezium.time.Time" -> {
                    json.writeString(
                            LocalTime.ofNanoOfDay(((Number) value).longValue() * 1_000_000L)
                                    .toString());
                    return;
                }
                case "io.debezium.data.Json" -> {
                    json.writeRawValue((String) value);
                    return;
                }
                default -> {
                    // ZonedTimestamp, ZonedTime, Uuid, Enum...: their value type says it all
                }
            }
        }
        switch (schema.type()) {
            case INT8, INT16, INT32, INT64 -> json.writeNumber(((Number) value).longValue());
            case FLOAT32, FLOAT64 -> {
                double d = ((Number) value).doubleValue();
                if (Double.isFinite(d)) {
                    json.writeNumber(d);
                } else {
                    json.writeString(Double.toString(d));
                }
            }
            case BOOLEAN -> json.writeBoolean((Boolean) value);
            case STRING -> json.writeString((String) value);
            case BYTES -> json.writeString(Base64.getEncoder().encodeToString(bytes(value)));
            case ARRAY -> {
                json.writeStartArray();
                for (Object element : (List<?>) value) {
                    writeValue(json, schema.valueSchema(), element);
                }
                json.writeEndArray();
            }
            case MAP -> {
                json.writeStartObject();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    json.writeFieldName(String.valueOf(e.getKey()));
                    writeValue(json, schema.valueSchema(), e.getValue());
                }
                json.writeEndObject();
            }
            case STRUCT -> writeStruct(json, (Struct) value, null, Set.of());
            default -> json.writeString(value.toString());
        }
    }

    private static void writeDecimal(JsonGenerator json, BigDecimal d) throws IOException {
        // toPlainString keeps the scale (12.50) and never switches to exponent notation
        json.writeNumber(d.toPlainString());
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        return b;
    }
}
