package dev.lakestream.shop;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test fixtures around one embedded PostgreSQL server: each test gets its own database, so tests
 * share the (slow to start) server but never each other's data.
 */
public final class TestShop {

    private TestShop() {}

    /** Creates database {@code name} and returns a connection to it (auto-commit on). */
    public static Connection freshDatabase(EmbeddedPostgres pg, String name) throws SQLException {
        try (Connection admin = pg.getPostgresDatabase().getConnection();
                Statement st = admin.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name);
            st.execute("CREATE DATABASE " + name);
        }
        return DriverManager.getConnection(jdbcUrl(pg, name));
    }

    /** Creates database {@code name} with the shop schema applied. */
    public static Connection freshShop(EmbeddedPostgres pg, String name) throws SQLException {
        Connection c = freshDatabase(pg, name);
        ShopSchema.apply(c);
        return c;
    }

    public static String jdbcUrl(EmbeddedPostgres pg, String name) {
        return pg.getJdbcUrl("postgres", name);
    }

    /**
     * Every row of every shop table as JSON text, ordered by primary key: equal dumps mean equal
     * contents, and a failing comparison shows the first differing row.
     */
    public static Map<String, List<String>> dump(Connection c) throws SQLException {
        Map<String, List<String>> dump = new LinkedHashMap<>();
        try (Statement st = c.createStatement()) {
            st.execute("SET TIME ZONE 'UTC'");
            for (String table : ShopSchema.TABLES) {
                List<String> rows = new ArrayList<>();
                String order = String.join(", ", ShopSchema.PRIMARY_KEYS.get(table));
                try (ResultSet rs =
                        st.executeQuery(
                                "SELECT to_jsonb(t)::text FROM "
                                        + table
                                        + " t ORDER BY "
                                        + order)) {
                    while (rs.next()) {
                        rows.add(rs.getString(1));
                    }
                }
                dump.put(table, rows);
            }
        }
        return dump;
    }

    /** The single long value of a query. */
    public static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new AssertionError("no row from " + sql);
            }
            return rs.getLong(1);
        }
    }

    /** The single string value of a query. */
    public static String queryString(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new AssertionError("no row from " + sql);
            }
            return rs.getString(1);
        }
    }
}
