package dev.lakestream.local.kpi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gold rows the KPI page shows: the current row per (sale_date, store_id), kept by the rule
 * every reader of the topic follows (Snowflake's MERGE included): the highest {@code version} wins,
 * a delete marker removes the row, and a record older than what was already applied is ignored,
 * also after a delete (the key's highest version is remembered). A Kafka tombstone, which has no
 * version, removes the row too; it only ever follows a delete marker.
 *
 * <p>Records are applied in batches (one consumer poll); each batch that changes anything gets the
 * next sequence number, and a {@link #snapshot()} names the last batch it includes. A browser loads
 * the snapshot and then applies only the updates numbered above it, so an update that raced the
 * snapshot is neither lost nor applied twice, without comparing versions in JavaScript (they may
 * exceed its 2^53 integers).
 */
final class CurrentGold {

    /** What one batch changed: full rows to put and keys to remove. */
    record Update(
            long sequence, List<JsonNode> rows, List<String> deletedKeys, Long newestPublished) {}

    /** Every current row in key order, as of batch {@code sequence}. */
    record Snapshot(long sequence, List<JsonNode> rows, Long newestPublished) {}

    private final Map<String, JsonNode> rows = new TreeMap<>();
    private final Map<String, Long> highestVersion = new HashMap<>();
    private long sequence;
    private Long newestPublished;

    /**
     * Applies one batch of records in topic order.
     *
     * @return the change, or {@code null} when the batch changed neither a row nor the freshness
     */
    synchronized Update apply(List<GoldRecord> batch) {
        Map<String, JsonNode> put = new LinkedHashMap<>();
        Map<String, Boolean> removed = new LinkedHashMap<>();
        boolean fresher = false;
        for (GoldRecord r : batch) {
            if (newestPublished == null || r.publishedAtMillis() > newestPublished) {
                newestPublished = r.publishedAtMillis();
                fresher = true;
            }
            if (r.version() != null) {
                Long known = highestVersion.get(r.key());
                if (known != null && r.version() <= known) {
                    continue; // a replay or an older version: the row already moved past it
                }
                highestVersion.put(r.key(), r.version());
            }
            if (r.deletes()) {
                put.remove(r.key());
                if (rows.remove(r.key()) != null) {
                    removed.put(r.key(), true);
                }
            } else {
                rows.put(r.key(), r.value());
                put.put(r.key(), r.value());
                removed.remove(r.key());
            }
        }
        if (put.isEmpty() && removed.isEmpty() && !fresher) {
            return null;
        }
        return new Update(
                ++sequence,
                new ArrayList<>(put.values()),
                new ArrayList<>(removed.keySet()),
                newestPublished);
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(sequence, new ArrayList<>(rows.values()), newestPublished);
    }

    /** The current row of a key, or {@code null}. */
    synchronized JsonNode row(String key) {
        return rows.get(key);
    }
}
