package dev.lakestream.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ShopSchemaITCase {

    private static EmbeddedPostgres pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void appliesTwiceWithoutError() throws Exception {
        try (Connection c = TestShop.freshDatabase(pg, "schema_twice")) {
            ShopSchema.apply(c);
            ShopSchema.apply(c);
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(
                            TestShop.queryLong(
                                    c,
                                    "SELECT count(*) FROM information_schema.tables"
                                            + " WHERE table_schema = 'shop'"))
                    .isEqualTo(ShopSchema.TABLES.size());
        }
    }

    @Test
    void primaryKeysMatchTheCatalog() throws Exception {
        try (Connection c = TestShop.freshShop(pg, "schema_keys")) {
            Map<String, List<String>> actual = new LinkedHashMap<>();
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "SELECT a.attname FROM pg_index i"
                                    + " JOIN pg_attribute a ON a.attrelid = i.indrelid"
                                    + " AND a.attnum = ANY (i.indkey)"
                                    + " WHERE i.indrelid = ?::regclass AND i.indisprimary"
                                    + " ORDER BY array_position(i.indkey, a.attnum)")) {
                for (String table : ShopSchema.TABLES) {
                    ps.setString(1, table);
                    List<String> columns = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            columns.add(rs.getString(1));
                        }
                    }
                    actual.put(table, columns);
                }
            }
            assertThat(actual).isEqualTo(ShopSchema.PRIMARY_KEYS);
        }
    }

    @Test
    void tablesKeepDefaultReplicaIdentityAndBigintKeys() throws Exception {
        try (Connection c = TestShop.freshShop(pg, "schema_identity")) {
            for (String table : ShopSchema.TABLES) {
                assertThat(
                                TestShop.queryString(
                                        c,
                                        "SELECT relreplident::text FROM pg_class WHERE oid = '"
                                                + table
                                                + "'::regclass"))
                        .as("replica identity of %s", table)
                        .isEqualTo("d");
            }
            assertThat(
                            TestShop.queryLong(
                                    c,
                                    "SELECT count(*) FROM information_schema.columns"
                                            + " WHERE table_schema = 'shop'"
                                            + " AND column_name LIKE '%\\_id' AND data_type <> 'bigint'"))
                    .isZero();
            assertThat(
                            TestShop.queryLong(
                                    c,
                                    "SELECT count(*) FROM pg_sequences"
                                            + " WHERE schemaname = 'shop'"))
                    .isZero();
        }
    }

    @Test
    void deletingAnOrderCascadesToItsLines() throws Exception {
        try (Connection c = TestShop.freshShop(pg, "schema_cascade")) {
            try (var st = c.createStatement()) {
                st.execute(
                        "INSERT INTO shop.stores (store_id, code, name, region, city, country,"
                                + " time_zone, currency) VALUES (1, 'PAR-01', 'Le Marais',"
                                + " 'eu-west', 'Paris', 'FR', 'Europe/Paris', 'EUR')");
                st.execute(
                        "INSERT INTO shop.products (product_id, sku, name, category, list_price,"
                                + " updated_at) VALUES (1, 'HOM-000001', 'Lamp', 'home', 9.99,"
                                + " now())");
                st.execute(
                        "INSERT INTO shop.orders (order_id, store_id, status, created_at,"
                                + " updated_at) VALUES (1, 1, 'PLACED', now(), now())");
                st.execute(
                        "INSERT INTO shop.order_lines (order_id, line_no, product_id, quantity,"
                                + " unit_price) VALUES (1, 1, 1, 2, 9.99)");
                st.execute("DELETE FROM shop.orders WHERE order_id = 1");
            }
            assertThat(TestShop.queryLong(c, "SELECT count(*) FROM shop.order_lines")).isZero();
        }
    }
}
