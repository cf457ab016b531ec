package dev.lakestream.jobs.silver;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * JSON literal text (as bronze writes column values) to typed Java values for a silver column, and
 * back. Shared by {@link EntityRules}, which decides what is acceptable, and {@link
 * SilverRowConverter}, which must read exactly what the rules wrote.
 *
 * <pre>
 *  Iceberg type     literal                        Java value
 *  long             42                             Long
 *  int              3                              Integer (range checked)
 *  string           "text"                         String (JSON escapes decoded)
 *  decimal(p,s)     12.5                           BigDecimal at scale s (never rounded)
 *  timestamptz      "2024-05-01T10:15:30.5Z"       Instant (an offset is converted to UTC)
 *  date             "2024-05-01"                   LocalDate
 *  boolean          true                           Boolean
 *  any              null (or absent)               null
 * </pre>
 *
 * Parsing is strict about the JSON kind: a quoted number in a numeric column is a type error, not
 * something to guess at, because bronze writes numbers unquoted.
 */
final class SilverLiterals {

    private static final JsonFactory JSON = new JsonFactory();

    private SilverLiterals() {}

    /** Why a literal is not a value of its column's type; {@link #suffix} names the rule. */
    static final class LiteralException extends Exception {
        private static final long serialVersionUID = 1L;

        /** Rule name suffix: {@code type}, {@code scale} or {@code precision}. */
        final String suffix;

        LiteralException(String suffix, String message) {
            super(message, null, false, false);
            this.suffix = suffix;
        }
    }

    /**
     * The typed value of a literal, or null for JSON {@code null} and for a missing literal.
     *
     * @throws LiteralException when the literal is not a value of {@code type}
     */
    static Object parse(String literal, Type type) throws LiteralException {
        if (literal == null || literal.equals("null")) {
            return null;
        }
        switch (type.typeId()) {
            case LONG:
                return parseLong(literal, Long.MIN_VALUE, Long.MAX_VALUE, "a long");
            case INTEGER:
                return (int) parseLong(literal, Integer.MIN_VALUE, Integer.MAX_VALUE, "an int");
            case STRING:
                return string(literal, "a string");
            case DECIMAL:
                return decimal(literal, (Types.DecimalType) type);
            case TIMESTAMP:
                return instant(literal);
            case DATE:
                try {
                    return LocalDate.parse(string(literal, "a date"));
                } catch (DateTimeException e) {
                    throw new LiteralException("type", "is not a date (YYYY-MM-DD)");
                }
            case BOOLEAN:
                return switch (literal) {
                    case "true" -> Boolean.TRUE;
                    case "false" -> Boolean.FALSE;
                    default -> throw new LiteralException("type", "is not a boolean");
                };
            default:
                throw new IllegalArgumentException("silver has no columns of type " + type);
        }
    }

    private static long parseLong(String literal, long min, long max, String what)
            throws LiteralException {
        long value;
        try {
            value = Long.parseLong(literal);
        } catch (NumberFormatException e) {
            throw new LiteralException("type", "is not " + what);
        }
        if (value < min || value > max) {
            throw new LiteralException("type", "is out of range for " + what);
        }
        return value;
    }

    private static BigDecimal decimal(String literal, Types.DecimalType type)
            throws LiteralException {
        if (literal.startsWith("\"")) {
            throw new LiteralException("type", "is not a number");
        }
        BigDecimal parsed;
        try {
            parsed = new BigDecimal(literal);
        } catch (NumberFormatException e) {
            throw new LiteralException("type", "is not a number");
        }
        // decided from precision and scale alone: setScale of 1e999999999 (or 1e-999999999)
        // would compute a billion-digit number before it could fail
        if (parsed.signum() == 0) {
            return BigDecimal.ZERO.setScale(type.scale());
        }
        if ((long) parsed.precision() - parsed.scale() > type.precision() - type.scale()) {
            throw new LiteralException("precision", "does not fit " + type);
        }
        if (parsed.scale() > type.scale() && parsed.stripTrailingZeros().scale() > type.scale()) {
            throw new LiteralException(
                    "scale", "has more than " + type.scale() + " decimal places (not rounded)");
        }
        BigDecimal scaled;
        try {
            // UNNECESSARY: 12.5 becomes 12.50 and 12.500 is fine, but 12.505 must not silently
            // become 12.51; a value that needs rounding is a data problem to look at
            scaled = parsed.setScale(type.scale(), RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new LiteralException(
                    "scale", "has more than " + type.scale() + " decimal places (not rounded)");
        }
        if (scaled.precision() > type.precision()) {
            throw new LiteralException("precision", "does not fit " + type);
        }
        return scaled;
    }

    private static Instant instant(String literal) throws LiteralException {
        String text = string(literal, "a timestamp");
        Instant instant;
        try {
            instant = Instant.parse(text);
        } catch (DateTimeException e) {
            throw new LiteralException("type", "is not an ISO-8601 instant");
        }
        if (instant.getNano() % 1_000 != 0) {
            // Iceberg keeps microseconds; cutting nanoseconds off would be a silent change
            throw new LiteralException("precision", "has sub-microsecond precision");
        }
        return instant;
    }

    /** The decoded content of a JSON string literal. */
    private static String string(String literal, String what) throws LiteralException {
        if (!literal.startsWith("\"")) {
            throw new LiteralException("type", "is not " + what + " (not a JSON string)");
        }
        try (JsonParser parser = JSON.createParser(literal)) {
            if (parser.nextToken() != JsonToken.VALUE_STRING) {
                throw new LiteralException("type", "is not " + what);
            }
            String text = parser.getText();
            if (parser.nextToken() != null) {
                throw new LiteralException("type", "is not a single JSON string");
            }
            return text;
        } catch (IOException e) {
            throw new LiteralException("type", "is not a valid JSON string");
        }
    }

    /** The literal of a typed value, as {@link #parse} reads it back. */
    static String write(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return quote(s);
        }
        if (value instanceof BigDecimal d) {
            // plain: keeps the scale (12.50) and never switches to exponent notation
            return d.toPlainString();
        }
        if (value instanceof Instant || value instanceof LocalDate) {
            return quote(value.toString());
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Boolean) {
            return value.toString();
        }
        throw new IllegalArgumentException("no literal for " + value.getClass().getName());
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        JsonStringEncoder.getInstance().quoteAsString(s, b);
        return b.append('"').toString();
    }

    /**
     * The row image as one JSON object, columns in name order so that equal images give equal text.
     * Values are the literals as they are (they are JSON already).
     */
    static String image(Map<String, String> values) {
        StringBuilder b = new StringBuilder().append('{');
        for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append(quote(e.getKey()))
                    .append(':')
                    .append(e.getValue() == null ? "null" : e.getValue());
        }
        return b.append('}').toString();
    }

    /** A literal for a message: as it came, cut short when long (descriptions run to kilobytes). */
    static String show(String literal) {
        if (literal == null) {
            return "(missing)";
        }
        return literal.length() <= 80 ? literal : literal.substring(0, 77) + "...";
    }
}
