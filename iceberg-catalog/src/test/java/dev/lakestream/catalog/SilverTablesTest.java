package dev.lakestream.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The silver table definitions against what the shop schema says (keys and column types are
 * hard-coded here on purpose: this module does not depend on the shop module, and a second,
 * independent spelling of the expectations is what makes the test able to fail).
 */
class SilverTablesTest {

    /** ShopSchema.PRIMARY_KEYS, spelled out. */
    private static final Map<String, List<String>> PRIMARY_KEYS = primaryKeys();

    private static Map<String, List<String>> primaryKeys() {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        keys.put("shop.stores", List.of("store_id"));
        keys.put("shop.customers", List.of("customer_id"));
        keys.put("shop.products", List.of("product_id"));
        keys.put("shop.orders", List.of("order_id"));
        keys.put("shop.order_lines", List.of("order_id", "line_no"));
        return keys;
    }

    /** Column, Iceberg type, "?" when optional: schema.sql mapped by hand. */
    private static final Map<String, List<String>> COLUMNS =
            Map.of(
                    "shop.stores",
                    List.of(
                            "store_id long",
                            "code string",
                            "name string",
                            "region string",
                            "city string",
                            "country string",
                            "time_zone string",
                            "currency string",
                            "opened_on date?",
                            "active boolean",
                            "_lsn long",
                            "_updated_at timestamptz"),
                    "shop.customers",
                    List.of(
                            "customer_id long",
                            "email string",
                            "full_name string?",
                            "country string?",
                            "loyalty_tier int?",
                            "created_at timestamptz",
                            "updated_at timestamptz",
                            "_lsn long",
                            "_updated_at timestamptz"),
                    "shop.products",
                    List.of(
                            "product_id long",
                            "sku string",
                            "name string",
                            "category string",
                            "description string?",
                            "list_price decimal(12, 2)",
                            "active boolean",
                            "updated_at timestamptz",
                            "_lsn long",
                            "_updated_at timestamptz"),
                    "shop.orders",
                    List.of(
                            "order_id long",
                            "store_id long",
                            "customer_id long?",
                            "channel string",
                            "status string",
                            "created_at timestamptz",
                            "updated_at timestamptz",
                            "note string?",
                            "_lsn long",
                            "_updated_at timestamptz"),
                    "shop.order_lines",
                    List.of(
                            "order_id long",
                            "line_no int",
                            "product_id long",
                            "quantity int",
                            "unit_price decimal(12, 2)",
                            "discount decimal(12, 2)",
                            "_lsn long",
                            "_updated_at timestamptz"));

    static List<String> sourceTables() {
        return new ArrayList<>(PRIMARY_KEYS.keySet());
    }

    @Test
    void thereIsOneSilverTablePerShopTableNamedAfterItThenTheFeeds() {
        List<String> expected = new ArrayList<>(PRIMARY_KEYS.keySet());
        expected.add(SilverTables.EXCHANGE_RATES);
        expected.add(SilverTables.FOOT_TRAFFIC);
        assertThat(SilverTables.sourceTables()).containsExactlyElementsOf(expected);
        assertThat(SilverTables.all())
                .extracting(d -> d.identifier().toString())
                .containsExactly(
                        "silver.stores",
                        "silver.customers",
                        "silver.products",
                        "silver.orders",
                        "silver.order_lines",
                        "silver.exchange_rates",
                        "silver.store_foot_traffic");
        assertThat(SilverTables.all("lake_silver"))
                .allSatisfy(
                        d ->
                                assertThat(d.identifier().namespace().toString())
                                        .isEqualTo("lake_silver"));
        assertThat(SilverTables.definitionFor("shop.order_lines").identifier().name())
                .isEqualTo("order_lines");
    }

