package dev.lakestream.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The silver layer: one typed, cleansed Iceberg table per shop entity, holding each entity's
 * current state, upserted by primary key.
 *
 * <pre>
 *  silver table   key                  partitioning          source
 *  stores         store_id             none                  shop.stores
 *  customers      customer_id          bucket(customer_id,8) shop.customers
 *  products       product_id           none                  shop.products
 *  orders         order_id             bucket(order_id,16)   shop.orders
 *  order_lines    order_id, line_no    bucket(order_id,16)   shop.order_lines
 *  exchange_rates base, quote, date    none                  rest.exchange_rates (REST source)
 *  store_foot_traffic store_id, hour   bucket(store_id,4)    files.foot_traffic (landed files)
 * </pre>
 *
 * <p>For the two record datasets, {@value #LSN_COLUMN} holds the record's sequence (REST: its
 * cursor in epoch microseconds; files: last-modified second and line), not a WAL position.
 *
 * <p>Types follow the source: {@code bigint} ids are {@code long}, {@code smallint} and {@code int}
 * are {@code int} (Iceberg has no short), {@code text} and {@code char(n)} are {@code string},
 * {@code numeric(12,2)} money is {@code decimal(12,2)}, {@code timestamptz} is {@code timestamptz},
 * {@code date} is {@code date}. A column is required exactly when the source column is {@code NOT
 * NULL}; silver's cleansing rejects rows that would break that before they reach the table.
 *
 * <p>Every table also carries two lakestream columns: {@value #LSN_COLUMN} (the WAL position of the
 * source change that produced the row's current version, so readers can tell which version they see
 * and the pipeline can be audited against bronze) and {@value #UPDATED_AT_COLUMN} (when silver
 * wrote the row).
 *
 * <p>Upserts: the primary key is the table's identifier fields (its equality fields), and {@code
 * write.upsert.enabled} makes Iceberg's Flink sink turn every insert or update into "delete by key,
 * then write", so a replayed change or a change to an unknown key never duplicates rows. Iceberg
 * requires every partition source column of an upserted table to be part of the key (an equality
 * delete must land in the partition of the row it deletes), which is why orders are bucketed by
 * {@code order_id} rather than partitioned by day of {@code created_at}: an order's day never
 * changes in practice, but nothing guarantees it. Order lines use the same bucketing as orders, so
 * an order and its lines live in matching buckets. Stores and products are small dimension tables
 * and stay unpartitioned; customers grow with the business and get a few buckets so that applying
 * equality deletes does not always rescan the whole table.
 */
public final class SilverTables {

    public static final String DEFAULT_NAMESPACE = "silver";

    /** WAL position of the source change that produced the row's current version. */
    public static final String LSN_COLUMN = "_lsn";

    /** When silver wrote the row's current version. */
    public static final String UPDATED_AT_COLUMN = "_updated_at";

    /** Whether a column is one of lakestream's own ({@code _lsn}, {@code _updated_at}). */
    public static boolean isLakestreamColumn(String column) {
        return column.equals(LSN_COLUMN) || column.equals(UPDATED_AT_COLUMN);
    }

    /** Precision and scale of every money column ({@code numeric(12,2)} at the source). */
    public static final Types.DecimalType MONEY = Types.DecimalType.of(12, 2);

    public static final String STORES = "shop.stores";
    public static final String CUSTOMERS = "shop.customers";
    public static final String PRODUCTS = "shop.products";
    public static final String ORDERS = "shop.orders";
    public static final String ORDER_LINES = "shop.order_lines";

    /** Daily exchange rates polled from a REST API (bronze source table of the REST source). */
    public static final String EXCHANGE_RATES = "rest.exchange_rates";

    /** Visitors per store and hour from door counters, landed as files. */
    public static final String FOOT_TRAFFIC = "files.foot_traffic";

    /** Exchange rates: 8 decimals, e.g. 1.08214500 USD per EUR. */
    public static final Types.DecimalType RATE = Types.DecimalType.of(18, 8);

    private static final Type LONG = Types.LongType.get();
    private static final Type INT = Types.IntegerType.get();
    private static final Type STRING = Types.StringType.get();
    private static final Type BOOLEAN = Types.BooleanType.get();
    private static final Type DATE = Types.DateType.get();
    private static final Type TIMESTAMPTZ = Types.TimestampType.withZone();

