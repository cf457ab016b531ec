package dev.lakestream.connect.strimzi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lakestream.connect.replay.ReplayPlan;
import dev.lakestream.connect.rest.ConnectRestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A replay for a connector that Strimzi manages ({@code strimzi.io/use-connector-resources: "true"}
 * on the KafkaConnect), written as manifests and a script instead of carried out through the
 * Connect REST API.
 *
 * <p>Why not REST: the operator owns the connector. On every reconciliation it puts the connector's
 * state and configuration back to what the KafkaConnector says, so a {@code PUT
 * /connectors/{name}/stop} is undone (the connector runs again, possibly before its offsets are
 * moved and its channels reset) and the REST replay races the operator. Strimzi has its own verbs
 * instead: {@code spec.state: stopped} (Strimzi 0.38), and {@code spec.alterOffsets.fromConfigMap}
 * with the annotation {@code strimzi.io/connector-offsets=alter} (Strimzi 0.44), which passes the
 * ConfigMap's {@code offsets.json} to {@code PATCH /connectors/{name}/offsets} and removes the
 * annotation when Connect accepted it.
 *
 * <pre>
 * replay.sh                                                   KafkaConnector / Snowflake
 *   0. ConnectCli replay-channels check plan.json   --------> SHOW CHANNELS (refuse: untouched)
 *   1. kubectl patch 1-stop.yaml, wait STOPPED      --------> spec.state: stopped
 *   2. kubectl apply 2-offsets-configmap.yaml       --------> ConfigMap offsets.json
 *   3. kubectl patch 3-alter-offsets.yaml, annotate alter,
 *      wait until the annotation is gone            --------> PATCH /connectors/{name}/offsets
 *   4. ConnectCli replay-channels reset plan.json   --------> channel offset tokens, read back
 *   5. kubectl patch 5-resume.yaml, wait RUNNING    --------> spec.state: running
 * </pre>
 *
 * <p>The plan is the REST replay's ({@link dev.lakestream.connect.replay.ReplayPlanner}), the
 * offsets body is the REST replay's ({@link ConnectRestClient#sinkOffsets}) and steps 0 and 4 are
 * the REST replay's Snowflake steps ({@link dev.lakestream.connect.replay.ChannelReplay}), run from
 * the saved plan so that the script carries out exactly the plan that was printed. For {@code
 * --to-earliest} the offsets are altered to the log start offsets too, rather than reset ({@code
 * strimzi.io/connector-offsets=reset} deletes them and leaves the start to {@code
 * auto.offset.reset}): one kind of plan, and the Snowflake sink follows its channel tokens anyway.
 */
public final class StrimziReplay {

    static final String PLAN = "plan.json";
    static final String STOP = "1-stop.yaml";
    static final String OFFSETS = "2-offsets-configmap.yaml";
    static final String ALTER = "3-alter-offsets.yaml";
    static final String RESUME = "5-resume.yaml";
    static final String SCRIPT = "replay.sh";

    private static final String API_VERSION = "kafka.strimzi.io/v1";
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final YAMLMapper YAML =
            YAMLMapper.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                    .build();

    private final ReplayPlan plan;
    private final String namespace;
    private final boolean force;
    private final Duration timeout;

    /**
     * @param namespace the KafkaConnector's namespace
     * @param force passed to the Snowflake checks, as {@code replay --force}
     * @param timeout how long the script waits for each state and for the operator
     */
    public StrimziReplay(ReplayPlan plan, String namespace, boolean force, Duration timeout) {
        this.plan = plan;
        this.namespace = namespace;
        this.force = force;
        this.timeout = timeout;
    }

    /** The ConfigMap the operator reads the offsets from. */
    String configMapName() {
        return plan.connector() + "-replay-offsets";
    }

