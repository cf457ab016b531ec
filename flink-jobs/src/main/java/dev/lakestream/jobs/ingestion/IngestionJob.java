package dev.lakestream.jobs.ingestion;

import dev.lakestream.catalog.BronzeTables;
import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.catalog.LineageTables;
import dev.lakestream.catalog.QuarantineTables;
import dev.lakestream.catalog.TableBootstrap;
import dev.lakestream.catalog.TableDefinition;
import dev.lakestream.jobs.bronze.BronzeDeserializationSchema;
import dev.lakestream.jobs.bronze.BronzeRowMapper;
import dev.lakestream.jobs.bronze.RecordBronzeMapper;
import dev.lakestream.jobs.config.CatalogLoaders;
import dev.lakestream.jobs.config.Checkpointing;
import dev.lakestream.jobs.config.JobLauncher;
import dev.lakestream.jobs.lineage.LineageLedger;
import dev.lakestream.jobs.source.files.LandingFileSource;
import dev.lakestream.jobs.source.postgres.PostgresCdcSource;
import dev.lakestream.jobs.source.postgres.PostgresPreflight;
import dev.lakestream.jobs.source.postgres.PostgresPreflight.CapturedTable;
import dev.lakestream.jobs.source.rest.RestSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IngestionJob: every change in the captured PostgreSQL tables, exactly once, into raw bronze
 * Iceberg tables.
 *
 * <p>{@code main} only reads configuration and builds the real source and sinks; {@link
 * IngestionTopology} wires them. Start-up refuses to run without checkpointing (the slot would
 * never advance and nothing would ever be committed) and stops with a message naming the key for
 * any bad setting, an unreachable database or catalog included. The CDC source runs behind the
 * replication-slot guardian ({@code SlotGuardedSource}): a resume whose slot is gone fails (or
 * re-snapshots), and so does a running job whose slot is dropped or invalidated.
 *
 * <pre>
 *   flink run lakestream-flink-jobs-job.jar --config ingestion.properties
 * </pre>
 */
public final class IngestionJob {

    private static final Logger LOG = LoggerFactory.getLogger(IngestionJob.class);

    private IngestionJob() {}

    public static void main(String[] args) throws Exception {
        JobLauncher.run(
                args,
                "IngestionJob",
                IngestionConfig::load,
                IngestionConfig::flinkConfiguration,
                IngestionConfig::jobName,
                IngestionJob::prepare);
    }

    /**
     * Checks the configuration against the real world (checkpointing on, database and catalog
     * reachable, bronze tables in place) and builds the job graph into {@code env}.
     */
    public static void prepare(StreamExecutionEnvironment env, IngestionConfig config) {
        requireCheckpointing(env);
        LOG.info("Capturing {}", config.postgres());
        Map<String, CapturedTable> tables = PostgresPreflight.check(config.postgres());
        LOG.info("Bronze catalog {}", config.catalog().describe());
        bootstrapBronze(config);

        BronzeRowMapper mapper =
                new BronzeRowMapper(
                        "postgres:" + config.postgres().database(),
                        tables,
                        BronzeRowMapper.EpochClock.system());
        var source =
                PostgresCdcSource.<RowData>guarded(
                        config.postgres(), new BronzeDeserializationSchema(mapper));
        CatalogLoader catalogLoader = CatalogLoaders.from(config.catalog());
        LineageLedger ledger = new LineageLedger(config.jobName());
        IngestionTopology.build(
                env,
                source,
                List.copyOf(tables.keySet()),
                table ->
                        TableLoader.fromCatalog(
                                catalogLoader,
                                BronzeTables.identifierFor(config.bronzeNamespace(), table)),
                config.bronzeWriteParallelism(),
                ledger);

        List<IngestionTopology.RecordInput> records = new ArrayList<>();
        config.rest()
                .ifPresent(
                        rest -> {
                            LOG.info("Polling {}", rest);
                            // one endpoint, one cursor: a single reader
                            records.add(
                                    new IngestionTopology.RecordInput(
                                            rest.source(), new RestSource(rest), 1));
                        });
        config.files()
                .ifPresent(
                        files -> {
                            LOG.info("Watching {}", files);
                            records.add(
                                    new IngestionTopology.RecordInput(
                                            files.sourceName(),
                                            new LandingFileSource(files),
                                            null));
                        });
        IngestionTopology.buildRecords(
                env,
                records,
                table ->
                        TableLoader.fromCatalog(
                                catalogLoader,
                                BronzeTables.identifierFor(config.bronzeNamespace(), table)),
                TableLoader.fromCatalog(
                        catalogLoader, QuarantineTables.ingestionRejects().identifier()),
                config.bronzeWriteParallelism(),
                ledger);
        ledger.sinkTo(
                TableLoader.fromCatalog(catalogLoader, LineageTables.commits().identifier()),
                OperatorIds.LINEAGE_SINK);
    }

    /** The bronze source tables of the REST and file sources the configuration enables. */
    static List<String> recordTables(IngestionConfig config) {
        List<String> tables = new ArrayList<>();
        config.rest().ifPresent(r -> tables.add(RecordBronzeMapper.sourceTable(r.source())));
        config.files().ifPresent(f -> tables.add(RecordBronzeMapper.sourceTable(f.sourceName())));
        return tables;
    }

    static void requireCheckpointing(StreamExecutionEnvironment env) {
        Checkpointing.require(
                env,
                "the IngestionJob needs checkpointing (e.g. "
                        + Checkpointing.INTERVAL.key()
                        + "=10s). Without it the replication slot never advances and"
                        + " bronze never commits.");
    }

    private static void bootstrapBronze(IngestionConfig config) {
        List<TableDefinition> tables = new ArrayList<>();
        for (String table : config.postgres().tables()) {
            tables.add(BronzeTables.definitionFor(config.bronzeNamespace(), table));
        }
        List<String> recordTables = recordTables(config);
        for (String table : recordTables) {
            tables.add(BronzeTables.definitionFor(config.bronzeNamespace(), table));
        }
        if (!recordTables.isEmpty()) {
            tables.add(QuarantineTables.ingestionRejects());
        }
        tables.add(LineageTables.commits());
        try {
            TableBootstrap.ensureAll(config.catalog(), tables);
        } catch (InvalidSettingException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidSettingException(
                    "catalog.*",
                    "could not create the bronze tables ("
                            + config.catalog().describe()
                            + "): "
                            + e.getMessage(),
                    e);
        }
    }
}
