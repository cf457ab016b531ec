package dev.lakestream.jobs.silver;

import static dev.lakestream.jobs.silver.SilverFixtures.CUSTOMERS;
import static dev.lakestream.jobs.silver.SilverFixtures.LSN;
import static dev.lakestream.jobs.silver.SilverFixtures.ORDERS;
import static dev.lakestream.jobs.silver.SilverFixtures.ORDER_LINES;
import static dev.lakestream.jobs.silver.SilverFixtures.PRODUCTS;
import static dev.lakestream.jobs.silver.SilverFixtures.STORES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.catalog.SilverTables;
import dev.lakestream.jobs.changelog.RowChange;
import dev.lakestream.shop.ShopSchema;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.InstantiationUtil;
import org.apache.iceberg.Schema;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.RowDataWrapper;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cleaned changes become rows of exactly the type Iceberg's Flink sink derives from the silver
 * table: checked field by field against {@code FlinkSchemaUtil.convert(schema)}, through Flink's
 * own serializer for that type, and through the wrapper Iceberg's writers read rows with.
 */
class SilverRowConverterTest {

    private static final Instant NOW = Instant.parse("2024-05-02T12:00:00.123456Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final EntityRules rules = new EntityRules();

    static Stream<String> tables() {
        return ShopSchema.TABLES.stream();
    }

    private RowChange cleaned(RowChange change) {
        CleansingResult result = rules.apply(change);
        assertThat(result).isInstanceOf(CleansingResult.Accepted.class);
        return ((CleansingResult.Accepted) result).change();
    }

    @ParameterizedTest
    @MethodSource("tables")
    void rowTypeIsIcebergsFlinkTypeOfTheSilverTable(String table) {
        Schema schema = SilverTables.definitionFor(table).schema();

        SilverRowConverter converter = SilverRowConverter.forSourceTable(table, CLOCK);

        assertThat(converter.rowType()).isEqualTo(FlinkSchemaUtil.convert(schema));
        assertThat(converter.rowType().getFieldNames())
                .containsExactlyElementsOf(
                        schema.columns().stream().map(Types.NestedField::name).toList());
    }

    @ParameterizedTest
    @MethodSource("tables")
    void everyFieldHasTheInternalClassOfItsFlinkType(String table) {
        SilverRowConverter converter = SilverRowConverter.forSourceTable(table, CLOCK);
        RowType type = FlinkSchemaUtil.convert(SilverTables.definitionFor(table).schema());

        RowData row = converter.toRowData(cleaned(SilverFixtures.insert(table)));

        assertThat(row.getArity()).isEqualTo(type.getFieldCount());
        for (int i = 0; i < type.getFieldCount(); i++) {
            LogicalType fieldType = type.getTypeAt(i);
            Object value = RowData.createFieldGetter(fieldType, i).getFieldOrNull(row);
            String field = table + "." + type.getFieldNames().get(i);
            if (value == null) {
                assertThat(fieldType.isNullable()).as(field + " is null but required").isTrue();
                continue;
            }
            assertThat(value).as(field).isInstanceOf(internalClass(fieldType));
            if (fieldType instanceof DecimalType decimal) {
                assertThat(((DecimalData) value).precision())
                        .as(field)
                        .isEqualTo(decimal.getPrecision());
                assertThat(((DecimalData) value).scale()).as(field).isEqualTo(decimal.getScale());
            }
        }
    }

    private static Class<?> internalClass(LogicalType type) {
        return switch (type.getTypeRoot()) {
            case BIGINT -> Long.class;
            case INTEGER, DATE -> Integer.class;
            case BOOLEAN -> Boolean.class;
            case VARCHAR -> StringData.class;
            case DECIMAL -> DecimalData.class;
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE, TIMESTAMP_WITHOUT_TIME_ZONE -> TimestampData.class;
            default -> throw new IllegalArgumentException("unexpected silver type " + type);
        };
    }

    @ParameterizedTest
    @MethodSource("tables")
    void rowsSurviveFlinksSerializerForTheTableType(String table) throws Exception {
        SilverRowConverter converter = SilverRowConverter.forSourceTable(table, CLOCK);
        RowDataSerializer serializer = new RowDataSerializer(converter.rowType());
        RowData row = converter.toRowData(cleaned(SilverFixtures.insert(table)));

        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(row, out);
        RowData back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(back).isEqualTo(serializer.toBinaryRow(row));
        assertThat(back.getRowKind()).isEqualTo(RowKind.INSERT);
    }

    @ParameterizedTest
    @MethodSource("tables")
    void icebergsWriterViewReadsEveryColumnAsItsIcebergType(String table) {
        Schema schema = SilverTables.definitionFor(table).schema();
        SilverRowConverter converter = SilverRowConverter.forSourceTable(table, CLOCK);
        RowDataWrapper wrapper = new RowDataWrapper(converter.rowType(), schema.asStruct());

        wrapper.wrap(converter.toRowData(cleaned(SilverFixtures.insert(table))));

        List<Types.NestedField> columns = schema.columns();
        for (int i = 0; i < columns.size(); i++) {
            Types.NestedField column = columns.get(i);
            Object value = wrapper.get(i, Object.class);
            if (value != null) {
                assertThat(value)
                        .as(table + "." + column.name())
                        .isInstanceOf(column.type().typeId().javaClass());
            }
        }
    }

    @Test
    void valuesKeepTheirMeaning() {
        SilverRowConverter orders = SilverRowConverter.forSourceTable(ORDERS, CLOCK);
        RowData order =
                orders.toRowData(cleaned(SilverFixtures.insert(ORDERS, "customer_id", "null")));
        RowType t = orders.rowType();

        assertThat(order.getLong(t.getFieldIndex("order_id"))).isEqualTo(42L);
        assertThat(order.isNullAt(t.getFieldIndex("customer_id"))).isTrue();
        assertThat(order.getString(t.getFieldIndex("status")).toString()).isEqualTo("PAID");
        assertThat(order.getTimestamp(t.getFieldIndex("created_at"), 6).toInstant())
                .isEqualTo(Instant.parse("2024-05-01T08:00:00.000001Z"));
        assertThat(order.getLong(t.getFieldIndex("_lsn"))).isEqualTo(LSN);
        assertThat(order.getTimestamp(t.getFieldIndex("_updated_at"), 6).toInstant())
                .isEqualTo(NOW);

        SilverRowConverter lines = SilverRowConverter.forSourceTable(ORDER_LINES, CLOCK);
        RowData line =
                lines.toRowData(cleaned(SilverFixtures.insert(ORDER_LINES, "unit_price", "12.5")));
        RowType lt = lines.rowType();
        DecimalData price = line.getDecimal(lt.getFieldIndex("unit_price"), 12, 2);
        assertThat(price.toBigDecimal()).isEqualTo(new BigDecimal("12.50"));
        assertThat(price.toUnscaledLong()).isEqualTo(1250L);
        assertThat(line.getInt(lt.getFieldIndex("line_no"))).isEqualTo(1);

        SilverRowConverter stores = SilverRowConverter.forSourceTable(STORES, CLOCK);
        RowData store = stores.toRowData(cleaned(SilverFixtures.insert(STORES)));
        assertThat(store.getInt(stores.rowType().getFieldIndex("opened_on")))
                .isEqualTo((int) LocalDate.of(2019, 3, 1).toEpochDay());
        assertThat(store.getBoolean(stores.rowType().getFieldIndex("active"))).isTrue();

        SilverRowConverter customers = SilverRowConverter.forSourceTable(CUSTOMERS, CLOCK);
        RowData customer = customers.toRowData(cleaned(SilverFixtures.insert(CUSTOMERS)));
        assertThat(customer.getInt(customers.rowType().getFieldIndex("loyalty_tier"))).isEqualTo(2);
        assertThat(customer.getString(customers.rowType().getFieldIndex("full_name")).toString())
                .isEqualTo("Ana O'Connor");

        SilverRowConverter products = SilverRowConverter.forSourceTable(PRODUCTS, CLOCK);
        RowData product = products.toRowData(cleaned(SilverFixtures.insert(PRODUCTS)));
        assertThat(product.getString(products.rowType().getFieldIndex("name")).toString())
                .isEqualTo("Crème Kettle");
        assertThat(product.isNullAt(products.rowType().getFieldIndex("description"))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(RowKind.class)
    void rowKindFollowsTheChangeKind(RowKind kind) {
        SilverRowConverter converter = SilverRowConverter.forSourceTable(ORDERS, CLOCK);
        RowChange change = cleaned(SilverFixtures.change(kind, ORDERS));

        assertThat(change.kind).isEqualTo(kind.shortString());
        assertThat(converter.toRowData(change).getRowKind()).isEqualTo(kind);
    }

    @Test
    void aKeyOnlyDeleteBecomesARowWithItsKeyAndNullsForAnUpsertingSink() {
        SilverRowConverter converter = SilverRowConverter.forSourceTable(ORDER_LINES, CLOCK);
        RowChange delete =
                cleaned(
                        new RowChange(
                                RowKind.DELETE,
                                ORDER_LINES,
                                "{\"order_id\":42,\"line_no\":3}",
                                LSN,
                                Map.of()));

        RowData row = converter.toRowData(delete);
        RowType t = converter.rowType();

        assertThat(row.getRowKind()).isEqualTo(RowKind.DELETE);
        assertThat(row.getLong(t.getFieldIndex("order_id"))).isEqualTo(42L);
        assertThat(row.getInt(t.getFieldIndex("line_no"))).isEqualTo(3);
        assertThat(row.isNullAt(t.getFieldIndex("quantity"))).isTrue();
        assertThat(row.getLong(t.getFieldIndex("_lsn"))).isEqualTo(LSN);
    }

    @Test
    void theClockIsReadPerRowUnlessAnInstantIsGiven() {
        SilverRowConverter converter = SilverRowConverter.forSourceTable(STORES, CLOCK);
        int updatedAt = converter.rowType().getFieldIndex("_updated_at");
        Instant batch = Instant.parse("2030-01-01T00:00:00Z");

        RowData row = converter.toRowData(cleaned(SilverFixtures.insert(STORES)), batch);

        assertThat(row.getTimestamp(updatedAt, 6).toInstant()).isEqualTo(batch);
    }

    @Test
    void anUncleanedValueFailsNamingTableKeyAndColumn() {
        SilverRowConverter converter = SilverRowConverter.forSourceTable(ORDER_LINES, CLOCK);
        RowChange raw = cleaned(SilverFixtures.insert(ORDER_LINES));
        raw.values.put("unit_price", new java.math.BigDecimal("12.505"));

        assertThatThrownBy(() -> converter.toRowData(raw))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shop.order_lines")
                .hasMessageContaining("\"line_no\":1")
                .hasMessageContaining("unit_price 12.505");
    }

    @Test
    void aChangeOfAnotherTableIsRefused() {
        SilverRowConverter converter = SilverRowConverter.forSourceTable(ORDERS, CLOCK);

        assertThatThrownBy(() -> converter.toRowData(cleaned(SilverFixtures.insert(STORES))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shop.stores");
    }

    @Test
    void aLiveTableWithAnAddedColumnGetsNullThere() {
        Schema definition = SilverTables.definitionFor(STORES).schema();
        List<Types.NestedField> columns = new java.util.ArrayList<>(definition.columns());
        columns.add(Types.NestedField.optional(100, "manager", Types.StringType.get()));
        Schema evolved = new Schema(columns, definition.identifierFieldIds());

        SilverRowConverter converter = new SilverRowConverter(STORES, evolved, CLOCK);
        RowData row = converter.toRowData(cleaned(SilverFixtures.insert(STORES)));

        assertThat(row.getArity()).isEqualTo(columns.size());
        assertThat(row.isNullAt(columns.size() - 1)).isTrue();
    }

    @Test
    void theConverterSurvivesJavaSerializationWithTheSystemClock() throws Exception {
        SilverRowConverter copy =
                InstantiationUtil.clone(
                        SilverRowConverter.forSourceTable(ORDERS, Clock.systemUTC()));

        RowData row = copy.toRowData(cleaned(SilverFixtures.insert(ORDERS)));

        assertThat(row.getLong(copy.rowType().getFieldIndex("order_id"))).isEqualTo(42L);
    }

    @Test
    void decimalsAreStoredAtTheColumnScaleNotTheLiteralScale() {
        SilverRowConverter converter = SilverRowConverter.forSourceTable(PRODUCTS, CLOCK);
        int price = converter.rowType().getFieldIndex("list_price");

        RowData row =
                converter.toRowData(cleaned(SilverFixtures.insert(PRODUCTS, "list_price", "5")));

        DecimalData value = row.getDecimal(price, 12, 2);
        assertThat(value.toBigDecimal().scale()).isEqualTo(2);
        assertThat(value.toUnscaledLong()).isEqualTo(500L);
    }
}
