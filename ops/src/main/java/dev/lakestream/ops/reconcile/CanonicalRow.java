package dev.lakestream.ops.reconcile;

import dev.lakestream.catalog.SilverTables;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The canonical text of one row of a shop table, the same whether PostgreSQL computes it in SQL
 * over the source row or Java over the silver row: the silver columns in table order (without
 * {@code _lsn} and {@code _updated_at}), each rendered as below, joined by {@code |}.
 *
 * <pre>
 *  column type     text
 *  null            \N
 *  long, int       decimal digits, e.g. -42
 *  decimal(p,s)    plain text at the column's scale, e.g. 12.50 (never an exponent)
 *  boolean         t or f
 *  date            ISO, e.g. 2025-03-03
 *  timestamptz     epoch microseconds, e.g. 1740985200000000
 *  string          silver's cleansing applied on the source side: white space of any kind
 *                  trimmed (Java's definition, no-break space and BOM included), blank made
 *                  null, codes upper-cased and e-mails lower-cased ({@link TextCasing});
 *                  then \ written \\ and | written \|
 * </pre>
 *
 * <p>Silver holds cleansed values, so the Java side renders them as they are; the SQL side applies
 * the same normalisation to the raw source text. A source value silver refuses (a blank required
 * name, an invalid e-mail) differs and is explained by its reject in quarantine.
 */
public final class CanonicalRow {

    static final String NULL = "\\N";

    /** Every character {@code EntityRules} trims: what Java's white-space tests accept, and BOM. */
    static final String WHITE_SPACE = whiteSpace();

    private final String sourceTable;
    private final List<Types.NestedField> columns;
    private final List<String> key;

    private CanonicalRow(
            String sourceTable, List<Types.NestedField> columns, List<String> keyColumns) {
        this.sourceTable = sourceTable;
        this.columns = columns;
        this.key = keyColumns;
    }

    /** The canonical row of a source table silver models, e.g. {@code shop.orders}. */
    public static CanonicalRow of(String sourceTable) {
        var schema = SilverTables.definitionFor(sourceTable).schema();
        List<Types.NestedField> columns = new ArrayList<>();
        for (Types.NestedField f : schema.columns()) {
            if (!SilverTables.isLakestreamColumn(f.name())) {
                columns.add(f);
            }
        }
        List<String> key = new ArrayList<>();
        for (Integer id : schema.identifierFieldIds()) {
            Types.NestedField f = schema.findField(id);
            if (f.type().typeId() != Type.TypeID.LONG && f.type().typeId() != Type.TypeID.INTEGER) {
                throw new IllegalArgumentException(
                        "reconcile compares key ranges of integer keys; "
                                + sourceTable
                                + "."
                                + f.name()
                                + " is "
                                + f.type());
            }
            key.add(f.name());
        }
        return new CanonicalRow(sourceTable, List.copyOf(columns), List.copyOf(key));
    }

    public String sourceTable() {
        return sourceTable;
    }

    /** The key columns, the first of which cuts the ranges. */
    public List<String> keyColumns() {
        return key;
    }

    /** The canonical text of a silver row. */
    public String text(Record row) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                s.append('|');
            }
            Types.NestedField f = columns.get(i);
            s.append(value(f.type(), row.getField(f.name())));
        }
        return s.toString();
    }

    /** One value as text; {@code value} typed as Iceberg's generic reader gives it. */
    static String value(Type type, Object value) {
        if (value == null) {
            return NULL;
        }
        return switch (type.typeId()) {
            case LONG, INTEGER -> Long.toString(((Number) value).longValue());
            case DECIMAL ->
                    ((BigDecimal) value)
                            .setScale(((Types.DecimalType) type).scale())
                            .toPlainString();
            case BOOLEAN -> ((Boolean) value) ? "t" : "f";
            case DATE -> ((LocalDate) value).toString();
            case TIMESTAMP -> Long.toString(epochMicros((OffsetDateTime) value));
            case STRING -> escape((String) value);
            default ->
                    throw new IllegalArgumentException(
                            "no canonical text for a column of type " + type);
        };
    }

    static long epochMicros(OffsetDateTime t) {
        return ChronoUnit.MICROS.between(java.time.Instant.EPOCH, t.toInstant());
    }

    static String escape(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|");
    }

    /** The SQL expression of the canonical text over the source row (alias {@code t}). */
    public String sql() {
        List<String> parts = new ArrayList<>();
        for (Types.NestedField f : columns) {
            parts.add("coalesce(" + sqlValue(f, "t." + f.name()) + ", '\\N')");
        }
        return "concat_ws('|', " + String.join(", ", parts) + ")";
    }

    private String sqlValue(Types.NestedField f, String column) {
        Type type = f.type();
        return switch (type.typeId()) {
            case LONG, INTEGER -> column + "::text";
            case DECIMAL -> column + "::text";
            case BOOLEAN -> "CASE WHEN " + column + " THEN 't' ELSE 'f' END";
            case DATE -> "to_char(" + column + ", 'YYYY-MM-DD')";
            case TIMESTAMP -> "(extract(epoch FROM " + column + ") * 1000000)::bigint::text";
            case STRING -> {
                String trimmed =
                        "nullif(btrim(" + column + "::text, " + literal(WHITE_SPACE) + "), '')";
                String cased =
                        switch (TextCasing.of(sourceTable, f.name())) {
                            case UPPER -> "upper(" + trimmed + ")";
                            case LOWER -> "lower(" + trimmed + ")";
                            case AS_IS -> trimmed;
                        };
                yield "replace(replace(" + cased + ", '\\', '\\\\'), '|', '\\|')";
            }
            default ->
                    throw new IllegalArgumentException(
                            "no canonical text for " + sourceTable + "." + f.name() + " " + type);
        };
    }

    /** A standard SQL string literal (standard_conforming_strings, the default since 9.1). */
    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static String whiteSpace() {
        StringBuilder s = new StringBuilder();
        for (char c = 1; c < Character.MAX_VALUE; c++) {
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\uFEFF') {
                s.append(c);
            }
        }
        return s.toString();
    }

    /** How silver's cleansing cases a text column ({@code ShopRules}: codes up, e-mails down). */
    enum TextCasing {
        AS_IS,
        UPPER,
        LOWER;

        private static final Map<String, TextCasing> CASED =
                Map.of(
                        "shop.stores.country", UPPER,
                        "shop.stores.currency", UPPER,
                        "shop.customers.email", LOWER,
                        "shop.customers.country", UPPER,
                        "shop.orders.channel", UPPER,
                        "shop.orders.status", UPPER);

        static TextCasing of(String sourceTable, String column) {
            return CASED.getOrDefault(sourceTable + "." + column, AS_IS);
        }
    }
}
