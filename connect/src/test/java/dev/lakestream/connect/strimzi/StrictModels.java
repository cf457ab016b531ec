package dev.lakestream.connect.strimzi;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binds a manifest to Strimzi's or fabric8's typed model and refuses every field the model does not
 * know, with the three checks of the deployment checks ({@code k8s/src/test/.../Manifests.java}):
 * Jackson with {@code FAIL_ON_UNKNOWN_PROPERTIES}, no {@code additionalProperties} anywhere in the
 * bound graph, and every input field back when the bound object is written again. Repeated here,
 * smaller, because a module's test classes are not on another module's test classpath; only the two
 * kinds the Strimzi replay writes are known.
 */
final class StrictModels {

    static final ObjectMapper YAML =
            new YAMLMapper()
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .disable(DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES);

    private static final Map<String, Class<?>> MODELS =
            Map.of(
                    "kafka.strimzi.io/v1/KafkaConnector", KafkaConnector.class,
                    "v1/ConfigMap", ConfigMap.class);

    private StrictModels() {}

    static JsonNode tree(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new AssertionError("not YAML: " + e.getMessage(), e);
        }
    }

    /** The typed object, or an AssertionError naming every field the model does not know. */
    static <T> T parse(String yaml, Class<T> expected) {
        JsonNode doc = tree(yaml);
        String type = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
        Class<?> model = MODELS.get(type);
        if (model != expected) {
            throw new AssertionError(type + " is not a " + expected.getSimpleName());
        }
        Object bound;
        try {
            bound = YAML.treeToValue(doc, model);
        } catch (IOException | IllegalArgumentException e) {
            throw new AssertionError(type + " does not bind: " + e.getMessage(), e);
        }
        List<String> unknown = new ArrayList<>();
        additionalProperties(
                bound, "", unknown, Collections.newSetFromMap(new IdentityHashMap<>()));
        dropped(doc, YAML.valueToTree(bound), "", unknown);
        if (!unknown.isEmpty()) {
            throw new AssertionError(type + " has fields its API does not know: " + unknown);
        }
        return expected.cast(bound);
    }

    private static void additionalProperties(
            Object node, String path, List<String> unknown, Set<Object> seen) {
        if (node == null || !seen.add(node)) {
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> additionalProperties(v, path + "/" + k, unknown, seen));
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                additionalProperties(item, path + "/" + i++, unknown, seen);
            }
            return;
        }
        if (!isModel(node.getClass())) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get")
                    || getter.getName().equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")
                    && value instanceof Map<?, ?> m) {
                m.keySet().forEach(k -> unknown.add(path + "/" + k));
            } else if (value instanceof Map<?, ?>
                    || value instanceof Collection<?>
                    || (value != null && isModel(value.getClass()))) {
                additionalProperties(value, path + "/" + getter.getName(), unknown, seen);
            }
        }
    }

    private static boolean isModel(Class<?> type) {
        String name = type.getName();
        return !type.isEnum()
                && (name.startsWith("io.fabric8.kubernetes.api.model.")
                        || name.startsWith("io.strimzi.api."));
    }

    private static void dropped(JsonNode input, JsonNode output, String path, List<String> out) {
        if (!input.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = input.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode value = f.getValue();
            String at = path + "/" + f.getKey();
            if (value.isNull() || (value.isContainerNode() && value.isEmpty())) {
                continue;
            }
            JsonNode written = output == null ? null : output.get(f.getKey());
            if (written == null || written.isNull()) {
                out.add(at);
            } else {
                dropped(value, written, at, out);
            }
        }
    }
}
