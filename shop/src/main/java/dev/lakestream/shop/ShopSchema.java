package dev.lakestream.shop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PostgreSQL schema {@code shop}: the OLTP source that the CDC pipeline captures.
 *
 * <p>The DDL lives in the classpath resource {@value #RESOURCE} rather than in Java strings so that
 * the same file can be fed to {@code psql} and reviewed as SQL. It is written to be idempotent, so
 * {@link #apply(Connection)} can run on every start without checking first.
 *
 * <p>The table list and primary keys are also published here as constants because the downstream
 * jobs (CDC source, Iceberg sinks, verification) need them without a database at hand, and because
 * they must agree with the DDL: a test compares them with the live catalog. {@link #TABLES} is in
 * foreign-key dependency order, which is the order to create or load tables in (and the reverse is
 * the order to empty them in).
 */
public final class ShopSchema {

    /** Classpath location of the DDL script. */
    public static final String RESOURCE = "/lakestream/shop/schema.sql";

    /** The PostgreSQL schema that holds the tables. */
    public static final String SCHEMA = "shop";

    public static final String STORES = "shop.stores";
    public static final String CUSTOMERS = "shop.customers";
    public static final String PRODUCTS = "shop.products";
    public static final String ORDERS = "shop.orders";
    public static final String ORDER_LINES = "shop.order_lines";

    /** Schema-qualified table names, referenced tables before the tables that reference them. */
    public static final List<String> TABLES =
            List.of(STORES, CUSTOMERS, PRODUCTS, ORDERS, ORDER_LINES);

    /**
     * Primary-key column names per qualified table name, in key order; iteration follows {@link
     * #TABLES}.
     */
    public static final Map<String, List<String>> PRIMARY_KEYS = primaryKeys();

    private ShopSchema() {}

    private static Map<String, List<String>> primaryKeys() {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        keys.put(STORES, List.of("store_id"));
        keys.put(CUSTOMERS, List.of("customer_id"));
        keys.put(PRODUCTS, List.of("product_id"));
        keys.put(ORDERS, List.of("order_id"));
        keys.put(ORDER_LINES, List.of("order_id", "line_no"));
        return Collections.unmodifiableMap(keys);
    }

    /**
     * Returns the primary-key columns of a table.
     *
     * @param table schema-qualified name, e.g. {@code shop.orders}
     * @throws IllegalArgumentException if the table is not part of the shop schema
     */
    public static List<String> primaryKey(String table) {
        List<String> key = PRIMARY_KEYS.get(table);
        if (key == null) {
            throw new IllegalArgumentException(
                    "unknown shop table '" + table + "', expected one of " + TABLES);
        }
        return key;
    }

    /** Returns the DDL script, read from {@value #RESOURCE}. */
    public static String ddl() {
        try (InputStream in = ShopSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + RESOURCE + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /**
     * Creates the schema and its tables if they do not exist, in one transaction.
     *
     * <p>The connection's auto-commit setting is restored afterwards.
     */
    public static void apply(Connection connection) throws SQLException {
        String ddl = ddl();
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute(ddl);
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }
}
