package dev.lakestream.jobs.silver;

import dev.lakestream.jobs.changelog.JsonImages;
import dev.lakestream.jobs.changelog.RowChange;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.types.RowKind;

/**
 * One valid row image per shop entity, as bronze writes it (JSON literals, parsed to typed values
 * by {@link #change}), for the silver tests. Values mirror what the workload generator produces:
 * diacritics, apostrophes, money with cents.
 */
final class SilverFixtures {

    private SilverFixtures() {}

    static final String STORES = "shop.stores";
    static final String CUSTOMERS = "shop.customers";
    static final String PRODUCTS = "shop.products";
    static final String ORDERS = "shop.orders";
    static final String ORDER_LINES = "shop.order_lines";
    static final String RATES = "rest.exchange_rates";
    static final String TRAFFIC = "files.foot_traffic";

    static final long LSN = 123_456_789L;

    /** The valid image of a table's fixture row. */
    static Map<String, String> good(String table) {
        Map<String, String> v = new LinkedHashMap<>();
        switch (table) {
            case STORES -> {
                v.put("store_id", "1");
                v.put("code", "\"SFO\"");
                v.put("name", "\"Market Street\"");
                v.put("region", "\"us-west\"");
                v.put("city", "\"San Francisco\"");
                v.put("country", "\"US\"");
                v.put("time_zone", "\"America/Los_Angeles\"");
                v.put("currency", "\"USD\"");
                v.put("opened_on", "\"2019-03-01\"");
                v.put("active", "true");
            }
            case CUSTOMERS -> {
                v.put("customer_id", "7");
                v.put("email", "\"ana.oconnor@example.com\"");
                v.put("full_name", "\"Ana O'Connor\"");
                v.put("country", "\"IE\"");
                v.put("loyalty_tier", "2");
                v.put("created_at", "\"2023-01-02T03:04:05.123456Z\"");
                v.put("updated_at", "\"2024-05-01T10:15:30Z\"");
            }
            case PRODUCTS -> {
                v.put("product_id", "3");
                v.put("sku", "\"KIT-000003\"");
                v.put("name", "\"Crème Kettle\"");
                v.put("category", "\"kitchen\"");
                v.put("description", "null");
                v.put("list_price", "49.90");
                v.put("active", "true");
                v.put("updated_at", "\"2024-04-30T23:59:59.999999Z\"");
            }
            case ORDERS -> {
                v.put("order_id", "42");
                v.put("store_id", "1");
                v.put("customer_id", "7");
                v.put("channel", "\"WEB\"");
                v.put("status", "\"PAID\"");
                v.put("created_at", "\"2024-05-01T08:00:00.000001Z\"");
                v.put("updated_at", "\"2024-05-01T09:30:00Z\"");
                v.put("note", "\"Ring twice; the bell is broken\"");
            }
            case ORDER_LINES -> {
                v.put("order_id", "42");
                v.put("line_no", "1");
                v.put("product_id", "3");
                v.put("quantity", "2");
                v.put("unit_price", "12.50");
                v.put("discount", "1.00");
            }
            case RATES -> {
                v.put("base_currency", "\"EUR\"");
                v.put("quote_currency", "\"USD\"");
                v.put("rate_date", "\"2024-05-01\"");
                v.put("rate", "1.08700000");
            }
            case TRAFFIC -> {
                v.put("store_id", "3");
                v.put("hour_start", "\"2024-05-01T10:00:00Z\"");
                v.put("visitors", "42");
            }
            default -> throw new IllegalArgumentException(table);
        }
        return v;
    }

    /** The key JSON of a table's fixture row. */
    static String key(String table) {
        return switch (table) {
            case STORES -> "{\"store_id\":1}";
            case CUSTOMERS -> "{\"customer_id\":7}";
            case PRODUCTS -> "{\"product_id\":3}";
            case ORDERS -> "{\"order_id\":42}";
            case ORDER_LINES -> "{\"order_id\":42,\"line_no\":1}";
            case RATES ->
                    "{\"base_currency\":\"EUR\",\"quote_currency\":\"USD\","
                            + "\"rate_date\":\"2024-05-01\"}";
            case TRAFFIC -> "{\"store_id\":3,\"hour_start\":\"2024-05-01T10:00:00Z\"}";
            default -> throw new IllegalArgumentException(table);
        };
    }

    /** The fixture row with some columns replaced; a null value removes the column. */
    static RowChange change(RowKind kind, String table, String... columnsAndLiterals) {
        return changeWithKey(kind, table, key(table), columnsAndLiterals);
    }

    /** {@link #change} with another key JSON than the fixture's. */
    static RowChange changeWithKey(
            RowKind kind, String table, String key, String... columnsAndLiterals) {
        Map<String, String> values = new HashMap<>(good(table));
        for (int i = 0; i < columnsAndLiterals.length; i += 2) {
            if (columnsAndLiterals[i + 1] == null) {
                values.remove(columnsAndLiterals[i]);
            } else {
                values.put(columnsAndLiterals[i], columnsAndLiterals[i + 1]);
            }
        }
        return new RowChange(kind, table, key, LSN, values(values));
    }

    /**
     * Literals (JSON text per column) as the typed values bronze's parser gives for them; a literal
     * that is no JSON value (a marker's reason, {@code NaN}) is taken as its text.
     */
    static Map<String, Object> values(Map<String, String> literals) {
        Map<String, Object> values = new HashMap<>();
        for (Map.Entry<String, String> e : literals.entrySet()) {
            Object value;
            try {
                value = JsonImages.parse("{\"v\":" + e.getValue() + "}", "test", "test").get("v");
            } catch (IllegalArgumentException notJson) {
                value = e.getValue();
            }
            values.put(e.getKey(), value);
        }
        return values;
    }

    /** Typed values written back as literals, to compare with expectations written as such. */
    static Map<String, String> literals(Map<String, Object> values) {
        Map<String, String> literals = new LinkedHashMap<>();
        values.forEach((column, value) -> literals.put(column, JsonImages.write(value)));
        return literals;
    }

    static RowChange insert(String table, String... columnsAndLiterals) {
        return change(RowKind.INSERT, table, columnsAndLiterals);
    }
}
