package dev.lakestream.jobs.silver;

import dev.lakestream.catalog.SilverTables;
import dev.lakestream.jobs.changelog.JsonImages;
import dev.lakestream.jobs.changelog.RowChange;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.iceberg.Schema;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * A cleaned {@link RowChange} of one entity as the Flink {@link RowData} its silver Iceberg table
 * takes: fields in the table's column order, Flink's internal data types ({@link StringData},
 * {@link DecimalData} at the column's precision and scale, {@link TimestampData}, days since epoch
 * for a date), the {@link org.apache.flink.types.RowKind} of the change, and the two lakestream
 * columns: {@code _lsn} from the change and {@code _updated_at} from the clock.
 *
 * <p>The row matches {@link #rowType()}, which is {@code FlinkSchemaUtil.convert(schema)}, the type
 * Iceberg's Flink sink derives from the table, so the sink needs no conversion of its own.
 *
 * <p>Expects what {@link EntityRules} produced, values typed as their columns: a value of another
 * class is a bug upstream and fails loudly, naming table, key and column, instead of writing a
 * guess. Nothing is parsed here. It does not enforce required columns: a retraction of a refused
 * image may hold nulls, and an upserting sink only reads the key of a retraction.
 *
 * <p>Serializable for Flink as long as the clock is ({@link Clock#systemUTC()} and {@link
 * Clock#fixed} are).
 */
public final class SilverRowConverter implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String sourceTable;
    private final Schema schema;
    private final RowType rowType;
    private final Clock clock;

    /**
     * @param sourceTable the table whose changes this converts, e.g. {@code shop.orders}
     * @param schema the silver table's schema: the definition's, or the live table's when it has
     *     gained columns (a column the change does not carry is null)
     * @param clock source of {@code _updated_at}
     */
    public SilverRowConverter(String sourceTable, Schema schema, Clock clock) {
        this.sourceTable = sourceTable;
        this.schema = schema;
        this.rowType = FlinkSchemaUtil.convert(schema);
        this.clock = clock;
    }

    /** The converter for a source table's silver table (namespace does not matter here). */
    public static SilverRowConverter forSourceTable(String sourceTable, Clock clock) {
        return new SilverRowConverter(
                sourceTable, SilverTables.definitionFor(sourceTable).schema(), clock);
    }

    /** The Flink row type of the silver table, as Iceberg's Flink integration sees it. */
    public RowType rowType() {
        return rowType;
    }

    /** The row, with {@code _updated_at} taken from the clock now. */
    public RowData toRowData(RowChange change) {
        return toRowData(change, clock.instant());
    }

    /** The row, with the given {@code _updated_at} (one instant for a whole batch, say). */
    public RowData toRowData(RowChange change, Instant updatedAt) {
        if (!sourceTable.equals(change.table)) {
            throw new IllegalArgumentException(
                    "converter of " + sourceTable + " got a change of " + change.table);
        }
        List<Types.NestedField> columns = schema.columns();
        GenericRowData row = new GenericRowData(change.rowKind(), columns.size());
        for (int i = 0; i < columns.size(); i++) {
            Types.NestedField column = columns.get(i);
            String name = column.name();
            if (name.equals(SilverTables.LSN_COLUMN)) {
                row.setField(i, change.lsn);
            } else if (name.equals(SilverTables.UPDATED_AT_COLUMN)) {
                row.setField(i, TimestampData.fromInstant(updatedAt));
            } else {
                row.setField(i, internal(change, column));
            }
        }
        return row;
    }

    private static Object internal(RowChange change, Types.NestedField column) {
        Object value = change.values == null ? null : change.values.get(column.name());
        try {
            return value == null ? null : internal(value, column.type());
        } catch (ClassCastException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    change.table
                            + change.key
                            + " column "
                            + column.name()
                            + " "
                            + JsonImages.show(value)
                            + " ("
                            + value.getClass().getSimpleName()
                            + ") is not a value of "
                            + column.type()
                            + "; was the change cleaned by EntityRules?",
                    e);
        }
    }

    /** Flink's internal representation of a typed value of an Iceberg type. */
    static Object internal(Object value, Type type) {
        return switch (type.typeId()) {
            case STRING -> StringData.fromString((String) value);
            case DECIMAL -> {
                Types.DecimalType decimal = (Types.DecimalType) type;
                BigDecimal d = (BigDecimal) value;
                // at the column's scale (SilverValues never rounds), so this is exact; anything
                // else would be rounded by Flink without a word
                if (d.scale() != decimal.scale() || d.precision() > decimal.precision()) {
                    throw new IllegalArgumentException("not at the column's scale");
                }
                yield DecimalData.fromBigDecimal(d, decimal.precision(), decimal.scale());
            }
            case TIMESTAMP -> TimestampData.fromInstant((Instant) value);
            case DATE -> (int) ((LocalDate) value).toEpochDay();
            case LONG, INTEGER, BOOLEAN, FLOAT, DOUBLE -> value;
            default -> throw new IllegalArgumentException("silver has no columns of type " + type);
        };
    }
}
