package dev.lakestream.connect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay --strimzi}: the plan from the committed KafkaConnector and the brokers (a stand-in
 * admin client with a two-partition gold topic, log start 100 and end 5000), the files written,
 * nothing asked of Connect or Snowflake; and the usage errors.
 */
class StrimziReplayCliTest {

    static final String TOPIC = "lakestream.gold.sales_daily_metrics";
    static final String CONNECTOR_FILE =
            Path.of("..", "k8s", "base", "kafka-connector-snowflake.yaml").toString();

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final AtomicInteger adminsMade = new AtomicInteger();

    @TempDir Path dir;

    /** {@code replay lakestream-snowflake-sink <target> --strimzi lakestream ... --out <out>}. */
    int replayOnStrimzi(Path out, String... target) {
        List<String> args = new ArrayList<>(List.of("replay", "lakestream-snowflake-sink"));
        args.addAll(List.of(target));
        args.addAll(
                List.of(
                        "--strimzi",
                        "lakestream",
                        "--connector-file",
                        CONNECTOR_FILE,
                        "--out",
                        out.toString()));
        return run(args.toArray(String[]::new));
    }

    int run(String... args) {
        return ConnectCli.run(
                args,
                // no Connect worker here: a REST call would fail, and none is made
                Map.of(
                        "CONNECT_URL",
                        "http://127.0.0.1:9",
                        "KAFKA_BOOTSTRAP_SERVERS",
                        "kafka:9092"),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                bootstrap -> {
                    adminsMade.incrementAndGet();
                    return goldTopicAdmin();
                });
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void writesTheManifestsAndTheScriptAndPrintsThem() throws Exception {
        Path replay = dir.resolve("replay");

        int exit = replayOnStrimzi(replay, "--to-offsets", TOPIC + ":0=1200");

        assertThat(exit).as(err()).isZero();
        assertThat(replay.toFile().list())
                .containsExactlyInAnyOrder(
                        "plan.json",
                        "1-stop.yaml",
                        "2-offsets-configmap.yaml",
                        "3-alter-offsets.yaml",
                        "5-resume.yaml",
                        "replay.sh");
        // the plan of the REST replay: only the given partition, the token one before it
        assertThat(out())
                .contains("Replay plan for connector lakestream-snowflake-sink")
                .contains(TOPIC + "-0 -> 1200")
                .doesNotContain(TOPIC + "-1 ->")
                .contains("SALES_DAILY_METRICS_LANDING channel of " + TOPIC + "-0 -> token 1199")
                .contains("Strimzi replay of KafkaConnector lakestream-snowflake-sink")
                .contains("nothing was changed")
                .contains("--- 2-offsets-configmap.yaml")
                .contains("\"kafka_offset\" : 1200")
                .contains("strimzi.io/connector-offsets=alter");
        assertThat(Files.readString(replay.resolve("2-offsets-configmap.yaml")))
                .contains("\"kafka_partition\" : 0")
                .doesNotContain("\"kafka_partition\" : 1");
        assertThat(Files.readString(replay.resolve("plan.json")))
                .contains("\"offsetToken\" : 1199");
    }

    @Test
    void toEarliestAltersEveryPartitionToItsLogStart() throws Exception {
        Path replay = dir.resolve("replay");

        int exit = replayOnStrimzi(replay, "--to-earliest");

        assertThat(exit).as(err()).isZero();
        assertThat(out()).contains(TOPIC + "-0 -> 100").contains(TOPIC + "-1 -> 100");
    }

    @Test
    void aBadToOffsetsIsRefusedNamingTheOptionBeforeKafkaIsAsked() {
        for (String bad : List.of(TOPIC + ":x=1", TOPIC + "=5", TOPIC + ":0=-3")) {
            err.reset();
            int exit = replayOnStrimzi(dir, "--to-offsets", bad);

            assertThat(exit).as(bad).isEqualTo(2);
            assertThat(err()).as(bad).startsWith("error: --to-offsets: '" + bad + "'");
        }
        assertThat(adminsMade).hasValue(0);
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void offsetsOutsideTheTopicOrItsRetainedLogAreRefusedNamingTheOption() {
        assertThat(replayOnStrimzi(dir, "--to-offsets", TOPIC + ":0=50")).isEqualTo(2);
        assertThat(err())
                .contains(
                        "--to-offsets: " + TOPIC + "-0=50 is outside the retained log [100, 5000]");
        err.reset();
        assertThat(replayOnStrimzi(dir, "--to-offsets", "other.topic:0=1")).isEqualTo(2);
        assertThat(err())
                .contains("--to-offsets: other.topic is not one of the connector's topics");
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void strimziModeUsageErrors() {
        assertThat(
                        run(
                                "replay",
                                "lakestream-snowflake-sink",
                                "--to-earliest",
                                "--strimzi",
                                "lakestream"))
                .isEqualTo(2);
        assertThat(err()).contains("replay --strimzi: give --connector-file");
        err.reset();
        assertThat(run("replay", "lakestream-snowflake-sink", "--to-earliest", "--out", "x"))
                .isEqualTo(2);
        assertThat(err()).contains("--connector-file and --out belong to --strimzi NAMESPACE");
        err.reset();
        assertThat(
                        run(
                                "replay",
                                "other-sink",
                                "--to-earliest",
                                "--strimzi",
                                "lakestream",
                                "--connector-file",
                                CONNECTOR_FILE,
                                "--out",
                                dir.toString()))
                .isEqualTo(2);
        assertThat(err())
                .contains("--connector-file")
                .contains("no KafkaConnector named other-sink");
        err.reset();
        assertThat(run("replay-channels", "check")).isEqualTo(2);
        assertThat(err())
                .contains("replay-channels: give the plan.json that replay --strimzi wrote");
        err.reset();
        assertThat(run("replay-channels", "undo", "plan.json")).isEqualTo(2);
        assertThat(err()).contains("replay-channels: give check or reset");
        assertThat(adminsMade).hasValue(0);
    }

    @Test
    void replayChannelsNeedsTheSnowflakeVariablesBeforeItDoesAnything() throws Exception {
        Path replay = dir.resolve("replay");
        assertThat(replayOnStrimzi(replay, "--to-earliest")).isZero();
        err.reset();

        assertThat(run("replay-channels", "check", replay.resolve("plan.json").toString()))
                .isEqualTo(2);
        assertThat(err()).startsWith("error: ").contains("SNOWFLAKE_");
    }

    /** A gold topic of two partitions, offsets 100 (log start) to 5000 (end). */
    static Admin goldTopicAdmin() {
        return (Admin)
                Proxy.newProxyInstance(
                        Admin.class.getClassLoader(),
                        new Class<?>[] {Admin.class},
                        (proxy, method, args) ->
                                switch (method.getName()) {
                                    case "describeTopics" -> describe((Collection<?>) args[0]);
                                    case "listOffsets" -> list((Map<?, ?>) args[0]);
                                    case "close" -> null;
                                    default ->
                                            throw new UnsupportedOperationException(
                                                    method.getName());
                                });
    }

    private static DescribeTopicsResult describe(Collection<?> topics) {
        Node node = new Node(0, "kafka", 9092);
        Map<String, KafkaFuture<TopicDescription>> found = new HashMap<>();
        for (Object topic : topics) {
            if (topic.equals(TOPIC)) {
                found.put(
                        TOPIC,
                        KafkaFuture.completedFuture(
                                new TopicDescription(
                                        TOPIC,
                                        false,
                                        List.of(
                                                new TopicPartitionInfo(
                                                        0, node, List.of(node), List.of(node)),
                                                new TopicPartitionInfo(
                                                        1, node, List.of(node), List.of(node))))));
            }
        }
        return new DescribeTopicsResult(null, found) {};
    }

    private static ListOffsetsResult list(Map<?, ?> request) {
        Map<TopicPartition, KafkaFuture<ListOffsetsResultInfo>> offsets = new HashMap<>();
        request.forEach(
                (tp, spec) ->
                        offsets.put(
                                (TopicPartition) tp,
                                KafkaFuture.completedFuture(
                                        new ListOffsetsResultInfo(
                                                spec instanceof OffsetSpec.LatestSpec ? 5000 : 100,
                                                -1,
                                                Optional.empty()))));
        return new ListOffsetsResult(offsets);
    }
}
