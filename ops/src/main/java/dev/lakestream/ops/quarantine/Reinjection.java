package dev.lakestream.ops.quarantine;

import java.time.Instant;
import java.util.List;

/**
 * One row of {@code quarantine.reinjections}: a reject that was re-injected, with its provenance.
 *
 * @param sourceTable the reject's table
 * @param key the reject's key JSON
 * @param lsn the reject's (and the correction's) LSN
 * @param rule the rule that had refused the change
 * @param fix the values set, column to value, JSON
 * @param overrides the rules the correction skips
 * @param after the corrected image appended to bronze
 * @param origin the correction's bronze origin (its whole provenance)
 * @param reinjectedBy who ran the command
 * @param reinjectedAt when
 * @param bronzeTable where the correction is, e.g. {@code bronze.shop_order_lines}
 * @param bronzeSnapshotId the bronze snapshot that holds the correction
 */
record Reinjection(
        String sourceTable,
        String key,
        long lsn,
        String rule,
        String fix,
        List<String> overrides,
        String after,
        String origin,
        String reinjectedBy,
        Instant reinjectedAt,
        String bronzeTable,
        long bronzeSnapshotId) {

    /** Whether this re-injection is of the reject's change (any rule). */
    boolean isOf(SilverReject reject) {
        return reject.sourceTable().equals(sourceTable)
                && reject.lsn() == lsn
                && SilverReject.canonicalKey(sourceTable, key)
                        .equals(SilverReject.canonicalKey(reject.sourceTable(), reject.key()));
    }

    /** One line of provenance for a listing. */
    String describe() {
        return "re-injected by "
                + reinjectedBy
                + " at "
                + reinjectedAt
                + ", fix "
                + fix
                + (overrides.isEmpty() ? "" : ", overrides " + overrides)
                + ", "
                + bronzeTable
                + " snapshot "
                + bronzeSnapshotId;
    }
}
