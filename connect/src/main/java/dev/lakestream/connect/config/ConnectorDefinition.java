package dev.lakestream.connect.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A connector as committed: its name and its configuration, in the JSON shape Connect's {@code POST
 * /connectors} takes ({@code {"name": ..., "config": {...}}}).
 *
 * <p>Secrets never appear in a committed file: a key that holds one (a private key, passphrase,
 * password, secret or token) must refer to a Connect config provider, {@code ${env:NAME}}, {@code
 * ${file:path:key}} or {@code ${directory:path:file}}, which the worker resolves in its own
 * process. {@link #load} refuses a file that breaks this, naming the key, and {@link #masked} is
 * what the tools print: provider references are shown (they say where the secret comes from),
 * anything else secret-looking is masked.
 */
public record ConnectorDefinition(String name, Map<String, String> config) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SECRET_KEY =
            Pattern.compile("(private\\.key|passphrase|password|secret|token|credential)");
    private static final Pattern PROVIDER_REFERENCE =
            Pattern.compile("^\\$\\{(env|file|directory):[^}]+}$");
    static final String MASK = "********";

    public ConnectorDefinition {
        if (name == null || name.isBlank()) {
            throw new ConnectorConfigException("name is missing");
        }
        config = Map.copyOf(config);
        if (!config.containsKey("connector.class")) {
            throw new ConnectorConfigException(
                    "connector " + name + ": config.connector.class is missing");
        }
        for (var entry : config.entrySet()) {
            if (isSecretKey(entry.getKey())
                    && !entry.getValue().isEmpty()
                    && !PROVIDER_REFERENCE.matcher(entry.getValue()).matches()) {
                throw new ConnectorConfigException(
                        "connector "
                                + name
                                + ": "
                                + entry.getKey()
                                + " holds a literal secret; refer to it through a config provider,"
                                + " e.g. ${env:SNOWFLAKE_PRIVATE_KEY}");
            }
        }
    }

    /** Reads a connector file; the message of a refusal names the file and the key. */
    public static ConnectorDefinition load(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConnectorConfigException(
                    file + ": cannot read connector definition: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConnectorConfigException(file + ": expected a JSON object");
        }
        JsonNode config = root.get("config");
        if (config == null || !config.isObject()) {
            throw new ConnectorConfigException(file + ": config is missing or not an object");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
            var field = it.next();
            if (!field.getValue().isValueNode()) {
                throw new ConnectorConfigException(
                        file + ": config." + field.getKey() + " must be a string");
            }
            values.put(field.getKey(), field.getValue().asText());
        }
        try {
            return new ConnectorDefinition(root.path("name").asText(null), values);
        } catch (ConnectorConfigException e) {
            throw new ConnectorConfigException(file + ": " + e.getMessage());
        }
    }

    public String connectorClass() {
        return config.get("connector.class");
    }

    /** True for the Snowflake sink, whose replays must also reset its channels' offset tokens. */
    public boolean isSnowflakeSink() {
        return connectorClass().startsWith("com.snowflake.kafka.connector.");
    }

    /** The configuration as printed by the tools: literal secrets masked, references shown. */
    public Map<String, String> masked() {
        return masked(config);
    }

    /** Masks literal secrets in any configuration (e.g. one read back from a worker). */
    public static Map<String, String> masked(Map<String, String> config) {
        Map<String, String> out = new java.util.TreeMap<>();
        config.forEach(
                (key, value) ->
                        out.put(
                                key,
                                isSecretKey(key) && !PROVIDER_REFERENCE.matcher(value).matches()
                                        ? MASK
                                        : value));
        return out;
    }

    static boolean isSecretKey(String key) {
        return SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).find();
    }
}
