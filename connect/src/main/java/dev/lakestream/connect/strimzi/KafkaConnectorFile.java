package dev.lakestream.connect.strimzi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lakestream.connect.config.ConnectorConfigException;
import dev.lakestream.connect.config.ConnectorDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A connector as a Strimzi {@code KafkaConnector} describes it, for a replay that must not ask the
 * Connect REST API: {@code metadata.name}, {@code spec.class} and {@code spec.config}, as the
 * {@link ConnectorDefinition} the REST replay gets from the worker. Reads the YAML of {@code
 * k8s/base/kafka-connector-snowflake.yaml} or of {@code kubectl get kafkaconnector NAME -o yaml}
 * (JSON too); a file with several documents is searched for the named KafkaConnector.
 */
public final class KafkaConnectorFile {

    private static final YAMLMapper YAML = new YAMLMapper();

    private KafkaConnectorFile() {}

    /**
     * @throws ConnectorConfigException naming the file when it cannot be read, holds no
     *     KafkaConnector named {@code name}, or lacks {@code spec.class} or {@code spec.config}
     */
    public static ConnectorDefinition load(Path file, String name) {
        String option = "--connector-file " + file;
        Iterator<JsonNode> documents;
        try {
            documents = YAML.readerFor(JsonNode.class).readValues(Files.readString(file));
        } catch (IOException e) {
            throw new ConnectorConfigException(option + ": cannot read it: " + e.getMessage());
        }
        JsonNode connector = null;
        StringBuilder seen = new StringBuilder();
        try {
            while (documents.hasNext()) {
                JsonNode doc = documents.next();
                if (doc == null || !doc.isObject()) {
                    continue;
                }
                String kind = doc.path("kind").asText();
                String docName = doc.path("metadata").path("name").asText();
                seen.append(seen.isEmpty() ? "" : ", ").append(kind).append(' ').append(docName);
                if ("KafkaConnector".equals(kind) && name.equals(docName)) {
                    connector = doc;
                }
            }
        } catch (RuntimeException e) {
            throw new ConnectorConfigException(option + ": not YAML: " + e.getMessage());
        }
        if (connector == null) {
            throw new ConnectorConfigException(
                    option
                            + ": no KafkaConnector named "
                            + name
                            + " (it has "
                            + (seen.isEmpty() ? "no objects" : seen)
                            + "); give the KafkaConnector's file, e.g. the output of kubectl get"
                            + " kafkaconnector "
                            + name
                            + " -o yaml");
        }
        JsonNode spec = connector.path("spec");
        String connectorClass = spec.path("class").asText("");
        JsonNode config = spec.path("config");
        if (connectorClass.isBlank() || !config.isObject()) {
            throw new ConnectorConfigException(
                    option + ": KafkaConnector " + name + " has no spec.class or spec.config");
        }
        Map<String, String> values = new LinkedHashMap<>();
        config.fields()
                .forEachRemaining(
                        field -> {
                            if (!field.getValue().isValueNode()) {
                                throw new ConnectorConfigException(
                                        option
                                                + ": spec.config."
                                                + field.getKey()
                                                + " must be a plain value");
                            }
                            values.put(field.getKey(), field.getValue().asText());
                        });
        values.put("connector.class", connectorClass);
        try {
            return new ConnectorDefinition(name, values);
        } catch (ConnectorConfigException e) {
            throw new ConnectorConfigException(option + ": " + e.getMessage());
        }
    }
}
