package dev.lakestream.jobs.silver;

import dev.lakestream.catalog.SilverTables;
import dev.lakestream.jobs.changelog.JsonImages;
import dev.lakestream.jobs.changelog.RecordImages;
import dev.lakestream.jobs.silver.SilverValues.ValueException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/** One silver entity: its columns from the silver schema, and the checks across columns. */
final class Entity {

    /** A check across columns, run once every column passed; returns a reason or null. */
    record RowCheck(String rule, Function<Map<String, Object>, String> reasonIfBroken) {}

    final String sourceTable;
    final String name;
    final List<Column> columns = new ArrayList<>();
    final List<RowCheck> rowChecks = new ArrayList<>();
    final boolean fromRecords;

    Entity(String sourceTable) {
        this.sourceTable = sourceTable;
        this.fromRecords = RecordImages.isRecordTable(sourceTable);
        this.name = SilverTables.definitionFor(sourceTable).identifier().name();
        Schema schema = SilverTables.definitionFor(sourceTable).schema();
        Set<String> keyColumns = schema.identifierFieldNames();
        for (Types.NestedField field : schema.columns()) {
            if (!field.name().equals(SilverTables.LSN_COLUMN)
                    && !field.name().equals(SilverTables.UPDATED_AT_COLUMN)) {
                columns.add(new Column(name, field, keyColumns.contains(field.name())));
            }
        }
    }

    boolean has(String column) {
        for (Column c : columns) {
            if (c.name.equals(column)) {
                return true;
            }
        }
        return false;
    }

    Column column(String column) {
        for (Column c : columns) {
            if (c.name.equals(column)) {
                return c;
            }
        }
        throw new IllegalStateException("silver." + name + " has no column " + column);
    }

    Entity check(String column, String suffix, Predicate<Object> accepts, String expectation) {
        column(column).checks.add(new Column.Check(suffix, accepts, expectation));
        return this;
    }

    Entity upper(String column) {
        column(column).textCase = Column.Case.UPPER;
        return this;
    }

    Entity lower(String column) {
        column(column).textCase = Column.Case.LOWER;
        return this;
    }

    void positive(String column) {
        check(column, "positive", v -> ((Number) v).longValue() > 0, "is not a positive id");
    }

    void nonNegative(String column) {
        check(column, "non_negative", v -> ((BigDecimal) v).signum() >= 0, "is negative");
    }

    void checkRow(String rule, Function<Map<String, Object>, String> reasonIfBroken) {
        rowChecks.add(new RowCheck(name + "." + rule, reasonIfBroken));
    }

    /** A key column's image value must be the key's: anything else is a misrouted row. */
    Rejection matchKey(
            Column column, Type type, Map<String, Object> image, Object keyValue, String key)
            throws ValueException {
        if (!image.containsKey(column.name)) {
            return null; // absent from the image: the key supplies it
        }
        Object imageValue = SilverValues.typed(image.get(column.name), type);
        if (keyValue.equals(imageValue)) {
            return null;
        }
        return new Rejection(
                name + ".key.match",
                column.name
                        + " "
                        + JsonImages.show(image, column.name)
                        + " differs from the key "
                        + key);
    }

    Rejection checkRow(Map<String, Object> row, Set<String> skipped) {
        for (RowCheck check : rowChecks) {
            if (skipped.contains(check.rule)) {
                continue;
            }
            String reason = check.reasonIfBroken.apply(row);
            if (reason != null) {
                return new Rejection(check.rule, reason);
            }
        }
        return null;
    }

    /**
     * The rules a correction may override: the business checks of columns and rows, not types,
     * nullability, keys or image format (silver could not hold such a row), and not those gold
     * computes with ({@code stores.time_zone.iana}: gold dates each sale in its store's zone).
     */
    List<String> overridableRuleNames() {
        List<String> names = new ArrayList<>();
        for (Column column : columns) {
            names.addAll(column.checkRuleNames());
        }
        for (RowCheck check : rowChecks) {
            names.add(check.rule);
        }
        names.removeAll(NOT_OVERRIDABLE);
        return Collections.unmodifiableList(names);
    }

    /** Rules whose broken values would fail gold, not just look wrong in silver. */
    private static final Set<String> NOT_OVERRIDABLE = Set.of("stores.time_zone.iana");

    List<String> ruleNames() {
        List<String> names = new ArrayList<>();
        for (Column column : columns) {
            names.addAll(column.ruleNames());
        }
        names.add(name + ".key.match");
        names.add(name + ".image.format");
        names.add(name + ".truncate");
        for (RowCheck check : rowChecks) {
            names.add(check.rule);
        }
        return Collections.unmodifiableList(names);
    }
}
