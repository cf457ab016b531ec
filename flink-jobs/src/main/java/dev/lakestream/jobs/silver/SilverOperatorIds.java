package dev.lakestream.jobs.silver;

/**
 * Stable operator ids of the silver stage of the TransformationJob: renaming one orphans its state
 * (pending Iceberg commits of silver and quarantine). Never rename.
 */
public final class SilverOperatorIds {

    private SilverOperatorIds() {}

    public static final String CLEANSE = "silver-cleanse";

    /**
     * The prefix of the operators of the one dynamic sink of every silver table. (Until the typed
     * changelog, each table had a sink of its own, {@code silver-sink-<table>}.)
     */
    public static final String SILVER_SINK = "silver-sink";

    public static final String QUARANTINE_SINK = "quarantine-sink";

    /** Holds records of a second schema of a table until the next checkpoint. */
    public static final String SCHEMA_SWITCH_GATE = "silver-schema-switch-gate";
}
