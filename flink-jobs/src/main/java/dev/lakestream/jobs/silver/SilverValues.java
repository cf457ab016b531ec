package dev.lakestream.jobs.silver;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * A column value as bronze's JSON gave it (see {@code JsonImages}) to the Java value of its silver
 * column's type: the one place a value is typed on its way from bronze to gold. Shared by {@link
 * EntityRules}, which decides what is acceptable, and {@link SilverRowConverter}, which checks it
 * got what the rules produce.
 *
 * <pre>
 *  Iceberg type     accepts                                  Java value
 *  long             a JSON integer                           Long
 *  int              a JSON integer in range                  Integer
 *  string           a JSON string                            String
 *  decimal(p,s)     a JSON number                            BigDecimal at scale s (never rounded)
 *  timestamptz      an ISO-8601 string (or an Instant)       Instant (an offset becomes UTC)
 *  date             a YYYY-MM-DD string (or a LocalDate)     LocalDate
 *  boolean          true / false                             Boolean
 *  float / double   a JSON number                            Float / Double (columns added or
 *                                                            widened at the source only)
 *  any              null (or absent)                         null
 * </pre>
 *
 * Strict about the JSON kind: a quoted number in a numeric column is a type error, not something to
 * guess at, because bronze writes numbers unquoted. (Records of the REST and file sources, whose
 * text is never typed, are coerced before, see {@code RecordImages}.)
 */
final class SilverValues {

    private SilverValues() {}

    /** Why a value is not one of its column's type; {@link #suffix} names the rule. */
    static final class ValueException extends Exception {
        private static final long serialVersionUID = 1L;

        /** Rule name suffix: {@code type}, {@code scale} or {@code precision}. */
        final String suffix;

        ValueException(String suffix, String message) {
            super(message, null, false, false);
            this.suffix = suffix;
        }
    }

    /**
     * The value as its column's Java type, or null for null.
     *
     * @throws ValueException when the value is not one of {@code type}
     */
    static Object typed(Object value, Type type) throws ValueException {
        if (value == null) {
            return null;
        }
        switch (type.typeId()) {
            case LONG:
                return integral(value, Long.MIN_VALUE, Long.MAX_VALUE, "a long");
            case INTEGER:
                return (int) integral(value, Integer.MIN_VALUE, Integer.MAX_VALUE, "an int");
            case STRING:
                if (value instanceof String s) {
                    return s;
                }
                throw new ValueException("type", "is not a string (not a JSON string)");
            case DECIMAL:
                return decimal(value, (Types.DecimalType) type);
            case TIMESTAMP:
                return instant(value);
            case DATE:
                if (value instanceof LocalDate d) {
                    return d;
                }
                if (!(value instanceof String s)) {
                    throw new ValueException("type", "is not a date (not a JSON string)");
                }
                try {
                    return LocalDate.parse(s);
                } catch (DateTimeException e) {
                    throw new ValueException("type", "is not a date (YYYY-MM-DD)");
                }
            case BOOLEAN:
                if (value instanceof Boolean b) {
                    return b;
                }
                throw new ValueException("type", "is not a boolean");
            case FLOAT:
                if (value instanceof Number n && !(value instanceof Double)) {
                    return n.floatValue();
                }
                throw new ValueException("type", "is not a number");
            case DOUBLE:
                if (value instanceof Number n) {
                    return n.doubleValue();
                }
                throw new ValueException("type", "is not a number");
            default:
                throw new IllegalArgumentException("silver has no columns of type " + type);
        }
    }

    private static long integral(Object value, long min, long max, String what)
            throws ValueException {
        long v;
        if (value instanceof Long l) {
            v = l;
        } else if (value instanceof Integer i) {
            v = i;
        } else if (value instanceof BigDecimal d && d.scale() <= 0 && d.signum() != 0) {
            // an integer beyond a long (JSON has no limit)
            throw new ValueException("type", "is out of range for " + what);
        } else {
            throw new ValueException("type", "is not " + what);
        }
        if (v < min || v > max) {
            throw new ValueException("type", "is out of range for " + what);
        }
        return v;
    }

    private static BigDecimal decimal(Object value, Types.DecimalType type) throws ValueException {
        BigDecimal parsed;
        if (value instanceof BigDecimal d) {
            parsed = d;
        } else if (value instanceof Long l) {
            parsed = BigDecimal.valueOf(l);
        } else if (value instanceof Integer i) {
            parsed = BigDecimal.valueOf(i);
        } else {
            throw new ValueException("type", "is not a number");
        }
        // decided from precision and scale alone: setScale of 1e999999999 (or 1e-999999999)
        // would compute a billion-digit number before it could fail
        if (parsed.signum() == 0) {
            return BigDecimal.ZERO.setScale(type.scale());
        }
        if ((long) parsed.precision() - parsed.scale() > type.precision() - type.scale()) {
            throw new ValueException("precision", "does not fit " + type);
        }
        if (parsed.scale() > type.scale() && parsed.stripTrailingZeros().scale() > type.scale()) {
            throw new ValueException(
                    "scale", "has more than " + type.scale() + " decimal places (not rounded)");
        }
        BigDecimal scaled;
        try {
            // UNNECESSARY: 12.5 becomes 12.50 and 12.500 is fine, but 12.505 must not silently
            // become 12.51; a value that needs rounding is a data problem to look at
            scaled = parsed.setScale(type.scale(), RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new ValueException(
                    "scale", "has more than " + type.scale() + " decimal places (not rounded)");
        }
        if (scaled.precision() > type.precision()) {
            throw new ValueException("precision", "does not fit " + type);
        }
        return scaled;
    }

    private static Instant instant(Object value) throws ValueException {
        Instant instant;
        if (value instanceof Instant i) {
            instant = i;
        } else if (value instanceof String s) {
            try {
                instant = Instant.parse(s);
            } catch (DateTimeException e) {
                throw new ValueException("type", "is not an ISO-8601 instant");
            }
        } else {
            throw new ValueException("type", "is not a timestamp (not a JSON string)");
        }
        if (instant.getNano() % 1_000 != 0) {
            // Iceberg keeps microseconds; cutting nanoseconds off would be a silent change
            throw new ValueException("precision", "has sub-microsecond precision");
        }
        return instant;
    }
}
