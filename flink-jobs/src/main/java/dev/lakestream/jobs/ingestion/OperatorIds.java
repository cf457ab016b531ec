package dev.lakestream.jobs.ingestion;

/**
 * Stable operator ids of the IngestionJob, in one place. Changing one orphans that operator's state
 * in existing checkpoints and savepoints: the CDC source would forget its WAL position and the
 * Iceberg committers their pending files. Add new ids; never rename.
 */
public final class OperatorIds {

    private OperatorIds() {}

    public static final String POSTGRES_SOURCE = "postgres-cdc-source";
    public static final String BRONZE_ROUTER = "bronze-router";

    /** Prefix of the writer and committer uids of one bronze table's Iceberg sink. */
    public static String bronzeSink(String sourceTable) {
        return "bronze-sink-" + sourceTable.replace('.', '-');
    }

    public static final String INGESTION_REJECTS_SINK = "ingestion-rejects-sink";

    /** The lineage tap in front of one bronze table's sink. */
    public static String bronzeLedger(String sourceTable) {
        return "lineage-bronze-" + sourceTable.replace('.', '-');
    }

    /** Writer and committer of the IngestionJob's {@code lineage.commits} rows. */
    public static final String LINEAGE_SINK = "lineage-ledger-sink-ingestion";

    /** A REST or file source, e.g. {@code source-rest-exchange_rates}. */
    public static String recordSource(String sourceName) {
        return "source-" + sourceName.replace(':', '-');
    }

    /** The operator splitting a record source into bronze rows and refused records. */
    public static String recordSplitter(String sourceName) {
        return "records-" + sourceName.replace(':', '-');
    }
}
