package dev.lakestream.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ShopSchemaTest {

    @Test
    void tablesAreListedInDependencyOrder() {
        assertThat(ShopSchema.TABLES)
                .containsExactly(
                        "shop.stores",
                        "shop.customers",
                        "shop.products",
                        "shop.orders",
                        "shop.order_lines");
    }

    @Test
    void everyTableHasAPrimaryKeyInTableOrder() {
        assertThat(ShopSchema.PRIMARY_KEYS.keySet()).containsExactlyElementsOf(ShopSchema.TABLES);
        assertThat(ShopSchema.primaryKey("shop.order_lines"))
                .containsExactly("order_id", "line_no");
        assertThat(ShopSchema.primaryKey("shop.orders")).containsExactly("order_id");
    }

    @Test
    void unknownTableIsRejectedByName() {
        assertThatThrownBy(() -> ShopSchema.primaryKey("shop.nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shop.nope");
    }

    @Test
    void everyCreateStatementIsIdempotent() {
        String ddl = ShopSchema.ddl().replaceAll("--[^\n]*", "").toUpperCase(Locale.ROOT);
        Matcher create = Pattern.compile("CREATE\\s+(?!SCHEMA IF|TABLE IF|INDEX IF)").matcher(ddl);
        List<String> offenders = new ArrayList<>();
        while (create.find()) {
            offenders.add(
                    ddl.substring(create.start(), Math.min(ddl.length(), create.start() + 60)));
        }
        assertThat(offenders).isEmpty();
        assertThat(ddl).doesNotContain("SEQUENCE", "SERIAL", "DROP ", "REPLICA IDENTITY FULL");
    }

    @Test
    void ddlCreatesEveryListedTable() {
        String ddl = ShopSchema.ddl();
        for (String table : ShopSchema.TABLES) {
            assertThat(ddl).contains("CREATE TABLE IF NOT EXISTS " + table + " (");
        }
    }
}
