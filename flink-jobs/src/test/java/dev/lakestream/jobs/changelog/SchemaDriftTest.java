package dev.lakestream.jobs.changelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.flink.types.RowKind;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * What a changed source schema carries to silver, and what the applier makes of a dropped column.
 */
class SchemaDriftTest {

    private static final String LINES =
            "{\"order_id\":\"long\",\"line_no\":\"int\",\"product_id\":\"long\","
                    + "\"quantity\":\"int\",\"unit_price\":\"decimal(12,2)\","
                    + "\"discount\":\"decimal(12,2)\"}";

    @Test
    void aSourceThatMatchesSilverCarriesNothing() {
        assertThat(SchemaDrift.of("shop.order_lines", LINES)).isNull();
        // narrower at the source than in silver (an int for a long) is no difference
        assertThat(
                        SchemaDrift.of(
                                "shop.order_lines",
                                LINES.replace("\"order_id\":\"long\"", "\"order_id\":\"int\"")))
                .isNull();
        assertThat(SchemaDrift.of("shop.order_lines", null)).isNull();
    }

    @Test
    void addedWidenedAndIncompatibleColumnsAreListed() {
        String altered =
                LINES.replace("\"quantity\":\"int\"", "\"quantity\":\"long\"")
                        .replace("\"discount\":\"decimal(12,2)\"", "\"discount\":\"decimal(12,3)\"")
                        .replace("}", ",\"gift\":\"string\"}");

        String drift = SchemaDrift.of("shop.order_lines", altered);

        assertThat(SchemaDrift.types(drift))
                .containsExactly(
                        Map.entry("quantity", Types.LongType.get()),
                        Map.entry("discount", Types.DecimalType.of(12, 3)),
                        Map.entry("gift", Types.StringType.get()));
        assertThat(SchemaDrift.widens(Types.IntegerType.get(), Types.LongType.get())).isTrue();
        assertThat(SchemaDrift.widens(Types.DecimalType.of(12, 2), Types.DecimalType.of(14, 2)))
                .isTrue();
        assertThat(SchemaDrift.widens(Types.DecimalType.of(12, 2), Types.DecimalType.of(12, 3)))
                .isFalse();
        assertThat(SchemaDrift.widens(Types.StringType.get(), Types.IntegerType.get())).isFalse();
        assertThat(SchemaDrift.types(SchemaDrift.without(drift, List.of("gift", "discount"))))
                .containsOnlyKeys("quantity");
        assertThat(SchemaDrift.without(drift, List.of("gift", "discount", "quantity"))).isNull();
    }

    @Test
    void aColumnDroppedAtTheSourceLeavesTheRowAndALateChangeDoesNotBringItBack() {
        KeyState s = new KeyState();
        ChangeEvent before =
                new ChangeEvent(
                        "shop.customers",
                        "{\"customer_id\":7}",
                        "c",
                        10,
                        Map.of("customer_id", 7L, "full_name", "Ana"),
                        List.of());
        ChangeEvent after =
                new ChangeEvent(
                        "shop.customers",
                        "{\"customer_id\":7}",
                        "u",
                        30,
                        Map.of("customer_id", 7L),
                        List.of());
        ChangeEvent late =
                new ChangeEvent(
                        "shop.customers",
                        "{\"customer_id\":7}",
                        "u",
                        20,
                        Map.of("customer_id", 7L, "full_name", "Ana Maria"),
                        List.of());

        LsnOrderedApplier.apply(s, before);
        LsnOrderedApplier.apply(s, after);
        LsnOrderedApplier.apply(s, late);

        assertThat(s.values).containsOnlyKeys("customer_id");
        assertThat(new RowChange(RowKind.INSERT, "t", "k", 1, s.values).values)
                .doesNotContainKey("full_name");
    }

    @Test
    void anUnchangedToastValueIsNoDrop() {
        KeyState s = new KeyState();
        LsnOrderedApplier.apply(
                s,
                new ChangeEvent(
                        "shop.products",
                        "{\"product_id\":3}",
                        "c",
                        10,
                        Map.of("product_id", 3L, "description", "long text"),
                        List.of()));
        LsnOrderedApplier.apply(
                s,
                new ChangeEvent(
                        "shop.products",
                        "{\"product_id\":3}",
                        "u",
                        20,
                        Map.of("product_id", 3L),
                        List.of("description")));

        assertThat(s.values).containsEntry("description", "long text");
    }
}
