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

    public static final String APPLY_IN_LSN_ORDER = "apply-in-lsn-order";
}
