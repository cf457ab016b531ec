package dev.lakestream.jobs.changelog;

/**
 * Stable operator ids of the changelog stage of the TransformationJob: renaming one orphans its
 * state (bronze read positions, LSN positions per key). Never rename.
 */
public final class ChangelogOperatorIds {

    private ChangelogOperatorIds() {}

    public static String bronzeSource(String sourceTable) {
        return "bronze-source-" + sourceTable.replace('.', '-');
    }

    public static String bronzeParser(String sourceTable) {
        return "bronze-parse-" + sourceTable.replace('.', '-');
    }

    /** The lineage tap noting which bronze changes each checkpoint read. */
    public static String bronzeLedger(String sourceTable) {
        return "lineage-consumed-" + sourceTable.replace('.', '-');
    }

    public static final String APPLY_IN_LSN_ORDER = "apply-in-lsn-order";
}