    /** Source table to its silver shape, in the order the entities depend on each other. */
    private static final Map<String, Shape> SHAPES = shapes();

    private SilverTables() {}

    /** The source tables silver has a table for, e.g. {@code shop.orders}. */
    public static List<String> sourceTables() {
        return List.copyOf(SHAPES.keySet());
    }

    /**
     * Definition of the silver table of a source table, in namespace {@value #DEFAULT_NAMESPACE}.
     */
    public static TableDefinition definitionFor(String sourceTable) {
        return definitionFor(DEFAULT_NAMESPACE, sourceTable);
    }

    /**
     * Definition of the silver table of a source table: {@code shop.orders} becomes {@code
     * <namespace>.orders}.
     *
     * @throws IllegalArgumentException for a table silver does not model
     */
    public static TableDefinition definitionFor(String namespace, String sourceTable) {
        Shape shape = SHAPES.get(sourceTable);
        if (shape == null) {
            throw new IllegalArgumentException(
                    "silver has no table for '"
                            + sourceTable
                            + "', expected one of "
                            + SHAPES.keySet());
        }
        Map<String, String> props = TableDefinition.commonProperties("silver");
        props.put(TableProperties.UPSERT_ENABLED, "true");
        // row-level changes as delete files: other engines (Spark, Trino) then write silver the
        // same way the streaming upserts do instead of rewriting whole data files per change
        props.put(TableProperties.DELETE_MODE, "merge-on-read");
        props.put(TableProperties.UPDATE_MODE, "merge-on-read");
        props.put(TableProperties.MERGE_MODE, "merge-on-read");
        // all changes of a key must reach the same writer within a checkpoint, or an equality
        // delete could be written beside, not after, the row it replaces
        props.put(TableProperties.WRITE_DISTRIBUTION_MODE, "hash");
        props.put("lakestream.source-table", sourceTable);
        return new TableDefinition(
                TableIdentifier.of(Namespace.of(namespace), shape.name),
                shape.schema,
                shape.spec,
                props);
    }

    /** All silver table definitions in namespace {@value #DEFAULT_NAMESPACE}. */
    public static List<TableDefinition> all() {
        return all(DEFAULT_NAMESPACE);
    }

    /** All silver table definitions in the given namespace, dimensions before facts. */
    public static List<TableDefinition> all(String namespace) {
        List<TableDefinition> definitions = new ArrayList<>();
        for (String sourceTable : SHAPES.keySet()) {
            definitions.add(definitionFor(namespace, sourceTable));
        }
        return List.copyOf(definitions);
    }

