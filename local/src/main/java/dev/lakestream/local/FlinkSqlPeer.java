package dev.lakestream.local;

import dev.lakestream.catalog.CatalogSettings;
import dev.lakestream.catalog.IcebergCatalogs;
import dev.lakestream.embedded.EmbeddedPostgresServer;
import dev.lakestream.embedded.S3ProxyServer;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.verification.runtime.EmbeddedFlinkCluster;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * The route a user would otherwise pick, as the Flink and Iceberg documentation show it: Flink SQL,
 * Flink CDC's {@code postgres-cdc} table connector (incremental snapshot, pgoutput, its own slot
 * and publication) and an Iceberg format-version 2 table with a primary key and {@code
 * write.upsert.enabled}, one {@code INSERT INTO ... SELECT *}, the source in {@code changelog-mode
 * = upsert} (the default, {@code all}, needs {@code REPLICA IDENTITY FULL} for its -U rows). Same
 * catalog, S3, checkpoint interval and parallelism as the IngestionJob in {@link
 * IngestionThroughput}; only {@code shop.orders}, the one table with data in the benchmark.
 *
 * <pre>
 *   postgres-cdc (shop.orders, slot peer) --+I/+U/-D--> ChangelogNormalize (keyed state, every
 *       row: the planner adds it for an upsert source) --> Iceberg v2 upsert table peer.orders
 * </pre>
 */
final class FlinkSqlPeer {

    static final TableIdentifier TABLE = TableIdentifier.of("peer", "orders");

    private FlinkSqlPeer() {}

    /** Runs the peer over the loaded orders: the snapshot, then the updates. */
    static IngestionThroughput.Result measure(
            EmbeddedPostgresServer pg,
            S3ProxyServer s3,
            IngestionThroughput.Workload workload,
            Path checkpoints,
            PrintStream out)
            throws Exception {
        // the IngestionJob's configuration gives the same catalog and Flink settings
        IngestionConfig config =
                IngestionThroughput.ingestionConfig(pg, s3, workload, false, checkpoints);
        try (EmbeddedFlinkCluster flink =
                IngestionThroughput.startCluster(workload.parallelism())) {
            IngestionThroughput.JobSubmission submission =
                    restoreFrom -> {
                        StreamExecutionEnvironment env =
                                new StreamExecutionEnvironment(config.flinkConfiguration());
                        build(env, pg, config);
                        return flink.submit(env, "flink-sql-peer", restoreFrom);
                    };
            Catalog catalog = IcebergCatalogs.load(config.catalog());
            return IngestionThroughput.measure(
                    "Flink SQL",
                    pg,
                    workload,
                    () ->
                            catalog.tableExists(TABLE)
                                    ? IngestionThroughput.addedRecords(catalog.loadTable(TABLE))
                                    : 0,
                    flink,
                    submission,
                    IngestionThroughput.savepointsBeside(checkpoints),
                    out);
        }
    }

    /** The peer's statements: the CDC table, the catalog, the upsert table and the INSERT. */
    private static void build(
            StreamExecutionEnvironment env, EmbeddedPostgresServer pg, IngestionConfig config) {
        StreamTableEnvironment sql = StreamTableEnvironment.create(env);
        sql.executeSql(cdcTable(pg, "peer"));
        sql.executeSql(icebergCatalog(config.catalog()));
        String lake = "`" + config.catalog().name() + "`";
        sql.executeSql("CREATE DATABASE IF NOT EXISTS " + lake + ".peer");
        sql.executeSql(
                "CREATE TABLE IF NOT EXISTS "
                        + lake
                        + ".peer.orders (order_id BIGINT, store_id BIGINT,"
                        + " customer_id BIGINT, channel STRING, status STRING, created_at"
                        + " TIMESTAMP_LTZ(6), updated_at TIMESTAMP_LTZ(6), note STRING,"
                        + " PRIMARY KEY (order_id) NOT ENFORCED) WITH ('format-version'='2',"
                        + " 'write.upsert.enabled'='true')");
        sql.createStatementSet()
                .addInsertSql("INSERT INTO " + lake + ".peer.orders SELECT * FROM orders_cdc")
                .attachAsDataStream();
    }

    /** Flink CDC's SQL source on shop.orders with its defaults, pgoutput and a slot of its own. */
    static String cdcTable(EmbeddedPostgresServer pg, String slot) {
        return "CREATE TEMPORARY TABLE orders_cdc (order_id BIGINT, store_id BIGINT, customer_id"
                + " BIGINT, channel STRING, status STRING, created_at TIMESTAMP_LTZ(6), updated_at"
                + " TIMESTAMP_LTZ(6), note STRING, PRIMARY KEY (order_id) NOT ENFORCED) WITH ("
                + options(
                        Map.of(
                                "connector",
                                "postgres-cdc",
                                "hostname",
                                pg.host(),
                                "port",
                                Integer.toString(pg.port()),
                                "username",
                                EmbeddedPostgresServer.SUPERUSER,
                                "password",
                                "",
                                "database-name",
                                LocalStack.SHOP_DB,
                                "schema-name",
                                "shop",
                                "table-name",
                                "orders",
                                "slot.name",
                                slot,
                                "decoding.plugin.name",
                                "pgoutput"))
                + ", "
                + options(
                        Map.of(
                                "scan.incremental.snapshot.enabled", "true",
                                // +I/+U/-D by key, what an upsert table takes: "all" (-U too)
                                // would need REPLICA IDENTITY FULL, which the shop does not use
                                "changelog-mode", "upsert",
                                "debezium.publication.name", slot + "_publication",
                                "debezium.publication.autocreate.mode", "filtered"))
                + ")";
    }

    /**
     * Iceberg's Flink catalog over the same catalog implementation and properties, under the same
     * name (a JDBC catalog keeps its tables per catalog name).
     */
    static String icebergCatalog(CatalogSettings settings) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("type", "iceberg");
        properties.put("catalog-impl", settings.impl());
        properties.putAll(settings.icebergProperties());
        return "CREATE CATALOG `" + settings.name() + "` WITH (" + options(properties) + ")";
    }

    private static String options(Map<String, String> options) {
        return options.entrySet().stream()
                .map(e -> quote(e.getKey()) + " = " + quote(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
