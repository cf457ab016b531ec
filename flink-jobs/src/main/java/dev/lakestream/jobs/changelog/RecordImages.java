package dev.lakestream.jobs.changelog;

import dev.lakestream.catalog.SilverTables;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Brings a record of the REST or file sources into the shape of a database row image, so that the
 * silver machinery built for CDC (LSN order per key, cleansing rules, typed upserts) applies to it
 * unchanged.
 *
 * <p>Records are not typed the way database rows are: a CSV field is always text ({@code "42"}),
 * and APIs quote decimals to keep their precision ({@code "1.0821"}). Where the silver column is a
 * number, a boolean, an instant or a date and the text is exactly one, it becomes that value (an
 * instant in any ISO offset form); an empty field is null. Anything else stays as it came, so the
 * cleansing rules refuse it with the value in the reason. Nothing is rounded or guessed.
 *
 * <p>The key is rebuilt from the coerced key columns, so {@code "3"} in a CSV and {@code 3} in a
 * JSON line name the same store. A record without a usable key value gets a key of its own (its
 * origin and position): it cannot be ordered against others, and must not hide them or be hidden by
 * them, so the rules refuse it alone.
 */
public final class RecordImages {

    private RecordImages() {}

    /** Whether a bronze source table holds records of the REST or file sources. */
    public static boolean isRecordTable(String sourceTable) {
        return sourceTable.startsWith("rest.") || sourceTable.startsWith("files.");
    }

    /** The record's values as values of its silver columns' types, where they are such. */
    public static Map<String, Object> coerce(String sourceTable, Map<String, Object> values) {
        Schema schema = SilverTables.definitionFor(sourceTable).schema();
        Map<String, Object> coerced = new LinkedHashMap<>(values);
        for (Types.NestedField column : schema.columns()) {
            if (values.containsKey(column.name())) {
                coerced.put(column.name(), coerce(values.get(column.name()), column.type()));
            }
        }
        return coerced;
    }

    /**
     * The key JSON of a coerced record: its key columns in table order, or {@code
     * {"origin":...,"position":...}} when one of them is missing or not of its type.
     */
    public static String key(
            String sourceTable, Map<String, Object> coerced, String origin, long position) {
        Schema schema = SilverTables.definitionFor(sourceTable).schema();
        StringBuilder key = new StringBuilder("{");
        for (Types.NestedField column : schema.columns()) {
            if (!schema.identifierFieldNames().contains(column.name())) {
                continue;
            }
            Object value = coerced.get(column.name());
            if (!usable(value, column.type())) {
                return "{\"origin\":"
                        + JsonImages.quote(origin == null ? "" : origin)
                        + ",\"position\":"
                        + position
                        + "}";
            }
            if (key.length() > 1) {
                key.append(',');
            }
            key.append(JsonImages.quote(column.name())).append(':').append(JsonImages.write(value));
        }
        return key.append('}').toString();
    }

    /** Whether a coerced value is one of its key column's type, as silver's rules will see it. */
    private static boolean usable(Object value, Type type) {
        return switch (type.typeId()) {
            case LONG -> value instanceof Long;
            case INTEGER ->
                    value instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE;
            case STRING -> value instanceof String;
            case TIMESTAMP -> value instanceof Instant i && i.getNano() % 1_000 == 0;
            case DATE -> value instanceof LocalDate;
            default -> false;
        };
    }

    static Object coerce(Object value, Type type) {
        if (!(value instanceof String s)) {
            return value;
        }
        String text = s.strip();
        if (text.isEmpty()) {
            return null;
        }
        switch (type.typeId()) {
            case LONG:
            case INTEGER:
                if (text.matches("[+-]?\\d{1,19}")) {
                    try {
                        return Long.parseLong(text);
                    } catch (NumberFormatException e) {
                        return value; // beyond a long: the rules refuse it, naming the value
                    }
                }
                return value;
            case DECIMAL:
                try {
                    return new BigDecimal(text);
                } catch (NumberFormatException e) {
                    return value;
                }
            case BOOLEAN:
                return text.equals("true") || text.equals("false") ? Boolean.valueOf(text) : value;
            case TIMESTAMP:
                try {
                    return OffsetDateTime.parse(text).toInstant();
                } catch (DateTimeException e) {
                    return value;
                }
            case DATE:
                try {
                    return LocalDate.parse(text);
                } catch (DateTimeException e) {
                    return value;
                }
            case STRING:
                return text;
            default:
                return value;
        }
    }
}
