package dev.lakestream.jobs.changelog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bronze's JSON row images to typed column values, once, and typed values back to JSON where a
 * person reads them (quarantine, reasons, keys).
 *
 * <pre>
 *  JSON                    Java value
 *  "text"                  String (escapes decoded)
 *  42                      Long (a longer integer: BigDecimal)
 *  12.50, 1e3              BigDecimal, exactly as written (12.50 keeps its scale)
 *  true / false            Boolean
 *  null                    null (the column is present)
 *  {...} / [...]           String: the nested json/jsonb value's JSON text
 * </pre>
 *
 * Silver's rules then type each value into its column's type (an int, an instant, a date, a decimal
 * at the column's scale); nothing between bronze and the Kafka record goes back to text.
 */
public final class JsonImages {

    /** The longest text value read (characters): Jackson's default, stated. */
    public static final int MAX_STRING_LENGTH = 20_000_000;

    /** The deepest json/jsonb nesting read: Jackson's default, stated. */
    public static final int MAX_NESTING_DEPTH = 1000;

    /** The most digits of a number read: Jackson's default, stated. */
    public static final int MAX_NUMBER_LENGTH = 1000;

    /** Decimals with a larger exponent are written as {@code 1E+2000}, not in full. */
    static final int MAX_PLAIN_SCALE = 1000;

    // a factory with a codec, so nested json/jsonb values can be read as trees
    private static final JsonFactory JSON = new ObjectMapper().getFactory();

    static {
        JSON.setStreamReadConstraints(
                StreamReadConstraints.builder()
                        .maxStringLength(MAX_STRING_LENGTH)
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .build());
    }

    private JsonImages() {}

    /**
     * The typed values of a flat JSON object, in its column order.
     *
     * @throws IllegalArgumentException naming table and key when the text is no JSON object or
     *     breaks the limits above
     */
    public static Map<String, Object> parse(String json, String table, String key) {
        Map<String, Object> values = new LinkedHashMap<>();
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String column = parser.currentName();
                JsonToken token = parser.nextToken();
                values.put(
                        column,
                        switch (token) {
                            case VALUE_STRING -> parser.getText();
                            case VALUE_NUMBER_INT ->
                                    parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                                            ? new BigDecimal(parser.getBigIntegerValue())
                                            : (Object) parser.getLongValue();
                            case VALUE_NUMBER_FLOAT -> parser.getDecimalValue();
                            case VALUE_TRUE -> Boolean.TRUE;
                            case VALUE_FALSE -> Boolean.FALSE;
                            case VALUE_NULL -> null;
                            // nested json/jsonb columns: keep their JSON text
                            default -> parser.readValueAsTree().toString();
                        });
            }
        } catch (IOException | IllegalStateException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "bronze row of "
                            + table
                            + " "
                            + key
                            + " has a malformed image: "
                            + e.getMessage(),
                    e);
        }
        return values;
    }

    /** The JSON text of a typed value: {@code "text"}, {@code 12.50}, {@code "2024-05-01"}... */
    public static String write(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return quote(s);
        }
        if (value instanceof BigDecimal d) {
            // plain keeps the scale (12.50) and never switches to exponent notation, except for
            // an exponent so large that writing it out would take a megabyte
            return Math.abs((long) d.scale()) > MAX_PLAIN_SCALE ? d.toString() : d.toPlainString();
        }
        if (value instanceof Instant || value instanceof LocalDate) {
            return quote(value.toString());
        }
        if (value instanceof Long
                || value instanceof Integer
                || value instanceof Boolean
                || value instanceof Double
                || value instanceof Float) {
            return value.toString();
        }
        throw new IllegalArgumentException("no JSON for " + value.getClass().getName());
    }

    /** A JSON string of the text. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        JsonStringEncoder.getInstance().quoteAsString(s, b);
        return b.append('"').toString();
    }

    /**
     * The row image as one JSON object, columns in name order so that equal images give equal text.
     */
    public static String image(Map<String, Object> values) {
        StringBuilder b = new StringBuilder().append('{');
        for (Map.Entry<String, Object> e : new TreeMap<>(values).entrySet()) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append(quote(e.getKey())).append(':').append(write(e.getValue()));
        }
        return b.append('}').toString();
    }

    /**
     * A column's value for a message: its JSON, cut short when long (descriptions run to
     * kilobytes), or {@code (missing)} when the image does not have the column.
     */
    public static String show(Map<String, Object> values, String column) {
        return values.containsKey(column) ? show(values.get(column)) : "(missing)";
    }

    /** A value for a message: its JSON, cut short when long. */
    public static String show(Object value) {
        String json = write(value);
        return json.length() <= 80 ? json : json.substring(0, 77) + "...";
    }
}