    @ParameterizedTest
    @MethodSource("sourceTables")
    void identifierFieldsAreThePrimaryKeyAndRequired(String sourceTable) {
        Schema schema = SilverTables.definitionFor(sourceTable).schema();
        List<String> key = PRIMARY_KEYS.get(sourceTable);

        assertThat(schema.identifierFieldNames()).containsExactlyInAnyOrderElementsOf(key);
        assertThat(schema.identifierFieldIds()).hasSize(key.size());
        for (String column : key) {
            assertThat(schema.findField(column).isRequired()).as(column).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("sourceTables")
    void columnsMirrorTheSourceTypesAndNullability(String sourceTable) {
        Schema schema = SilverTables.definitionFor(sourceTable).schema();

        assertThat(schema.columns())
                .extracting(f -> f.name() + " " + f.type() + (f.isRequired() ? "" : "?"))
                .containsExactlyElementsOf(COLUMNS.get(sourceTable));
    }

    @ParameterizedTest
    @MethodSource("sourceTables")
    void partitionSourceColumnsAreInsideTheKey(String sourceTable) {
        TableDefinition d = SilverTables.definitionFor(sourceTable);

        for (PartitionField field : d.partitionSpec().fields()) {
            assertThat(d.schema().identifierFieldIds())
                    .as("partition field %s of %s", field.name(), sourceTable)
                    .contains(field.sourceId());
        }
    }

    @Test
    void factsAreBucketedByOrderAndSmallDimensionsAreNotPartitioned() {
        assertThat(SilverTables.definitionFor("shop.orders").partitionSpec().toString())
                .contains("bucket[16]")
                .contains("order_id");
        assertThat(SilverTables.definitionFor("shop.order_lines").partitionSpec().fields())
                .singleElement()
                .satisfies(
                        f ->
                                assertThat(
                                                SilverTables.definitionFor("shop.order_lines")
                                                        .schema()
                                                        .findColumnName(f.sourceId()))
                                        .isEqualTo("order_id"));
        assertThat(SilverTables.definitionFor("shop.stores").partitionSpec().isUnpartitioned())
                .isTrue();
        assertThat(SilverTables.definitionFor("shop.products").partitionSpec().isUnpartitioned())
                .isTrue();
    }

    @Test
    void moneyColumnsAreDecimal12Scale2() {
        Map<String, String> money =
                Map.of(
                        "shop.products", "list_price",
                        "shop.order_lines", "unit_price");
        money.forEach(
                (table, column) ->
                        assertThat(SilverTables.definitionFor(table).schema().findType(column))
                                .isEqualTo(Types.DecimalType.of(12, 2)));
        assertThat(SilverTables.definitionFor("shop.order_lines").schema().findType("discount"))
                .isEqualTo(Types.DecimalType.of(12, 2));
        // exchange rates need more decimals than money
        assertThat(
                        SilverTables.definitionFor(SilverTables.EXCHANGE_RATES)
                                .schema()
                                .findType("rate"))
                .isEqualTo(Types.DecimalType.of(18, 8));
        // and no other decimal sneaks in with another precision
        for (TableDefinition d : SilverTables.all()) {
            for (Types.NestedField f : d.schema().columns()) {
                if (f.type() instanceof Types.DecimalType decimal && !f.name().equals("rate")) {
                    assertThat(decimal)
                            .as(d.identifier() + "." + f.name())
                            .isEqualTo(SilverTables.MONEY);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sourceTables")
    void everyTableCarriesTheLakestreamColumnsLast(String sourceTable) {
        List<Types.NestedField> columns =
                SilverTables.definitionFor(sourceTable).schema().columns();
        Types.NestedField lsn = columns.get(columns.size() - 2);
        Types.NestedField updatedAt = columns.get(columns.size() - 1);

        assertThat(lsn.name()).isEqualTo("_lsn");
        assertThat(lsn.type()).isEqualTo(Types.LongType.get());
        assertThat(lsn.isRequired()).isTrue();
        assertThat(updatedAt.name()).isEqualTo("_updated_at");
        assertThat(updatedAt.type()).isEqualTo(Types.TimestampType.withZone());
        assertThat(updatedAt.isRequired()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("sourceTables")
    void propertiesMakeAnUpsertedV2SilverTable(String sourceTable) {
        Map<String, String> props = SilverTables.definitionFor(sourceTable).properties();

        assertThat(props)
                .containsEntry("format-version", "2")
                .containsEntry("write.upsert.enabled", "true")
                .containsEntry("write.format.default", "parquet")
                .containsEntry("write.parquet.compression-codec", "zstd")
                .containsEntry("write.metadata.delete-after-commit.enabled", "true")
                .containsEntry("write.metadata.previous-versions-max", "100")
                .containsEntry("lakestream.layer", "silver")
                .containsEntry("lakestream.source-table", sourceTable);
    }

    @Test
    void unknownSourceTableIsRefusedByName() {
        assertThatThrownBy(() -> SilverTables.definitionFor("shop.refunds"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shop.refunds")
                .hasMessageContaining("shop.orders");
    }

    @Test
    void icebergAcceptsEveryDefinitionAndBootstrapIsIdempotent() throws Exception {
        try (InMemoryCatalog catalog = new InMemoryCatalog()) {
            catalog.initialize(
                    "silver-test",
                    Map.of(
                            CatalogProperties.WAREHOUSE_LOCATION,
                            "/silver-test/" + UUID.randomUUID()));
            TableBootstrap bootstrap = new TableBootstrap(catalog);
            for (TableDefinition d : SilverTables.all()) {
                Table created = bootstrap.ensure(d);
                Table again = bootstrap.ensure(d);

                assertThat(created.schema().identifierFieldNames())
                        .isEqualTo(d.schema().identifierFieldNames());
                assertThat(created.spec().fields()).hasSameSizeAs(d.partitionSpec().fields());
                assertThat(created.properties()).containsEntry("write.upsert.enabled", "true");
                assertThat(again.schema().sameSchema(created.schema())).isTrue();
            }
        }
    }

    @Test
    void feedTablesAreKeyedByTheirIdentityAndPartitionedInsideIt() {
        TableDefinition rates = SilverTables.definitionFor(SilverTables.EXCHANGE_RATES);
        assertThat(rates.schema().identifierFieldNames())
                .containsExactlyInAnyOrder("base_currency", "quote_currency", "rate_date");
        assertThat(rates.partitionSpec().isUnpartitioned()).isTrue();

        TableDefinition traffic = SilverTables.definitionFor(SilverTables.FOOT_TRAFFIC);
        assertThat(traffic.identifier().toString()).isEqualTo("silver.store_foot_traffic");
        assertThat(traffic.schema().identifierFieldNames())
                .containsExactlyInAnyOrder("store_id", "hour_start");
        for (var field : traffic.partitionSpec().fields()) {
            assertThat(traffic.schema().identifierFieldIds()).contains(field.sourceId());
        }
        assertThat(traffic.schema().findType("hour_start"))
                .isEqualTo(Types.TimestampType.withZone());
        assertThat(traffic.properties()).containsEntry("write.upsert.enabled", "true");
    }
}