    /** The files, by name, in the order the script uses them. */
    public Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(PLAN, json(JSON.valueToTree(plan)));
        files.put(STOP, yaml(connectorPatch("stopped", false)));
        files.put(OFFSETS, yaml(offsetsConfigMap()));
        files.put(ALTER, yaml(connectorPatch("stopped", true)));
        files.put(RESUME, yaml(connectorPatch("running", false)));
        files.put(SCRIPT, script());
        return files;
    }

    /** Writes {@link #files()} into {@code dir} (created if needed; the script executable). */
    public void write(Path dir) {
        try {
            Files.createDirectories(dir);
            for (var file : files().entrySet()) {
                Path path = dir.resolve(file.getKey());
                Files.writeString(path, file.getValue());
                if (file.getKey().equals(SCRIPT)) {
                    try {
                        Files.setPosixFilePermissions(
                                path, PosixFilePermissions.fromString("rwxr-xr-x"));
                    } catch (UnsupportedOperationException e) {
                        // not a POSIX file system: run it with bash replay.sh
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("--out " + dir + ": cannot write the replay", e);
        }
    }

    /** Reads the plan a {@code --strimzi} replay saved, for {@code replay-channels}. */
    public static ReplayPlan readPlan(Path file) {
        try {
            return JSON.readValue(Files.readString(file), ReplayPlan.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    file
                            + ": not a replay plan written by replay --strimzi ("
                            + e.getMessage()
                            + ")");
        }
    }

    /**
     * A merge patch of the KafkaConnector: its state, and where the offsets come from. Resuming
     * removes {@code alterOffsets} again (null in a merge patch deletes the field), so the resource
     * is back to what its manifest declares.
     */
    private ObjectNode connectorPatch(String state, boolean alterOffsets) {
        ObjectNode patch = header("KafkaConnector", plan.connector());
        ObjectNode spec = patch.putObject("spec");
        spec.put("state", state);
        if (alterOffsets) {
            spec.putObject("alterOffsets").putObject("fromConfigMap").put("name", configMapName());
        } else if ("running".equals(state)) {
            spec.putNull("alterOffsets");
        }
        return patch;
    }

    private ObjectNode offsetsConfigMap() {
        ObjectNode configMap = JSON.createObjectNode();
        configMap.put("apiVersion", "v1");
        configMap.put("kind", "ConfigMap");
        ObjectNode metadata = configMap.putObject("metadata");
        metadata.put("name", configMapName());
        metadata.put("namespace", namespace);
        metadata.putObject("labels").put("app.kubernetes.io/part-of", "lakestream");
        configMap
                .putObject("data")
                .put("offsets.json", json(ConnectRestClient.sinkOffsets(plan.offsets())));
        return configMap;
    }

    private ObjectNode header(String kind, String name) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("apiVersion", API_VERSION);
        doc.put("kind", kind);
        doc.putObject("metadata").put("name", name).put("namespace", namespace);
        return doc;
    }

    private String script() {
        boolean snowflake = !plan.channelResets().isEmpty();
        String name = plan.connector();
        String forceOption = force ? " --force" : "";
        String wait = timeout.toSeconds() + "s";
        StringBuilder s = new StringBuilder();
        s.append("#!/usr/bin/env bash\n")
                .append("# Replay of KafkaConnector ")
                .append(name)
                .append(" in namespace ")
                .append(namespace)
                .append(", target: ")
                .append(plan.target())
                .append(".\n")
                .append("# Written by ConnectCli replay --strimzi; the files next to it are what")
                .append(" it applies.\n")
                .append("# Needs kubectl 1.23 or newer (wait --for=jsonpath) and Strimzi 0.44 or")
                .append(" newer (alterOffsets)\n")
                .append("# with the kafka.strimzi.io/v1 API (Strimzi 0.49 or newer).\n");
        if (snowflake) {
            s.append("# Snowflake sink: the SNOWFLAKE_* variables of ConnectCli replay, and")
                    .append(" CONNECT_CLI, the command\n")
                    .append("# that runs ConnectCli (e.g. java -cp \"$CP\"")
                    .append(" dev.lakestream.connect.cli.ConnectCli).\n");
        }
        s.append("# A failure after step 1 leaves the connector stopped: fix the cause and run")
                .append(" this script again.\n")
                .append("set -euo pipefail\n")
                .append("cd \"$(dirname \"$0\")\"\n")
                .append("KUBECTL=\"${KUBECTL:-kubectl}\"\n")
                .append("NS=")
                .append(shellQuote(namespace))
                .append('\n')
                .append("CONNECTOR=")
                .append(shellQuote(name))
                .append('\n')
                .append("TIMEOUT=")
                .append(wait)
                .append('\n');
        if (snowflake) {
            s.append("CLI=\"${CONNECT_CLI:?set CONNECT_CLI to the command that runs ConnectCli,")
                    .append(" e.g. java -cp \\$CP dev.lakestream.connect.cli.ConnectCli}\"\n");
        }
        s.append('\n')
                .append("state() {\n")
                .append("  \"$KUBECTL\" -n \"$NS\" get kafkaconnector \"$CONNECTOR\" -o")
                .append(" jsonpath='{.status.connectorStatus.connector.state}'\n")
                .append("}\n")
                .append("stays_stopped() {\n")
                .append("  echo \"$1\" >&2\n")
                .append("  \"$KUBECTL\" -n \"$NS\" get kafkaconnector \"$CONNECTOR\" -o")
                .append(" jsonpath='{range .status.conditions[*]}{.type} {.reason}:")
                .append(" {.message}{\"\\n\"}{end}' >&2 || true\n")
                .append("  echo \"$CONNECTOR stays STOPPED: fix this and run $0 again.\" >&2\n")
                .append("  exit 1\n")
                .append("}\n\n");
        if (snowflake) {
            s.append("echo \"0. checking Snowflake before the connector is touched\"\n")
                    .append("$CLI replay-channels check ")
                    .append(PLAN)
                    .append(forceOption)
                    .append("\n\n");
        }
        s.append("echo \"1. stopping $CONNECTOR (spec.state: stopped)\"\n")
                .append("\"$KUBECTL\" -n \"$NS\" patch kafkaconnector \"$CONNECTOR\" --type=merge")
                .append(" --patch-file ")
                .append(STOP)
                .append('\n')
                .append("\"$KUBECTL\" -n \"$NS\" wait kafkaconnector/\"$CONNECTOR\"")
                .append(" --for=jsonpath='{.status.connectorStatus.connector.state}'=STOPPED")
                .append(" --timeout=\"$TIMEOUT\" \\\n")
                .append("  || stays_stopped \"$CONNECTOR did not stop within $TIMEOUT (state:")
                .append(" $(state))\"\n\n")
                .append("echo \"2. the offsets to replay from (ConfigMap ")
                .append(configMapName())
                .append(")\"\n")
                .append("\"$KUBECTL\" -n \"$NS\" apply -f ")
                .append(OFFSETS)
                .append("\n\n")
                .append("echo \"3. setting the sink offsets")
                .append(" (alterOffsets, strimzi.io/connector-offsets=alter)\"\n")
                .append("\"$KUBECTL\" -n \"$NS\" patch kafkaconnector \"$CONNECTOR\" --type=merge")
                .append(" --patch-file ")
                .append(ALTER)
                .append('\n')
                .append("\"$KUBECTL\" -n \"$NS\" annotate kafkaconnector \"$CONNECTOR\"")
                .append(" strimzi.io/connector-offsets=alter --overwrite\n")
                .append("# the operator removes the annotation once Connect has taken the offsets;")
                .append(" it keeps it,\n")
                .append("# with a Warning condition, while Connect refuses them\n")
                .append("deadline=$((SECONDS + ")
                .append(timeout.toSeconds())
                .append("))\n")
                .append("until [ -z \"$(\"$KUBECTL\" -n \"$NS\" get kafkaconnector \"$CONNECTOR\"")
                .append(" -o jsonpath='{.metadata.annotations.strimzi\\.io/connector-offsets}')\"")
                .append(" ]; do\n")
                .append("  [ \"$SECONDS\" -lt \"$deadline\" ] || stays_stopped \"the operator did")
                .append(" not alter the offsets within $TIMEOUT\"\n")
                .append("  sleep 5\n")
                .append("done\n\n");
        if (snowflake) {
            s.append("echo \"4. resetting the Snowflake channel offset tokens\"\n")
                    .append("$CLI replay-channels reset ")
                    .append(PLAN)
                    .append(forceOption)
                    .append(" || stays_stopped \"the Snowflake channels were not reset\"\n\n");
        } else {
            s.append("echo \"4. no Snowflake channels to reset (not the Snowflake sink)\"\n\n");
        }
        s.append("echo \"5. resuming $CONNECTOR (spec.state: running)\"\n")
                .append("\"$KUBECTL\" -n \"$NS\" patch kafkaconnector \"$CONNECTOR\" --type=merge")
                .append(" --patch-file ")
                .append(RESUME)
                .append('\n')
                .append("\"$KUBECTL\" -n \"$NS\" wait kafkaconnector/\"$CONNECTOR\"")
                .append(" --for=jsonpath='{.status.connectorStatus.connector.state}'=RUNNING")
                .append(" --timeout=\"$TIMEOUT\" \\\n")
                .append("  || { echo \"$CONNECTOR is NOT running (state: $(state))\" >&2;")
                .append(" exit 1; }\n")
                .append("\"$KUBECTL\" -n \"$NS\" get kafkaconnector \"$CONNECTOR\" -o")
                .append(" jsonpath='{range .status.connectorStatus.tasks[*]}task {.id}:")
                .append(" {.state}{\"\\n\"}{end}'\n")
                .append("echo \"$CONNECTOR is running again\"\n");
        return s.toString();
    }

    /** The steps and files, for the console. */
    public String describe(Path dir) {
        StringBuilder s = new StringBuilder();
        s.append("Strimzi replay of KafkaConnector ")
                .append(plan.connector())
                .append(" in namespace ")
                .append(namespace)
                .append(" written to ")
                .append(dir)
                .append(" (nothing was changed; run ")
                .append(dir.resolve(SCRIPT))
                .append("):\n");
        files().forEach(
                        (file, content) -> {
                            if (file.endsWith(".yaml")) {
                                s.append("--- ").append(file).append('\n').append(content);
                            }
                        });
        s.append("--- ").append(SCRIPT).append('\n').append(script());
        return s.toString();
    }

    private static String json(Object tree) {
        try {
            return JSON.writeValueAsString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String yaml(Object tree) {
        try {
            return YAML.writeValueAsString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String shellQuote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
