package dev.lakestream.jobs.transformation;

import dev.lakestream.catalog.BronzeTables;
import dev.lakestream.catalog.GoldTables;
import dev.lakestream.catalog.IcebergCatalogs;
import dev.lakestream.catalog.LineageTables;
import dev.lakestream.catalog.QuarantineTables;
import dev.lakestream.catalog.SilverTables;
import dev.lakestream.catalog.TableBootstrap;
import dev.lakestream.catalog.TableDefinition;
import dev.lakestream.jobs.changelog.BronzeChangelog;
import dev.lakestream.jobs.changelog.RowChange;
import dev.lakestream.jobs.config.CatalogLoaders;
import dev.lakestream.jobs.config.Checkpointing;
import dev.lakestream.jobs.config.JobLauncher;
import dev.lakestream.jobs.config.SharedCatalogLoader;
import dev.lakestream.jobs.gold.GoldKafkaSink;
import dev.lakestream.jobs.gold.GoldTopology;
import dev.lakestream.jobs.gold.LostTransactionGuard;
import dev.lakestream.jobs.gold.TransactionTimeout;
import dev.lakestream.jobs.lineage.LineageLedger;
import dev.lakestream.jobs.silver.LiveSilverColumns;
import dev.lakestream.jobs.silver.SilverTopology;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;

/**
 * The TransformationJob: bronze in, typed silver and gold {@code sales_daily_metrics} out, gold
 * published to Kafka exactly once.
 *
 * <pre>
 *  bronze.shop_* --&gt; BronzeChangelog (LSN order per key) --&gt; SilverTopology (cleanse, upsert,
 *  quarantine) --&gt; GoldTopology (order contributions, store-local date, daily metrics)
 *  --&gt; Kafka (compacted topic, transactional) + gold.sales_daily_metrics (Iceberg upsert)
 * </pre>
 *
 * Every result is a function of the bronze changes and their LSNs, so re-reading bronze (a restart,
 * a replay from an older snapshot into a fresh job) rebuilds the same silver and gold.
 *
 * <pre>
 *   flink run lakestream-flink-jobs-job.jar \
 *       --class dev.lakestream.jobs.transformation.TransformationJob --config transformation.properties
 * </pre>
 */
public final class TransformationJob {

    /** The shop entities the gold KPIs are computed from. */
    public static final List<String> SOURCE_TABLES = SilverTables.sourceTables();

    private TransformationJob() {}

    public static void main(String[] args) throws Exception {
        JobLauncher.run(
                args,
                "TransformationJob",
                TransformationConfig::load,
                TransformationConfig::flinkConfiguration,
                TransformationConfig::jobName,
                TransformationJob::prepare);
    }

    /**
     * Checks the configuration, creates the silver, quarantine and gold tables, builds the graph.
     */
    public static void prepare(StreamExecutionEnvironment env, TransformationConfig config) {
        Checkpointing.require(
                env,
                "the TransformationJob commits silver and gold, and its Kafka transactions, on"
                        + " checkpoints");
        TransactionTimeout.checkAgainstBroker(
                config.kafkaTransactionTimeout(),
                config.kafkaBootstrapServers(),
                config.kafkaProducerProperties());
        bootstrapTables(config);
        CatalogLoader catalog = CatalogLoaders.from(config.catalog());
        LineageLedger ledger = new LineageLedger(config.jobName());

        DataStream<RowChange> changelog =
                BronzeChangelog.build(
                        env,
                        SOURCE_TABLES,
                        table ->
                                TableLoader.fromCatalog(
                                        catalog,
                                        BronzeTables.identifierFor(
                                                config.bronzeNamespace(), table)),
                        config.bronzeMonitorInterval(),
                        config.tombstoneRetention(),
                        config.jobName(),
                        config.positionPublishInterval(),
                        ledger);

        // the dynamic silver sink opens a catalog in each of its operators and never closes the
        // writers' ones: one per TaskManager and submission, so a restart leaks no connections
        CatalogLoader shared =
                new SharedCatalogLoader(
                        catalog,
                        config.jobName()
                                + "/"
                                + config.catalog().name()
                                + "/"
                                + java.util.UUID.randomUUID());
        SingleOutputStreamOperator<RowChange> cleansed =
                SilverTopology.cleanse(
                        changelog, new LiveSilverColumns(shared, config.silverNamespace()));
        SilverTopology.sink(
                cleansed,
                shared,
                config.silverNamespace(),
                config.silverWriteParallelism(),
                TableLoader.fromCatalog(catalog, quarantineIdentifier()));

        GoldTopology.Gold gold =
                GoldTopology.salesDailyMetrics(
                        cleansed, config.reportingCurrency(), config.tombstoneRetention());
        GoldTopology.sinkPending(
                gold.pending(),
                TableLoader.fromCatalog(catalog, QuarantineTables.goldPending().identifier()));
        GoldTopology.sink(
                gold.metrics(),
                LostTransactionGuard.around(
                        GoldKafkaSink.create(
                                config.kafkaBootstrapServers(),
                                config.kafkaTopic(),
                                config.kafkaTransactionalIdPrefix(),
                                config.kafkaTransactionTimeout(),
                                config.kafkaProducerProperties()),
                        config.kafkaTransactionTimeout(),
                        config.kafkaAcceptLostTransactions()),
                TableLoader.fromCatalog(
                        catalog, GoldTables.salesDailyMetrics(config.goldNamespace()).identifier()),
                GoldTables.SALES_DAILY_METRICS,
                ledger);
        ledger.sinkTo(
                TableLoader.fromCatalog(catalog, LineageTables.commits().identifier()),
                LINEAGE_SINK);
    }

    /** Writer and committer of the TransformationJob's {@code lineage.commits} rows. */
    static final String LINEAGE_SINK = "lineage-ledger-sink-transformation";

    private static TableIdentifier quarantineIdentifier() {
        return QuarantineTables.silverRejects().identifier();
    }

    private static void bootstrapTables(TransformationConfig config) {
        List<TableDefinition> tables = new ArrayList<>();
        for (String table : SOURCE_TABLES) {
            tables.add(SilverTables.definitionFor(config.silverNamespace(), table));
            // bronze must exist for the streaming read even before the IngestionJob first commits
            tables.add(BronzeTables.definitionFor(config.bronzeNamespace(), table));
        }
        tables.add(QuarantineTables.silverRejects());
        tables.add(QuarantineTables.goldPending());
        tables.add(GoldTables.salesDailyMetrics(config.goldNamespace()));
        tables.add(LineageTables.commits());
        TableBootstrap.ensureAll(config.catalog(), tables);
        Catalog catalog = IcebergCatalogs.load(config.catalog());
        try {
            SilverTopology.ensureMainBranches(catalog, config.silverNamespace(), SOURCE_TABLES);
        } finally {
            if (catalog instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // closing a catalog client only releases connections
                }
            }
        }
    }
}
