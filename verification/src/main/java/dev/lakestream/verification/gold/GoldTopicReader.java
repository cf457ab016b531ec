package dev.lakestream.verification.gold;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the current gold state from its topic the way a downstream reader must: {@code
 * read_committed} (records of aborted transactions never show), from the beginning to the end
 * offsets of now ({@link GoldTopicHistory#read}), keeping the latest value per key and dropping
 * keys whose latest value is a delete marker.
 */
public final class GoldTopicReader {

    private GoldTopicReader() {}

    /** Latest live value per "sale_date|store_id", in key order. */
    public static Map<String, JsonNode> current(String bootstrapServers, String topic) {
        Map<String, JsonNode> live = new TreeMap<>();
        GoldTopicHistory.latest(GoldTopicHistory.read(bootstrapServers, topic))
                .forEach(
                        (key, e) -> {
                            if (!e.deleted()) {
                                live.put(key, e.value());
                            }
                        });
        return live;
    }
}
