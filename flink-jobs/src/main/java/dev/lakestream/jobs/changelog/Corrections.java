package dev.lakestream.jobs.changelog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakestream.catalog.BronzeTables;
import java.util.ArrayList;
import java.util.List;

/**
 * Corrections: bronze rows that {@code ./lakestream quarantine reinject} appends to re-inject a
 * change silver refused, fixed. A correction has the refused change's table, key and LSN, the fixed
 * {@code after} image, and its provenance in {@code origin}: {@link #ORIGIN_PREFIX} followed by a
 * JSON object naming the reject, the fix, the overridden rules, who and when.
 *
 * <pre>
 *  origin = lakestream-reinject:{"reject":{"source_table":"shop.order_lines",
 *             "key":"{\"order_id\":7,\"line_no\":1}","lsn":1234,"rule":"order_lines.discount.max"},
 *           "set":{"discount":"5.00"},"overrides":["order_lines.discount.max"],
 *           "by":"alice","at":"2026-12-01T17:00:00Z"}
 * </pre>
 *
 * Bronze stays append-only: the refused change keeps its row, and the correction is one more row of
 * the same key and LSN. {@link BronzeChangeParser} marks it ({@link ChangeEvent#correction}) and
 * {@link LsnOrderedApplier} gives it the meaning "the change at that LSN, as it should have been".
 */
public final class Corrections {

    /** What a correction's {@code origin} starts with (CDC rows have no origin at all). */
    public static final String ORIGIN_PREFIX = BronzeTables.CORRECTION_ORIGIN_PREFIX;

    /** Numbers stay exact: a fix of 5.00 is recorded as 5.00, not 5.0. */
    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .enable(
                            com.fasterxml.jackson.databind.DeserializationFeature
                                    .USE_BIG_DECIMAL_FOR_FLOATS)
                    .setNodeFactory(
                            com.fasterxml.jackson.databind.node.JsonNodeFactory
                                    .withExactBigDecimals(true));

    private Corrections() {}

    /** Whether a bronze row's origin marks it as a correction. */
    public static boolean isCorrection(String origin) {
        return origin != null && origin.startsWith(ORIGIN_PREFIX);
    }

    /** The provenance JSON of a correction's origin. */
    public static JsonNode provenance(String origin) {
        try {
            return JSON.readTree(origin.substring(ORIGIN_PREFIX.length()));
        } catch (Exception e) {
            throw new IllegalArgumentException(
                    "a correction's origin is no JSON after " + ORIGIN_PREFIX + ": " + origin, e);
        }
    }

    /**
     * The rules a correction overrides, from its origin's {@code overrides} array, comma-separated
     * as {@link ChangeEvent#overrides} holds them; null when it has none or the origin cannot be
     * read (the correction then goes through every rule: refusing is the safe side).
     */
    public static String overrides(String origin) {
        List<String> rules = new ArrayList<>();
        try {
            JsonNode overrides = provenance(origin).path("overrides");
            overrides.forEach(rule -> rules.add(rule.asText()));
        } catch (IllegalArgumentException unreadable) {
            // no overrides
        }
        return join(rules);
    }

    /** Rule names as {@link ChangeEvent#overrides} holds them: sorted, comma-separated; or null. */
    public static String join(java.util.Collection<String> rules) {
        if (rules == null || rules.isEmpty()) {
            return null;
        }
        return String.join(",", new java.util.TreeSet<>(rules));
    }

    /** The rule names of {@link ChangeEvent#overrides} or {@link RowChange#overrides}. */
    public static java.util.Set<String> rules(String overrides) {
        if (overrides == null || overrides.isEmpty()) {
            return java.util.Set.of();
        }
        return java.util.Set.of(overrides.split(","));
    }
}
