package dev.lakestream.ops.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a key as bronze and quarantine write it, JSON like {@code {"order_id":42,"line_no":3}},
 * into a {@link RowKey} of the given key columns; empty when it has not all of them as integers (a
 * TRUNCATE's {@code {}}, a key whose type changed at the source).
 */
final class KeyJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KeyJson() {}

    static java.util.Optional<RowKey> parse(String json, List<String> keyColumns) {
        try {
            JsonNode node = JSON.readTree(json);
            List<Long> values = new ArrayList<>();
            for (String c : keyColumns) {
                JsonNode v = node == null ? null : node.get(c);
                if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
                    return java.util.Optional.empty();
                }
                values.add(v.longValue());
            }
            return java.util.Optional.of(new RowKey(values));
        } catch (Exception e) {
            return java.util.Optional.empty();
        }
    }
}
