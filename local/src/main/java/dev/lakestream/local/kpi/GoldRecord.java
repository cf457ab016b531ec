package dev.lakestream.local.kpi;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One record of the gold topic as the KPI page applies it, parsed once at the edge.
 *
 * @param key "sale_date|store_id", as {@code GoldTopicHistory} spells it
 * @param version the record's {@code version}; absent ({@code null}) for a Kafka tombstone, which
 *     carries no value
 * @param value the JSON value; {@code null} for a Kafka tombstone
 * @param publishedAtMillis the Kafka record timestamp (when the transformation job published it)
 */
record GoldRecord(String key, Long version, JsonNode value, long publishedAtMillis) {

    /** A delete: a value marked {@code "deleted":true}, or a tombstone that compaction leaves. */
    boolean deletes() {
        return value == null || value.path("deleted").asBoolean(false);
    }
}
