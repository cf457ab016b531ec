package dev.lakestream.ops.quarantine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code reinject --set column=value}: typed as the silver column, or a clear error naming it. */
class ColumnAssignmentsTest {

    @Test
    void valuesAreTypedAsTheirSilverColumns() {
        Map<String, Object> values =
                ColumnAssignments.parse("shop.order_lines", List.of("discount=5.00", "quantity=3"));
        assertThat(values)
                .containsExactly(
                        Map.entry("discount", new BigDecimal("5.00")), Map.entry("quantity", 3L));

        assertThat(
                        ColumnAssignments.parse(
                                "shop.customers",
                                List.of(
                                        "email=ana@example.com",
                                        "created_at=2026-12-01T11:00:00+01:00",
                                        "country=null")))
                .containsEntry("email", "ana@example.com")
                .containsEntry("created_at", "2026-12-01T10:00:00Z")
                .containsEntry("country", null);
        assertThat(
                        ColumnAssignments.parse(
                                "shop.stores", List.of("active=false", "opened_on=2019-03-01")))
                .containsEntry("active", false)
                .containsEntry("opened_on", "2019-03-01");
        assertThat(ColumnAssignments.parse("shop.customers", List.of("full_name=A=B")))
                .as("only the first = separates")
                .containsEntry("full_name", "A=B");
    }

    @Test
    void aBadColumnOrValueIsAnErrorNamingIt() {
        assertThatThrownBy(() -> ColumnAssignments.parse("shop.order_lines", List.of("discont=5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--set discont=5")
                .hasMessageContaining("has no column 'discont'")
                .hasMessageContaining("discount");
        assertThatThrownBy(
                        () -> ColumnAssignments.parse("shop.order_lines", List.of("discount=abc")))
                .hasMessageContaining("--set discount=abc")
                .hasMessageContaining("decimal(12, 2)")
                .hasMessageContaining("at most 2 decimal places");
        assertThatThrownBy(
                        () ->
                                ColumnAssignments.parse(
                                        "shop.order_lines", List.of("discount=5.005")))
                .as("never rounded")
                .hasMessageContaining("--set discount=5.005");
        assertThatThrownBy(
                        () -> ColumnAssignments.parse("shop.order_lines", List.of("quantity=1.5")))
                .hasMessageContaining("an integer");
        assertThatThrownBy(() -> ColumnAssignments.parse("shop.stores", List.of("active=yes")))
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> ColumnAssignments.parse("shop.order_lines", List.of("order_id=2")))
                .hasMessageContaining("part of the key");
        assertThatThrownBy(() -> ColumnAssignments.parse("shop.order_lines", List.of("_lsn=2")))
                .hasMessageContaining("has no column '_lsn'");
        assertThatThrownBy(() -> ColumnAssignments.parse("shop.order_lines", List.of("discount")))
                .hasMessageContaining("expected column=value");
        assertThatThrownBy(
                        () ->
                                ColumnAssignments.parse(
                                        "shop.order_lines", List.of("discount=1", "discount=2")))
                .hasMessageContaining("set twice");
    }
}
