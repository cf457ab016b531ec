package dev.lakestream.ops.quarantine;

import dev.lakestream.catalog.SilverTables;
import dev.lakestream.catalog.TableDefinition;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The values of {@code reinject --set column=value}, typed as their silver column: text as the
 * operator types it on a command line, out as the values bronze's JSON would give for them ({@code
 * Long} for a long or int, {@code BigDecimal} for a decimal, {@code Boolean}, {@code String} for
 * text, dates and timestamps in ISO form), so the fixed image goes through silver's rules exactly
 * as a captured one does.
 *
 * <pre>
 *  --set discount=5.00             decimal(12,2)  5.00 (more decimals than the scale: refused)
 *  --set quantity=3                int            3
 *  --set email=ana@example.com     string         "ana@example.com" (as typed, no quotes needed)
 *  --set created_at=2026-12-01T10:00:00Z   timestamptz (an offset is turned into UTC)
 *  --set opened_on=2019-03-01      date
 *  --set active=false              boolean (true or false)
 *  --set note=null                 any            null (SQL NULL)
 * </pre>
 *
 * A column silver does not have, a key column (a correction keeps its change's key) or a value that
 * is not of the column's type is an {@link IllegalArgumentException} naming the option, the column
 * and what it expects.
 */
final class ColumnAssignments {

    private ColumnAssignments() {}

    /**
     * Parses {@code column=value} assignments for a source table's silver columns.
     *
     * @return column to value, in the order given
     * @throws IllegalArgumentException naming the assignment that is wrong and why
     */
    static Map<String, Object> parse(String sourceTable, List<String> assignments) {
        TableDefinition silver = SilverTables.definitionFor(sourceTable);
        Map<String, Object> values = new LinkedHashMap<>();
        for (String assignment : assignments) {
            int eq = assignment.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "--set '" + assignment + "': expected column=value, e.g. discount=5.00");
            }
            String column = assignment.substring(0, eq).trim();
            String text = assignment.substring(eq + 1);
            Types.NestedField field = silver.schema().findField(column);
            if (field == null || SilverTables.isLakestreamColumn(column)) {
                throw new IllegalArgumentException(
                        "--set "
                                + assignment
                                + ": "
                                + silver.identifier()
                                + " has no column '"
                                + column
                                + "'; its columns: "
                                + columns(silver));
            }
            if (silver.schema().identifierFieldNames().contains(column)) {
                throw new IllegalArgumentException(
                        "--set "
                                + assignment
                                + ": "
                                + column
                                + " is part of the key of "
                                + sourceTable
                                + "; a correction keeps its change's key (re-inject the change"
                                + " under its own key, or fix the source)");
            }
            if (values.containsKey(column)) {
                throw new IllegalArgumentException(
                        "--set " + assignment + ": " + column + " is set twice");
            }
            values.put(column, typed(assignment, column, text, field.type()));
        }
        return values;
    }

    private static Object typed(String assignment, String column, String text, Type type) {
        if (text.equals("null")) {
            return null;
        }
        try {
            return switch (type.typeId()) {
                case LONG -> Long.parseLong(text.trim());
                case INTEGER -> (long) Integer.parseInt(text.trim());
                case STRING -> text;
                case DECIMAL -> decimal(text.trim(), (Types.DecimalType) type);
                case TIMESTAMP -> instant(text.trim()).toString();
                case DATE -> LocalDate.parse(text.trim()).toString();
                case BOOLEAN -> bool(text.trim());
                default ->
                        throw new IllegalArgumentException(
                                "silver has no values of type " + type + " to set");
            };
        } catch (NumberFormatException | DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    "--set "
                            + assignment
                            + ": "
                            + column
                            + " is "
                            + type
                            + " in silver and '"
                            + text
                            + "' is not one ("
                            + expected(type)
                            + ")");
        }
    }

    private static BigDecimal decimal(String text, Types.DecimalType type) {
        BigDecimal value = new BigDecimal(text);
        // never rounded: 5.005 in a decimal(12,2) is a typing error, not 5.01
        BigDecimal scaled = value.setScale(Math.max(value.scale(), type.scale()));
        if (value.stripTrailingZeros().scale() > type.scale()
                || scaled.setScale(type.scale(), RoundingMode.UNNECESSARY).precision()
                        > type.precision()) {
            throw new ArithmeticException("does not fit " + type);
        }
        return value;
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeException e) {
            return OffsetDateTime.parse(text).toInstant();
        }
    }

    private static Boolean bool(String text) {
        return switch (text) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new NumberFormatException(text);
        };
    }

    private static String expected(Type type) {
        return switch (type.typeId()) {
            case LONG, INTEGER -> "an integer, e.g. 3";
            case DECIMAL ->
                    "a number with at most "
                            + ((Types.DecimalType) type).scale()
                            + " decimal places, e.g. 5.00";
            case TIMESTAMP -> "an ISO-8601 instant, e.g. 2026-12-01T10:00:00Z";
            case DATE -> "a date, YYYY-MM-DD";
            case BOOLEAN -> "true or false";
            default -> "a " + type;
        };
    }

    private static List<String> columns(TableDefinition silver) {
        List<String> names = new ArrayList<>();
        for (Types.NestedField f : silver.schema().columns()) {
            if (!SilverTables.isLakestreamColumn(f.name())
                    && !silver.schema().identifierFieldNames().contains(f.name())) {
                names.add(f.name());
            }
        }
        return names;
    }
}
