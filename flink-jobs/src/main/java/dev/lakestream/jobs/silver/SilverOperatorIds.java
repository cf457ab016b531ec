package dev.lakestream.jobs.silver;

/**
 * Stable operator ids of the silver stage of the TransformationJob: renaming one orphans its state
 * (pending Iceberg commits of silver and quarantine). Never rename.
 */
public final class SilverOperatorIds {

    private SilverOperatorIds() {}

    public static final String CLEANSE = "silver-cleanse";

    public static String silverSink(String sourceTable) {
        return "silver-sink-" + sourceTable.replace('.', '-');
    }

    public static final String QUARANTINE_SINK = "quarantine-sink";
}
