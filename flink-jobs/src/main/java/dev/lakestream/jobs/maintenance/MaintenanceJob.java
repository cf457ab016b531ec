package dev.lakestream.jobs.maintenance;

import dev.lakestream.catalog.BronzeTables;
import dev.lakestream.catalog.GoldTables;
import dev.lakestream.catalog.LineageTables;
import dev.lakestream.catalog.QuarantineTables;
import dev.lakestream.catalog.ReconciliationTables;
import dev.lakestream.catalog.SilverTables;
import dev.lakestream.catalog.TableBootstrap;
import dev.lakestream.catalog.TableDefinition;
import dev.lakestream.jobs.config.CatalogLoaders;
import dev.lakestream.jobs.config.JobLauncher;
import dev.lakestream.jobs.config.SharedCatalogLoader;
import dev.lakestream.jobs.maintenance.MaintenanceTopology.MaintainedTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MaintenanceJob: keeps every table the other jobs write (bronze, silver, gold, quarantine)
 * fast to read and bounded in size, with Iceberg's own Flink maintenance: compaction of data files
 * with their equality deletes, snapshot expiry, orphan file removal. See {@link
 * MaintenanceTopology} for the graph and {@link GuardedLockFactory} for why bronze snapshots a
 * TransformationJob still needs are never expired.
 *
 * <pre>
 *   flink run lakestream-flink-jobs-job.jar \
 *       --class dev.lakestream.jobs.maintenance.MaintenanceJob --config maintenance.properties
 * </pre>
 */
public final class MaintenanceJob {

    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceJob.class);

    private MaintenanceJob() {}

    public static void main(String[] args) throws Exception {
        JobLauncher.run(
                args,
                "MaintenanceJob",
                MaintenanceSettings::load,
                MaintenanceSettings::flinkConfiguration,
                MaintenanceSettings::jobName,
                MaintenanceJob::prepare);
    }

    /** Creates missing tables (so maintenance may start first) and builds the graph. */
    public static void prepare(StreamExecutionEnvironment env, MaintenanceSettings settings) {
        List<MaintainedTable> tables = tables(settings);
        List<TableDefinition> definitions = new ArrayList<>();
        tables.forEach(t -> definitions.add(t.definition()));
        TableBootstrap.ensureAll(settings.catalog(), definitions);
        LOG.info(
                "Maintaining {} tables of {}: {}",
                tables.size(),
                settings.catalog().describe(),
                settings);
        CatalogLoader catalog =
                new SharedCatalogLoader(
                        CatalogLoaders.from(settings.catalog()),
                        // one catalog per submission: a JVM that runs the job again (the local
                        // stack's restart, tests) must not reuse the previous run's connections
                        settings.jobName()
                                + "/"
                                + settings.catalog().name()
                                + "/"
                                + java.util.UUID.randomUUID());
        MaintenanceTopology.build(
                env, tables, id -> TableLoader.fromCatalog(catalog, id), settings);
    }

    /** Every table the IngestionJob and the TransformationJob write. */
    static List<MaintainedTable> tables(MaintenanceSettings settings) {
        List<MaintainedTable> tables = new ArrayList<>();
        for (String source : SilverTables.sourceTables()) {
            tables.add(
                    new MaintainedTable(
                            BronzeTables.definitionFor(settings.bronzeNamespace(), source), true));
        }
        for (String source : SilverTables.sourceTables()) {
            tables.add(
                    new MaintainedTable(
                            SilverTables.definitionFor(settings.silverNamespace(), source), false));
        }
        tables.add(
                new MaintainedTable(GoldTables.salesDailyMetrics(settings.goldNamespace()), false));
        tables.add(new MaintainedTable(QuarantineTables.silverRejects(), false));
        tables.add(new MaintainedTable(QuarantineTables.ingestionRejects(), false));
        tables.add(new MaintainedTable(QuarantineTables.goldPending(), false));
        tables.add(
                new MaintainedTable(
                        QuarantineTables.reinjections(QuarantineTables.DEFAULT_NAMESPACE), false));
        // a commit per checkpoint of each job: compacted and expired like the others
        tables.add(new MaintainedTable(LineageTables.commits(), false));
        // a commit per reconciliation cycle (./lakestream reconcile --every)
        tables.add(
                new MaintainedTable(
                        ReconciliationTables.reconciliation(ReconciliationTables.DEFAULT_NAMESPACE),
                        false));
        return tables;
    }
}
