package dev.lakestream.connect.strimzi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakestream.connect.replay.ReplayPlan;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.strimzi.api.kafka.model.common.ConnectorState;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrimziReplayTest {

    static final String TOPIC = "lakestream.gold.sales_daily_metrics";
    static final String CONNECTOR = "lakestream-snowflake-sink";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    static ReplayPlan snowflakePlan() {
        return new ReplayPlan(
                CONNECTOR,
                "com.snowflake.kafka.connector.SnowflakeSinkConnector",
                "given offsets",
                new TreeMap<>(Map.of(TOPIC, new TreeMap<>(Map.of(0, 1200L, 1, 0L)))),
                List.of(
                        new ReplayPlan.ChannelReset(
                                "SALES_DAILY_METRICS_LANDING", TOPIC, 0, 1199, 0),
                        new ReplayPlan.ChannelReset(
                                "SALES_DAILY_METRICS_LANDING", TOPIC, 1, -1, 0)));
    }

    static Map<String, String> files(ReplayPlan plan) {
        return new StrimziReplay(plan, "lakestream", false, Duration.ofSeconds(300)).files();
    }

    @Test
    void thePatchesBindToStrimzisKafkaConnectorModelWithNoUnknownField() {
        Map<String, String> files = files(snowflakePlan());

        KafkaConnector stop =
                StrictModels.parse(files.get(StrimziReplay.STOP), KafkaConnector.class);
        KafkaConnector alter =
                StrictModels.parse(files.get(StrimziReplay.ALTER), KafkaConnector.class);
        KafkaConnector resume =
                StrictModels.parse(files.get(StrimziReplay.RESUME), KafkaConnector.class);

        for (KafkaConnector patch : List.of(stop, alter, resume)) {
            assertThat(patch.getMetadata().getName()).isEqualTo(CONNECTOR);
            assertThat(patch.getMetadata().getNamespace()).isEqualTo("lakestream");
        }
        assertThat(stop.getSpec().getState()).isEqualTo(ConnectorState.STOPPED);
        assertThat(stop.getSpec().getAlterOffsets()).isNull();
        assertThat(alter.getSpec().getState()).isEqualTo(ConnectorState.STOPPED);
        assertThat(alter.getSpec().getAlterOffsets().getFromConfigMap().getName())
                .isEqualTo(CONNECTOR + "-replay-offsets");
        assertThat(resume.getSpec().getState()).isEqualTo(ConnectorState.RUNNING);
        // a merge patch deletes a field given as null: the resource is back to its manifest
        assertThat(
                        StrictModels.tree(files.get(StrimziReplay.RESUME))
                                .at("/spec/alterOffsets")
                                .isNull())
                .isTrue();
        // nothing else of the connector is touched: no class, no config, no tasksMax
        for (String patch :
                List.of(StrimziReplay.STOP, StrimziReplay.ALTER, StrimziReplay.RESUME)) {
            JsonNode spec = StrictModels.tree(files.get(patch)).path("spec");
            assertThat(spec.fieldNames())
                    .toIterable()
                    .as(patch)
                    .isSubsetOf("state", "alterOffsets");
        }
    }

    @Test
    void theModelCheckRefusesAFieldStrimziDoesNotKnow() {
        String alter = files(snowflakePlan()).get(StrimziReplay.ALTER);

        assertThatThrownBy(
                        () ->
                                StrictModels.parse(
                                        alter.replace("fromConfigMap", "fromConfigmap"),
                                        KafkaConnector.class))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("fromConfigmap");
        assertThatThrownBy(
                        () ->
                                StrictModels.parse(
                                        alter.replace("state:", "desiredState:"),
                                        KafkaConnector.class))
                .hasMessageContaining("desiredState");
    }

    @Test
    void theConfigMapHoldsOffsetsJsonInTheConnectRestFormatOfASinkConnector() throws IOException {
        String yaml = files(snowflakePlan()).get(StrimziReplay.OFFSETS);

        ConfigMap configMap = StrictModels.parse(yaml, ConfigMap.class);

        assertThat(configMap.getMetadata().getName()).isEqualTo(CONNECTOR + "-replay-offsets");
        assertThat(configMap.getMetadata().getNamespace()).isEqualTo("lakestream");
        assertThat(configMap.getData()).containsOnlyKeys("offsets.json");
        assertThat(JSON.readTree(configMap.getData().get("offsets.json")))
                .isEqualTo(
                        JSON.readTree(
                                """
                                {"offsets":[
                                  {"partition":{"kafka_topic":"lakestream.gold.sales_daily_metrics",
                                                "kafka_partition":0},
                                   "offset":{"kafka_offset":1200}},
                                  {"partition":{"kafka_topic":"lakestream.gold.sales_daily_metrics",
                                                "kafka_partition":1},
                                   "offset":{"kafka_offset":0}}]}
                                """));
        // a literal block, readable in kubectl get -o yaml and in a review
        assertThat(yaml).contains("offsets.json: |");
    }

    @Test
    void theSavedPlanIsThePlanThatWasPrinted() throws IOException {
        ReplayPlan plan = snowflakePlan();
        new StrimziReplay(plan, "lakestream", false, Duration.ofSeconds(300)).write(dir);

        assertThat(StrimziReplay.readPlan(dir.resolve(StrimziReplay.PLAN))).isEqualTo(plan);
        assertThat(Files.isExecutable(dir.resolve(StrimziReplay.SCRIPT))).isTrue();
        Files.writeString(dir.resolve("other.json"), "{\"offsets\": []}");
        assertThatThrownBy(() -> StrimziReplay.readPlan(dir.resolve("other.json")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a replay plan written by replay --strimzi");
    }

    @Test
    void theScriptIsValidBash() throws Exception {
        new StrimziReplay(snowflakePlan(), "lakestream", true, Duration.ofSeconds(300)).write(dir);

        Process bash =
                new ProcessBuilder("bash", "-n", dir.resolve(StrimziReplay.SCRIPT).toString())
                        .redirectErrorStream(true)
                        .start();
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEmpty();
        assertThat(bash.exitValue()).isZero();
    }

    /**
     * The script against a stand-in kubectl and ConnectCli that log their arguments: the steps in
     * the order of the REST replay, with the Snowflake check before the stop and the channel reset
     * between the offsets and the resume.
     */
    @Test
    void theScriptRunsTheStepsInOrder() throws Exception {
        new StrimziReplay(snowflakePlan(), "lakestream", true, Duration.ofSeconds(300)).write(dir);

        Result result = runScript("STOPPED", "", 0);

        assertThat(result.exit).as(result.output).isZero();
        assertThat(result.calls)
                .containsExactly(
                        "cli replay-channels check plan.json --force",
                        "kubectl -n lakestream patch kafkaconnector "
                                + CONNECTOR
                                + " --type=merge --patch-file 1-stop.yaml",
                        "kubectl -n lakestream wait kafkaconnector/"
                                + CONNECTOR
                                + " --for=jsonpath={.status.connectorStatus.connector.state}"
                                + "=STOPPED --timeout=300s",
                        "kubectl -n lakestream apply -f 2-offsets-configmap.yaml",
                        "kubectl -n lakestream patch kafkaconnector "
                                + CONNECTOR
                                + " --type=merge --patch-file 3-alter-offsets.yaml",
                        "kubectl -n lakestream annotate kafkaconnector "
                                + CONNECTOR
                                + " strimzi.io/connector-offsets=alter --overwrite",
                        "kubectl -n lakestream get kafkaconnector "
                                + CONNECTOR
                                + " -o jsonpath={.metadata.annotations.strimzi\\.io/"
                                + "connector-offsets}",
                        "cli replay-channels reset plan.json --force",
                        "kubectl -n lakestream patch kafkaconnector "
                                + CONNECTOR
                                + " --type=merge --patch-file 5-resume.yaml",
                        "kubectl -n lakestream wait kafkaconnector/"
                                + CONNECTOR
                                + " --for=jsonpath={.status.connectorStatus.connector.state}"
                                + "=RUNNING --timeout=300s",
                        "kubectl -n lakestream get kafkaconnector "
                                + CONNECTOR
                                + " -o jsonpath={range .status.connectorStatus.tasks[*]}task"
                                + " {.id}: {.state}{\"\\n\"}{end}");
        assertThat(result.output).contains("is running again");
    }

    @Test
    void offsetsTheOperatorDoesNotTakeLeaveTheConnectorStoppedAndTheChannelsUntouched()
            throws Exception {
        new StrimziReplay(snowflakePlan(), "lakestream", false, Duration.ofSeconds(1)).write(dir);

        Result result = runScript("STOPPED", "alter", 0);

        assertThat(result.exit).isEqualTo(1);
        assertThat(result.output)
                .contains("the operator did not alter the offsets within 1s")
                .contains(CONNECTOR + " stays STOPPED");
        assertThat(result.calls)
                .noneMatch(c -> c.contains("replay-channels reset"))
                .noneMatch(c -> c.contains("5-resume.yaml"));
    }

    @Test
    void aFailedChannelResetLeavesTheConnectorStopped() throws Exception {
        new StrimziReplay(snowflakePlan(), "lakestream", false, Duration.ofSeconds(300)).write(dir);

        Result result = runScript("STOPPED", "", 1);

        assertThat(result.exit).isEqualTo(1);
        assertThat(result.output).contains(CONNECTOR + " stays STOPPED");
        assertThat(result.calls)
                .anyMatch(c -> c.startsWith("cli replay-channels reset"))
                .noneMatch(c -> c.contains("5-resume.yaml"));
    }

    @Test
    void anotherConnectorHasNoSnowflakeStepsAndNeedsNoConnectCli() throws Exception {
        ReplayPlan plan =
                new ReplayPlan(
                        "file-sink",
                        "org.apache.kafka.connect.file.FileStreamSinkConnector",
                        "earliest retained offsets",
                        new TreeMap<>(Map.of(TOPIC, new TreeMap<>(Map.of(0, 5L)))),
                        List.of());
        new StrimziReplay(plan, "lakestream", false, Duration.ofSeconds(300)).write(dir);

        Result result = runScript("STOPPED", "", 0);

        assertThat(result.exit).as(result.output).isZero();
        assertThat(result.calls).noneMatch(c -> c.startsWith("cli "));
        assertThat(result.output).contains("no Snowflake channels to reset");
    }

    record Result(int exit, List<String> calls, String output) {}

    /**
     * Runs replay.sh with kubectl and ConnectCli replaced by scripts that log their calls.
     *
     * @param state what the stand-in kubectl reports as the connector's state
     * @param annotation what it reports as strimzi.io/connector-offsets ("" once the operator is
     *     done)
     * @param cliReset the exit code of {@code replay-channels reset}
     */
    Result runScript(String state, String annotation, int cliReset) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path log = dir.resolve("calls.log");
        Path kubectl = bin.resolve("kubectl");
        Files.writeString(
                kubectl,
                String.join(
                        "\n",
                        "#!/usr/bin/env bash",
                        "echo \"kubectl $*\" >> \"$CALLS\"",
                        "case \"$*\" in",
                        "  *connector-offsets}*) printf '%s' '" + annotation + "' ;;",
                        "  *'get kafkaconnector'*) printf '%s' '" + state + "' ;;",
                        "esac",
                        ""));
        Path cli = bin.resolve("cli");
        Files.writeString(
                cli,
                String.join(
                        "\n",
                        "#!/usr/bin/env bash",
                        "echo \"cli $*\" >> \"$CALLS\"",
                        "[ \"$2\" != reset ] || exit " + cliReset,
                        ""));
        kubectl.toFile().setExecutable(true);
        cli.toFile().setExecutable(true);
        ProcessBuilder builder =
                new ProcessBuilder("bash", dir.resolve(StrimziReplay.SCRIPT).toString())
                        .redirectErrorStream(true);
        builder.environment().put("KUBECTL", kubectl.toString());
        builder.environment().put("CONNECT_CLI", cli.toString());
        builder.environment().put("CALLS", log.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> calls = Files.exists(log) ? Files.readAllLines(log) : new ArrayList<>();
        return new Result(process.exitValue(), calls, output);
    }
}
