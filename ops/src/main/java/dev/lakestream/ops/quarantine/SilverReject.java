package dev.lakestream.ops.quarantine;

import dev.lakestream.jobs.changelog.JsonImages;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One row of {@code quarantine.silver_rejects}: a change silver refused, for one rule.
 *
 * @param sourceTable e.g. {@code shop.order_lines}
 * @param key the key JSON as the job wrote it
 * @param lsn the refused change's LSN
 * @param kind {@code +I} or {@code +U}
 * @param rule the rule that refused it
 * @param reason why
 * @param raw the image as it reached silver's rules, JSON
 * @param rejectedAt when it was (last) refused
 */
record SilverReject(
        String sourceTable,
        String key,
        long lsn,
        String kind,
        String rule,
        String reason,
        String raw,
        Instant rejectedAt) {

    /** Whether this reject is of the given change: same table, equal key JSON, same LSN. */
    boolean isOf(String table, String keyJson, long changeLsn) {
        return sourceTable.equals(table)
                && lsn == changeLsn
                && canonicalKey(sourceTable, key).equals(canonicalKey(table, keyJson));
    }

    /**
     * A key JSON in one spelling (columns sorted, values typed), so spacing and order do not count.
     */
    static String canonicalKey(String table, String keyJson) {
        Map<String, Object> values = JsonImages.parse(keyJson, table, keyJson);
        return new TreeMap<>(values).toString();
    }
}
