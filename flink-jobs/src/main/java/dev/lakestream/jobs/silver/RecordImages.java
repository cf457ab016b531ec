package dev.lakestream.jobs.silver;

import dev.lakestream.catalog.SilverTables;
import java.math.BigDecimal;
import java.time.DateTimeException;
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
 * number or a boolean and the text is exactly one, the literal is unquoted; an instant in any ISO
 * offset form becomes canonical UTC; an empty field is null. Anything else stays as it came, so the
 * cleansing rules refuse it with the value in the reason. Nothing is rounded or guessed.
 *
 * <p>The key is rebuilt from the coerced key columns, so {@code "3"} in a CSV and {@code 3} in a
 * JSON line name the same store. A record without a usable key value gets a key of its own (its
 * origin and position): it cannot be ordered against others, and must not hide them or be hidden by
 * them, so the rules refuse it alone.
 */
public final class RecordImages {

    /** Decimals with a larger exponent are left as they came rather than written out in full. */
    static final int MAX_PLAIN_SCALE = 1000;

    private RecordImages() {}

    /** Whether a bronze source table holds records of the REST or file sources. */
    public static boolean isRecordTable(String sourceTable) {
        return sourceTable.startsWith("rest.") || sourceTable.startsWith("files.");
    }

    /** The record's values as literals of its silver columns' types, where they are such. */
    public static Map<String, String> coerce(String sourceTable, Map<String, String> values) {
        Schema schema = SilverTables.definitionFor(sourceTable).schema();
        Map<String, String> coerced = new LinkedHashMap<>(values);
        for (Types.NestedField column : schema.columns()) {
            String literal = values.get(column.name());
            if (literal != null) {
                coerced.put(column.name(), coerce(literal, column.type()));
            }
        }
        return coerced;
    }

    /**
     * The key JSON of a coerced record: its key columns in table order, or {@code
     * {"origin":...,"position":...}} when one of them is missing or not of its type.
     */
    public static String key(
            String sourceTable, Map<String, String> coerced, String origin, long position) {
        Schema schema = SilverTables.definitionFor(sourceTable).schema();
        StringBuilder key = new StringBuilder("{");
        for (Types.NestedField column : schema.columns()) {
            if (!schema.identifierFieldNames().contains(column.name())) {
                continue;
            }
            String literal = coerced.get(column.name());
            if (!usable(literal, column.type())) {
                return "{\"origin\":"
                        + SilverLiterals.quote(origin == null ? "" : origin)
                        + ",\"position\":"
                        + position
                        + "}";
            }
            if (key.length() > 1) {
                key.append(',');
            }
            key.append(SilverLiterals.quote(column.name())).append(':').append(literal);
        }
        return key.append('}').toString();
    }

    private static boolean usable(String literal, Type type) {
        try {
            return SilverLiterals.parse(literal, type) != null;
        } catch (SilverLiterals.LiteralException e) {
            return false;
        }
    }

    static String coerce(String literal, Type type) {
        if (!literal.startsWith("\"")) {
            return literal;
        }
        String text;
        try {
            Object parsed = SilverLiterals.parse(literal, Types.StringType.get());
            text = ((String) parsed).strip();
        } catch (SilverLiterals.LiteralException e) {
            return literal;
        }
        if (text.isEmpty()) {
            return "null";
        }
        switch (type.typeId()) {
            case LONG:
            case INTEGER:
                return text.matches("[+-]?\\d{1,19}") ? text.replaceFirst("^\\+", "") : literal;
            case DECIMAL:
                try {
                    BigDecimal d = new BigDecimal(text);
                    // toPlainString of 1e999999999 writes a billion digits: leave such a value
                    // as it came, for the decimal rule to refuse
                    return Math.abs((long) d.scale()) > MAX_PLAIN_SCALE
                            ? literal
                            : d.toPlainString();
                } catch (NumberFormatException e) {
                    return literal;
                }
            case BOOLEAN:
                return text.equals("true") || text.equals("false") ? text : literal;
            case TIMESTAMP:
                try {
                    return SilverLiterals.quote(OffsetDateTime.parse(text).toInstant().toString());
                } catch (DateTimeException e) {
                    return literal;
                }
            case DATE:
            case STRING:
                return SilverLiterals.quote(text);
            default:
                return literal;
        }
    }
}
