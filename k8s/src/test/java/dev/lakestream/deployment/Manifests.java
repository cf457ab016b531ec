package dev.lakestream.deployment;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;

/**
 * Parses Kubernetes manifests into the typed model of their API and refuses every field the model
 * does not know.
 *
 * <p>The models do not refuse unknown fields on their own: fabric8 and Strimzi keep them in an
 * {@code additionalProperties} map (the API server or the operator would then drop them, or only
 * log a warning), and some classes ignore them outright. So a document counts as valid only if all
 * three hold:
 *
 * <ol>
 *   <li>Jackson binds it with {@code FAIL_ON_UNKNOWN_PROPERTIES} (catches plain POJOs);
 *   <li>no object in the bound graph has a non-empty {@code additionalProperties} map;
 *   <li>serialising the bound object again gives back every field of the input (catches classes
 *       that ignore unknown fields without keeping them).
 * </ol>
 */
final class Manifests {

    static final ObjectMapper YAML =
            new YAMLMapper()
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .disable(DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES);

    /** apiVersion + "/" + kind of every object the deployment files may hold. */
    static final Map<String, Class<?>> MODELS =
            Map.ofEntries(
                    Map.entry("v1/ConfigMap", ConfigMap.class),
                    Map.entry("v1/Secret", Secret.class),
                    Map.entry("v1/ServiceAccount", ServiceAccount.class),
                    Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
                    Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
                    Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
                    Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
                    Map.entry("flink.apache.org/v1beta1/FlinkDeployment", FlinkDeployment.class),
                    Map.entry("kafka.strimzi.io/v1/KafkaConnect", KafkaConnect.class),
                    Map.entry("kafka.strimzi.io/v1/KafkaConnector", KafkaConnector.class),
                    Map.entry("kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class),
                    Map.entry(
                            "kafka.strimzi.io/v1/KafkaUser",
                            io.strimzi.api.kafka.model.user.KafkaUser.class),
                    Map.entry(
                            "monitoring.coreos.com/v1/PodMonitor",
                            io.fabric8.openshift.api.model.monitoring.v1.PodMonitor.class),
                    Map.entry(
                            "monitoring.coreos.com/v1/PrometheusRule",
                            io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule.class));

    private Manifests() {}

    /** A document bound to its model, with where it came from. */
    record Parsed(String source, JsonNode tree, Object model) {
        <T> T as(Class<T> type) {
            return type.cast(model);
        }

        String kind() {
            return tree.path("kind").asText();
        }

        String name() {
            return tree.path("metadata").path("name").asText();
        }
    }

    /** The YAML documents of a file or of kubectl's output (empty documents skipped). */
    static List<JsonNode> documents(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try {
            Iterator<JsonNode> it =
                    YAML.readerFor(JsonNode.class).readValues(new YAMLFactory().createParser(yaml));
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    static List<JsonNode> documents(Path file) {
        try {
            return documents(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Binds {@code doc} to its model.
     *
     * @throws ManifestException naming the source and every unknown field
     */
    static Parsed parse(String source, JsonNode doc) {
        String type = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
        Class<?> model = MODELS.get(type);
        if (model == null) {
            throw new ManifestException(
                    source + ": no model for " + type + "; known: " + MODELS.keySet());
        }
        Object bound;
        try {
            bound = YAML.treeToValue(doc, model);
        } catch (IOException | IllegalArgumentException e) {
            throw new ManifestException(
                    source + ": " + type + " does not bind: " + e.getMessage(), e);
        }
        List<String> unknown = new ArrayList<>();
        collectAdditionalProperties(
                bound, "", unknown, Collections.newSetFromMap(new IdentityHashMap<>()));
        collectDropped(doc, YAML.valueToTree(bound), "", unknown);
        if (!unknown.isEmpty()) {
            throw new ManifestException(
                    source
                            + ": "
                            + type
                            + " "
                            + doc.path("metadata").path("name").asText()
                            + " has fields its API does not know: "
                            + unknown);
        }
        return new Parsed(source, doc, bound);
    }

    static List<Parsed> parseAll(String source, String yaml) {
        List<Parsed> parsed = new ArrayList<>();
        for (JsonNode doc : documents(yaml)) {
            parsed.add(parse(source, doc));
        }
        return parsed;
    }

    static List<Parsed> parseAll(Path file) {
        List<Parsed> parsed = new ArrayList<>();
        for (JsonNode doc : documents(file)) {
            parsed.add(parse(file.toString(), doc));
        }
        return parsed;
    }

    private static void collectAdditionalProperties(
            Object node, String path, List<String> unknown, Set<Object> seen) {
        if (node == null || !seen.add(node)) {
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collectAdditionalProperties(v, path + "/" + k, unknown, seen));
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectAdditionalProperties(item, path + "/" + i++, unknown, seen);
            }
            return;
        }
        if (!isModelClass(node.getClass())) {
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
                    || (value != null && isModelClass(value.getClass()))) {
                collectAdditionalProperties(value, path + "/" + property(getter), unknown, seen);
            }
        }
    }

    private static boolean isModelClass(Class<?> type) {
        String name = type.getName();
        return !type.isEnum()
                && (name.startsWith("io.fabric8.kubernetes.api.model.")
                        || name.startsWith("io.strimzi.api.")
                        || name.startsWith("org.apache.flink.kubernetes.operator.api."));
    }

    private static String property(Method getter) {
        String n = getter.getName().substring(3);
        return n.isEmpty() ? n : Character.toLowerCase(n.charAt(0)) + n.substring(1);
    }

    /** Fields of {@code input} that the model dropped on the way through. */
    private static void collectDropped(
            JsonNode input, JsonNode output, String path, List<String> unknown) {
        if (input.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = input.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                JsonNode value = f.getValue();
                String at = path + "/" + f.getKey();
                if (value.isNull() || (value.isContainerNode() && value.isEmpty())) {
                    continue;
                }
                JsonNode out = output == null ? null : output.get(f.getKey());
                if (out == null || out.isNull()) {
                    if (!unknown.contains(at)) {
                        unknown.add(at);
                    }
                } else {
                    collectDropped(value, out, at, unknown);
                }
            }
        } else if (input.isArray() && output != null && output.isArray()) {
            for (int i = 0; i < input.size() && i < output.size(); i++) {
                collectDropped(input.get(i), output.get(i), path + "/" + i, unknown);
            }
        }
    }

    /** A copy of {@code doc} with {@code field} set to {@code value} at a slash-separated path. */
    static JsonNode with(JsonNode doc, String path, String field, Object value) {
        JsonNode copy = doc.deepCopy();
        JsonNode at = copy;
        for (String step : path.split("/")) {
            if (step.isEmpty()) {
                continue;
            }
            at = step.matches("\\d+") ? at.get(Integer.parseInt(step)) : at.get(step);
        }
        ((ObjectNode) at).set(field, YAML.valueToTree(value));
        return copy;
    }

    static final class ManifestException extends RuntimeException {
        ManifestException(String message) {
            super(message);
        }

        ManifestException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
