package dev.lakestream.ops.quarantine;

import java.util.List;

/**
 * What {@code ./lakestream quarantine reinject} was asked for.
 *
 * @param sourceTable {@code --table}, e.g. {@code shop.order_lines}
 * @param key {@code --key}, the change's key JSON
 * @param lsn {@code --lsn}, the refused change's LSN
 * @param assignments {@code --set column=value}, as typed
 * @param overrides {@code --override rule}
 * @param dryRun {@code --dry-run}: check and show, write nothing
 */
record ReinjectRequest(
        String sourceTable,
        String key,
        long lsn,
        List<String> assignments,
        List<String> overrides,
        boolean dryRun) {}