    private static Map<String, Shape> shapes() {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        shapes.put(
                STORES,
                shape(
                        "stores",
                        List.of("store_id"),
                        spec -> spec.build(),
                        required("store_id", LONG),
                        required("code", STRING),
                        required("name", STRING),
                        required("region", STRING),
                        required("city", STRING),
                        required("country", STRING, "ISO 3166-1 alpha-2, upper case"),
                        required("time_zone", STRING, "IANA time zone name, e.g. Europe/Paris"),
                        required("currency", STRING, "ISO 4217 code of the store's prices"),
                        optional("opened_on", DATE),
                        required("active", BOOLEAN)));
        shapes.put(
                CUSTOMERS,
                shape(
                        "customers",
                        List.of("customer_id"),
                        spec -> spec.bucket("customer_id", 8).build(),
                        required("customer_id", LONG),
                        required("email", STRING, "lower case, trimmed"),
                        optional("full_name", STRING),
                        optional("country", STRING, "ISO 3166-1 alpha-2, upper case"),
                        optional("loyalty_tier", INT, "0 = basic .. 3 = platinum; null = none"),
                        required("created_at", TIMESTAMPTZ),
                        required("updated_at", TIMESTAMPTZ)));
        shapes.put(
                PRODUCTS,
                shape(
                        "products",
                        List.of("product_id"),
                        spec -> spec.build(),
                        required("product_id", LONG),
                        required("sku", STRING),
                        required("name", STRING),
                        required("category", STRING),
                        optional("description", STRING),
                        required("list_price", MONEY, "reference price in USD"),
                        required("active", BOOLEAN),
                        required("updated_at", TIMESTAMPTZ)));
        shapes.put(
                ORDERS,
                shape(
                        "orders",
                        List.of("order_id"),
                        spec -> spec.bucket("order_id", 16).build(),
                        required("order_id", LONG),
                        required("store_id", LONG),
                        optional("customer_id", LONG, "null for guest checkout"),
                        required("channel", STRING, "STORE, WEB or APP"),
                        required("status", STRING, "PLACED, PAID, SHIPPED, DELIVERED or CANCELLED"),
                        required("created_at", TIMESTAMPTZ),
                        required("updated_at", TIMESTAMPTZ),
                        optional("note", STRING)));
        shapes.put(
                ORDER_LINES,
                shape(
                        "order_lines",
                        List.of("order_id", "line_no"),
                        spec -> spec.bucket("order_id", 16).build(),
                        required("order_id", LONG),
                        required("line_no", INT),
                        required("product_id", LONG),
                        required("quantity", INT),
                        required("unit_price", MONEY, "in the store's currency"),
                        required("discount", MONEY, "in the store's currency")));
        shapes.put(
                EXCHANGE_RATES,
                shape(
                        "exchange_rates",
                        List.of("base_currency", "quote_currency", "rate_date"),
                        spec -> spec.build(),
                        required("base_currency", STRING, "ISO 4217"),
                        required("quote_currency", STRING, "ISO 4217"),
                        required("rate_date", DATE),
                        required("rate", RATE, "units of quote currency per unit of base")));
        shapes.put(
                FOOT_TRAFFIC,
                shape(
                        "store_foot_traffic",
                        List.of("store_id", "hour_start"),
                        spec -> spec.bucket("store_id", 4).build(),
                        required("store_id", LONG),
                        required("hour_start", TIMESTAMPTZ, "start of the hour, UTC"),
                        required("visitors", INT, "people counted entering in that hour")));
        // insertion order matters: all() lists dimensions before the facts that reference them
        return Collections.unmodifiableMap(shapes);
    }

    /** A column before it gets its field id. */
    private record Column(String name, Type type, boolean required, String doc) {}

    private static Column required(String name, Type type) {
        return new Column(name, type, true, null);
    }

    private static Column required(String name, Type type, String doc) {
        return new Column(name, type, true, doc);
    }

    private static Column optional(String name, Type type) {
        return new Column(name, type, false, null);
    }

    private static Column optional(String name, Type type, String doc) {
        return new Column(name, type, false, doc);
    }

    private record Shape(String name, Schema schema, PartitionSpec spec) {}

    /**
     * Numbers the columns 1.. in order, appends the lakestream columns and marks the key as the
     * identifier fields. Ids are fixed by position, so adding a column later means appending it.
     */
    private static Shape shape(
            String name,
            List<String> key,
            Function<PartitionSpec.Builder, PartitionSpec> partitioning,
            Column... columns) {
        List<Types.NestedField> fields = new ArrayList<>();
        Set<Integer> identifierIds = new LinkedHashSet<>();
        int id = 0;
        for (Column c : columns) {
            id++;
            boolean isKey = key.contains(c.name());
            if (isKey && !c.required()) {
                // Iceberg refuses optional identifier fields; catch the slip here, by name
                throw new IllegalStateException(
                        "key column " + name + "." + c.name() + " must be required");
            }
            fields.add(Types.NestedField.of(id, !c.required(), c.name(), c.type(), c.doc()));
            if (isKey) {
                identifierIds.add(id);
            }
        }
        fields.add(
                Types.NestedField.required(
                        ++id,
                        LSN_COLUMN,
                        LONG,
                        "WAL position of the source change that produced this version"));
        fields.add(
                Types.NestedField.required(
                        ++id, UPDATED_AT_COLUMN, TIMESTAMPTZ, "when silver wrote this version"));
        // key order in the identifier set follows the key, not the column order
        Set<Integer> orderedIds = new LinkedHashSet<>();
        for (String k : key) {
            for (Types.NestedField f : fields) {
                if (f.name().equals(k)) {
                    orderedIds.add(f.fieldId());
                }
            }
        }
        if (!orderedIds.equals(identifierIds) || orderedIds.size() != key.size()) {
            throw new IllegalStateException(
                    "key " + key + " of " + name + " is not among its columns");
        }
        Schema schema = new Schema(fields, orderedIds);
        return new Shape(name, schema, partitioning.apply(PartitionSpec.builderFor(schema)));
    }
}
