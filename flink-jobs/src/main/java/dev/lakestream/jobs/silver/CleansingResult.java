package dev.lakestream.jobs.silver;

import dev.lakestream.jobs.changelog.RowChange;

/**
 * What {@link EntityRules#apply} makes of one change: the cleaned change for silver, or the
 * original change with the reason it was refused, for the quarantine.
 */
public sealed interface CleansingResult {

    /**
     * A change for silver, its values typed as the silver columns, trimmed and cased.
     *
     * @param change same kind, table, key and LSN as the input; values hold exactly the silver
     *     table's source columns
     * @param imageValid whether the image passes every rule. Always true for {@code +I}/{@code +U}.
     *     For a retraction ({@code -U}/{@code -D}), which is never refused, false means its image
     *     is one the rules refused when it arrived as an insert or update, so it retracts a row
     *     that never reached silver. An upserting Iceberg sink can ignore this (a delete by key of
     *     an absent row is harmless); a consumer that sums contributions must drop such retractions
     *     or it takes back what it never added.
     */
    record Accepted(RowChange change, boolean imageValid) implements CleansingResult {}

    /**
     * A refused insert or update.
     *
     * @param original the change exactly as it arrived (the quarantine keeps the raw image)
     */
    record Rejected(RowChange original, Rejection rejection) implements CleansingResult {}
}
