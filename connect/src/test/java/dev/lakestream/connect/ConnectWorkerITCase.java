package dev.lakestream.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakestream.connect.config.ConnectorDefinition;
import dev.lakestream.connect.replay.ReplayPlan;
import dev.lakestream.connect.replay.ReplayPlanner;
import dev.lakestream.connect.replay.ReplayRefusedException;
import dev.lakestream.connect.replay.ReplayTarget;
import dev.lakestream.connect.replay.Replayer;
import dev.lakestream.connect.rest.ConnectRestClient;
import dev.lakestream.embedded.ConnectWorker;
import dev.lakestream.embedded.KafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connect module against a real Kafka Connect worker ({@code ConnectDistributed} in its own
 * JVM, started from the committed {@code config/connect-distributed.properties}) and a real Kafka
 * broker, both started once for the class.
 *
 * <ul>
 *   <li>The Snowflake sink plugin is found on the worker's {@code plugin.path} (the folder the
 *       build assembles), and the committed connector configuration, with its private key resolved
 *       by the worker's {@code env} config provider, passes the connector's own validation for
 *       every key except the three that it checks by logging in to Snowflake.
 *   <li>deploy / status / replay run against a sink that can run here, Kafka's own {@code
 *       FileStreamSinkConnector}, configured with the committed Kafka-side settings (converters,
 *       {@code read_committed}, error tolerance and dead-letter topic): the file it writes shows
 *       exactly which records were delivered, so every replay target is checked by what is
 *       delivered again.
 *   <li>The Snowflake connector itself is deployed too: Connect validates it before storing it, the
 *       login fails without an account, and the deploy says so with the connector's own errors. Its
 *       replay plan includes the channel offset token resets.
 * </ul>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConnectWorkerITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "lakestream.test.gold";
    private static final String GOLD_TOPIC = "lakestream.gold.sales_daily_metrics";
    private static final String DLQ = "lakestream.test.gold.dlq";
    private static final String FILE_SINK = "lakestream-file-sink";

    /** The keys the Snowflake sink can only check by logging in; validated by a live account. */
    static final Set<String> LIVE_ACCOUNT_KEYS =
            Set.of("snowflake.url.name", "snowflake.user.name", "snowflake.private.key");

    /**
     * Test-only JDBC settings for the connector: fail the login to the unreachable address at once
     * instead of retrying for minutes. Never part of the committed configuration.
     */
    private static final String FAST_FAILING_LOGIN =
            "loginTimeout:5,maxHttpRetries:0,networkTimeout:5000";

    @TempDir static Path dir;
    static ConnectTestStack stack;
    static KafkaBroker broker;
    static ConnectWorker worker;
    static ConnectRestClient rest;
    static Path sinkFile;
    static Instant firstRecordTime;

    /**
     * Runs every test of the annotated subclass on a worker of another Kafka release ({@link
     * ConnectWorkerKafka4ITCase}); without it, the worker is the broker's release. Read from the
     * class JUnit runs, so parent and subclass share one {@code @BeforeAll}.
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface OnWorker {
        ConnectWorker.Runtime value();
    }

    /** The Kafka release the worker of the running class runs on. */
    static ConnectWorker.Runtime runtime;

    @BeforeAll
    static void start(TestInfo info) throws Exception {
        OnWorker on = info.getTestClass().orElseThrow().getAnnotation(OnWorker.class);
        runtime = on == null ? ConnectWorker.Runtime.KAFKA_3 : on.value();
        Map<String, String> env = new HashMap<>();
        // what the committed Snowflake connector refers to through ${env:...}; port 9 on the
        // loopback refuses connections, so the connector's login fails at once
        env.put("SNOWFLAKE_URL", "http://127.0.0.1:9");
        env.put("SNOWFLAKE_CONNECT_USER", "LAKESTREAM_CONNECT");
        env.put("SNOWFLAKE_CONNECT_ROLE", "LAKESTREAM_CONNECT");
        env.put("SNOWFLAKE_PRIVATE_KEY", throwawayPrivateKey());
        env.put("SNOWFLAKE_DATABASE", "LAKESTREAM");
        env.put("SNOWFLAKE_SCHEMA", "GOLD");
        stack =
                ConnectTestStack.start(
                        runtime,
                        dir,
                        Map.of(TOPIC, "compact", GOLD_TOPIC, "compact"),
                        env,
                        // sink offsets committed every second instead of every 10 s
                        Map.of("offset.flush.interval.ms", "1000"));
        broker = stack.broker();
        worker = stack.worker();
        rest = new ConnectRestClient(worker.restUri());
        sinkFile = dir.resolve("sink.txt");
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /** A fresh RSA key, PKCS#8 base64 as the connector takes it; only in the worker's memory. */
    static String throwawayPrivateKey() throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return Base64.getEncoder()
                .encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
    }

    static ConnectorDefinition committedSnowflakeSink() {
        return ConnectorDefinition.load(Path.of("config/snowflake-sink.json"));
    }

    @Test
    @Order(0)
    void theWorkerIsItsRuntimesKafkaReleaseOnTheBrokersCluster() {
        JsonNode info = rest.worker();

        assertThat(info.path("version").asText()).isEqualTo(runtime.kafkaVersion());
        if (runtime == ConnectWorker.Runtime.KAFKA_3) {
            // embedded/connect-runtime's connect.version must follow kafka-broker.version
            assertThat(info.path("version").asText())
                    .isEqualTo(System.getProperty("lakestream.kafka-broker.version"));
        } else {
            assertThat(info.path("version").asText()).startsWith("4.");
        }
        assertThat(info.path("kafka_cluster_id").asText()).isEqualTo(broker.clusterId());
    }

    // --- the Snowflake sink plugin ---------------------------------------------------------

    @Test
    @Order(1)
    void theSnowflakeSinkPluginIsDiscoveredOnThePluginPath() {
        JsonNode plugins = rest.connectorPlugins();

        assertThat(plugins)
                .anySatisfy(
                        plugin -> {
                            assertThat(plugin.path("class").asText())
                                    .isEqualTo(committedSnowflakeSink().connectorClass());
                            assertThat(plugin.path("type").asText()).isEqualTo("sink");
                            assertThat(plugin.path("version").asText())
                                    .isEqualTo(
                                            System.getProperty(
                                                    "lakestream.connect.snowflake-connector.version"));
                        });
    }

    @Test
    @Order(2)
    void theCommittedSnowflakeConfigPassesTheConnectorsValidationUpToTheLogin() {
        Map<String, String> config = new LinkedHashMap<>(committedSnowflakeSink().config());
        config.put("name", committedSnowflakeSink().name());
        config.put("snowflake.jdbc.map", FAST_FAILING_LOGIN);

        Map<String, List<String>> errors = validationErrors(config);

        // every other key passed: converters, ingestion method, buffers, topic map, error
        // handling, and the private key that the worker resolved from ${env:...} and the
        // connector parsed; only the login itself fails, and it is reported on these keys
        assertThat(errors).containsOnlyKeys(LIVE_ACCOUNT_KEYS);
        assertThat(errors.values())
                .allSatisfy(
                        e ->
                                assertThat(e)
                                        .singleElement()
                                        .asString()
                                        .contains("Cannot connect to Snowflake"));
    }

    @Test
    @Order(3)
    void theConnectorsValidationRefusesABrokenConfigBeforeTheLogin() {
        Map<String, String> config = new LinkedHashMap<>(committedSnowflakeSink().config());
        config.put("name", committedSnowflakeSink().name());
        config.put("snowflake.ingestion.method", "CARRIER_PIGEON");
        config.put("buffer.flush.time", "soon");

        Map<String, List<String>> errors = validationErrors(config);

        assertThat(errors).containsKeys("snowflake.ingestion.method", "buffer.flush.time");
        assertThat(errors.keySet()).doesNotContainAnyElementsOf(LIVE_ACCOUNT_KEYS);
    }

    static Map<String, List<String>> validationErrors(Map<String, String> config) {
        JsonNode result = rest.validate(config.get("connector.class"), config);
        Map<String, List<String>> errors = new TreeMap<>();
        for (JsonNode entry : result.path("configs")) {
            JsonNode value = entry.path("value");
            if (!value.path("errors").isEmpty()) {
                errors.put(
                        value.path("name").asText(),
                        JSON.convertValue(value.path("errors"), List.class));
            }
        }
        assertThat(result.path("error_count").asInt())
                .isEqualTo(errors.values().stream().mapToInt(List::size).sum());
        return errors;
    }

    // --- deploy, status, replay on a sink that runs here ------------------------------------

    /**
     * The file sink with the committed Snowflake connector's Kafka-side settings: everything that
     * is not about Snowflake itself.
     */
    static Path fileSinkDefinition(String name, Path file) throws IOException {
        Map<String, String> config = new TreeMap<>();
        committedSnowflakeSink()
                .config()
                .forEach(
                        (key, value) -> {
                            if (!key.startsWith("snowflake.")
                                    && !key.startsWith("buffer.")
                                    && !key.startsWith("behavior.")) {
                                config.put(key, value);
                            }
                        });
        config.put("connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector");
        config.put("topics", TOPIC);
        config.put("file", file.toString());
        config.put("errors.deadletterqueue.topic.name", DLQ);
        Path definition = dir.resolve(name + ".json");
        Files.writeString(
                definition, JSON.writeValueAsString(Map.of("name", name, "config", config)));
        return definition;
    }

    @Test
    @Order(10)
    void deployCreatesTheConnectorWhichDeliversOnlyCommittedRecords() throws Exception {
        firstRecordTime = Instant.now().minusSeconds(3600);
        try (KafkaProducer<String, String> producer = stack.transactionalProducer()) {
            producer.beginTransaction();
            for (int i = 0; i < 5; i++) {
                producer.send(
                        new ProducerRecord<>(
                                TOPIC,
                                null,
                                firstRecordTime.plusSeconds(i).toEpochMilli(),
                                "{\"sale_date\":\"2026-11-29\",\"store_id\":" + i + "}",
                                "{\"store_id\":" + i + ",\"version\":" + (100 + i) + "}"));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, "{\"store_id\":98}", "{\"aborted\":1}"));
            producer.send(new ProducerRecord<>(TOPIC, "{\"store_id\":99}", "{\"aborted\":2}"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            // not JSON: the converter fails, errors.tolerance=all sends it to the dead-letter topic
            producer.send(new ProducerRecord<>(TOPIC, "{\"store_id\":7}", "not json"));
            producer.commitTransaction();
        }

        ConnectTestStack.Cli deploy =
                cli("deploy", fileSinkDefinition(FILE_SINK, sinkFile).toString());

        assertThat(deploy.exit()).as(deploy.out()).isZero();
        assertThat(deploy.out())
                .contains("CREATED " + FILE_SINK)
                .contains(FILE_SINK + " is running");
        await().atMost(Duration.ofSeconds(60)).until(() -> sinkLines().size() == 5);
        assertThat(sinkLines())
                .allMatch(line -> line.contains("version"))
                .noneMatch(l -> l.contains("aborted"));
        await().atMost(Duration.ofSeconds(60)).until(() -> dlqRecords() == 1);
    }

    @Test
    @Order(11)
    void deployingTheSameDefinitionAgainChangesNothing() throws Exception {
        ConnectTestStack.Cli again = cli("deploy", dir.resolve(FILE_SINK + ".json").toString());

        assertThat(again.exit()).as(again.out()).isZero();
        assertThat(again.out()).contains("UNCHANGED " + FILE_SINK).contains("is running");
        assertThat(sinkLines()).hasSize(5);
    }

    @Test
    @Order(12)
    void statusShowsStateConfigAndCommittedOffsets() {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> cli("status", FILE_SINK).out().contains("offset " + TOPIC + "-0: 10"));
        ConnectTestStack.Cli status = cli("status", FILE_SINK, "no-such-connector");

        assertThat(status.out())
                .contains(FILE_SINK + ": connector RUNNING, tasks [0: RUNNING]")
                .contains("config consumer.override.isolation.level=read_committed")
                .contains("no-such-connector: no such connector");
        assertThat(status.exit()).isEqualTo(1);
        assertThat(cli("status", FILE_SINK).exit()).isZero();
    }

    @Test
    @Order(20)
    void aDryRunPrintsThePlanAndChangesNothing() {
        ConnectTestStack.Cli dryRun = cli("replay", FILE_SINK, "--to-earliest", "--dry-run");

        assertThat(dryRun.exit()).as(dryRun.err()).isZero();
        assertThat(dryRun.out())
                .contains("Replay plan for connector " + FILE_SINK)
                .contains(TOPIC + "-0 -> 0")
                .contains("no Snowflake channels to reset")
                .doesNotContain("log in to Snowflake")
                .contains("dry run: nothing changed");
        assertThat(rest.status(FILE_SINK).orElseThrow().path("connector").path("state").asText())
                .isEqualTo("RUNNING");
        assertThat(rest.offsets(FILE_SINK).toString()).contains("\"kafka_offset\":10");
    }

    @Test
    @Order(21)
    void replayToEarliestDeliversEveryCommittedRecordAgain() throws IOException {
        ConnectTestStack.Cli replay = cli("replay", FILE_SINK, "--to-earliest");

        assertThat(replay.exit()).as(replay.out() + replay.err()).isZero();
        assertThat(replay.out()).contains("1. stopping").contains("is running again");
        await().atMost(Duration.ofSeconds(60)).until(() -> sinkLines().size() == 10);
        assertThat(sinkLines().subList(5, 10)).isEqualTo(sinkLines().subList(0, 5));
        await().atMost(Duration.ofSeconds(60)).until(() -> dlqRecords() == 2);
    }

    @Test
    @Order(22)
    void replayToGivenOffsetsDeliversFromThere() throws IOException {
        ConnectTestStack.Cli replay = cli("replay", FILE_SINK, "--to-offsets", TOPIC + ":0=3");

        assertThat(replay.exit()).as(replay.out() + replay.err()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> sinkLines().size() == 12);
        assertThat(sinkLines().subList(10, 12)).isEqualTo(sinkLines().subList(3, 5));
    }

    @Test
    @Order(23)
    void replayToATimestampDeliversTheRecordsFromThatTime() throws IOException {
        ConnectTestStack.Cli replay =
                cli(
                        "replay",
                        FILE_SINK,
                        "--to-timestamp",
                        firstRecordTime.plusSeconds(2).toString());

        assertThat(replay.exit()).as(replay.out() + replay.err()).isZero();
        assertThat(replay.out()).contains(TOPIC + "-0 -> 2");
        await().atMost(Duration.ofSeconds(60)).until(() -> sinkLines().size() == 15);
        assertThat(sinkLines().subList(12, 15)).isEqualTo(sinkLines().subList(2, 5));
    }

    @Test
    @Order(24)
    void aBadReplayTargetIsRefusedBeforeTheConnectorIsTouched() {
        ConnectTestStack.Cli unknownPartition =
                cli("replay", FILE_SINK, "--to-offsets", TOPIC + ":4=0");
        ConnectTestStack.Cli beyondTheEnd =
                cli("replay", FILE_SINK, "--to-offsets", TOPIC + ":0=1000");
        ConnectTestStack.Cli malformed = cli("replay", FILE_SINK, "--to-offsets", "oops");
        ConnectTestStack.Cli twoTargets =
                cli("replay", FILE_SINK, "--to-earliest", "--to-offsets", TOPIC + ":0=1");

        assertThat(unknownPartition.exit()).isEqualTo(2);
        assertThat(unknownPartition.err()).contains(TOPIC + "-4 does not exist");
        assertThat(beyondTheEnd.exit()).isEqualTo(2);
        assertThat(beyondTheEnd.err()).contains("outside the retained log");
        assertThat(malformed.exit()).isEqualTo(2);
        assertThat(malformed.err()).contains("--to-offsets: 'oops' is not topic:partition=offset");
        assertThat(twoTargets.exit()).isEqualTo(2);
        assertThat(rest.status(FILE_SINK).orElseThrow().path("connector").path("state").asText())
                .isEqualTo("RUNNING");
    }

    // --- the Snowflake channel checks, with Snowflake stood in for (see SnowflakeChannelsDouble)
    // --

    /** The file sink's topic as the Snowflake sink names its channel (upper-case in Snowflake). */
    static final String CHANNEL = (TOPIC + "_0").toUpperCase(java.util.Locale.ROOT);

    static final String LANDING = "LANDING";

    @Test
    @Order(25)
    void channelTokensAreCheckedFirstThenResetWhileTheConnectorIsStoppedAndItsOffsetsMoved()
            throws IOException {
        ReplayPlan plan = channelPlan(ReplayTarget.offsets(TOPIC + ":0=4"));
        List<String> seen = new ArrayList<>();
        SnowflakeChannelsDouble snowflake =
                new SnowflakeChannelsDouble()
                        .channel(LANDING, CHANNEL, "9")
                        .beforeEachCall(
                                call ->
                                        seen.add(
                                                call
                                                        + " while "
                                                        + state()
                                                        + " "
                                                        + rest.offsets(FILE_SINK)));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        java.nio.file.Path record = java.nio.file.Files.createTempFile("replays", ".jsonl");

        boolean running =
                new Replayer(
                                rest,
                                snowflake,
                                new PrintStream(console),
                                dev.lakestream.connect.replay.ReplayRecord.jsonLines(record))
                        .execute(plan, Duration.ofSeconds(60), false);

        assertThat(running).as(console.toString()).isTrue();
        assertThat(snowflake.token(LANDING, CHANNEL)).isEqualTo("3");
        // listed before the stop, listed again, set and read back while stopped with the offsets
        // already moved
        assertThat(snowflake.calls())
                .containsExactly(
                        "list " + LANDING,
                        "list " + LANDING,
                        "set " + LANDING + " " + CHANNEL + " 3",
                        "list " + LANDING);
        assertThat(seen.get(0)).startsWith("list " + LANDING + " while RUNNING");
        assertThat(seen.subList(1, 4))
                .allSatisfy(
                        call ->
                                assertThat(call)
                                        .contains("while STOPPED")
                                        .contains("\"kafka_offset\":4"));
        assertThat(console.toString())
                .contains("0. checking Snowflake before the connector is touched")
                .contains(TOPIC + "-0: channel " + CHANNEL + " of LANDING at token 9 -> 3")
                .contains(TOPIC + "-0: 1 channel(s) of LANDING set to token 3");
        // the replay keeps what it told Snowflake: the channel, its partition, token 9 -> 3
        List<String> recorded = java.nio.file.Files.readAllLines(record);
        assertThat(recorded).hasSize(1);
        com.fasterxml.jackson.databind.JsonNode line =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(recorded.get(0));
        assertThat(line.path("connector").asText()).isEqualTo(plan.connector());
        assertThat(line.path("table").asText()).isEqualTo(LANDING);
        assertThat(line.path("channel").asText()).isEqualTo(CHANNEL);
        assertThat(line.path("topic").asText()).isEqualTo(TOPIC);
        assertThat(line.path("partition").asInt()).isZero();
        assertThat(line.path("offset_token_before").asText()).isEqualTo("9");
        assertThat(line.path("offset_token").asText()).isEqualTo("3");
        await().atMost(Duration.ofSeconds(60)).until(() -> sinkLines().size() == 16);
        assertThat(sinkLines().get(15)).isEqualTo(sinkLines().get(4));
    }

    @Test
    @Order(26)
    void aPartitionWithoutAChannelIsRefusedAndTheConnectorKeepsRunning() {
        awaitCommittedOffset(10);
        SnowflakeChannelsDouble snowflake =
                new SnowflakeChannelsDouble()
                        // another partition's channel, and another connector's older-format one
                        .channel(LANDING, (TOPIC + "_1").toUpperCase(java.util.Locale.ROOT), "9")
                        .channel(LANDING, "OTHER-SINK_" + CHANNEL, "9");
        Replayer replayer =
                new Replayer(rest, snowflake, new PrintStream(new ByteArrayOutputStream()));
        ReplayPlan plan = channelPlan(new ReplayTarget.Earliest());

        assertThatThrownBy(() -> replayer.execute(plan, Duration.ofSeconds(60), true))
                .isInstanceOf(ReplayRefusedException.class)
                .hasMessageContaining(TOPIC + "-0: no channel of LANDING carries it")
                .hasMessageContaining(
                        "looked for " + TOPIC + "_0 or " + FILE_SINK + "_" + TOPIC + "_0")
                .hasMessageContaining("Check snowflake.topic2table.map")
                .hasMessageEndingWith("Nothing was changed: " + FILE_SINK + " still runs.");
        assertThat(snowflake.calls()).containsExactly("list " + LANDING);
        assertThat(state()).isEqualTo("RUNNING");
        assertThat(rest.offsets(FILE_SINK).toString()).contains("\"kafka_offset\":10");
    }

    @Test
    @Order(27)
    void aRefusedSnowflakeLoginFailsBeforeTheConnectorIsTouched() {
        SnowflakeChannelsDouble snowflake =
                new SnowflakeChannelsDouble().channel(LANDING, CHANNEL, "9").refuseLogin();
        Replayer replayer =
                new Replayer(rest, snowflake, new PrintStream(new ByteArrayOutputStream()));
        ReplayPlan plan = channelPlan(new ReplayTarget.Earliest());

        assertThatThrownBy(() -> replayer.execute(plan, Duration.ofSeconds(60), false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Snowflake login failed")
                .hasMessageEndingWith("Nothing was changed: " + FILE_SINK + " still runs.");
        assertThat(state()).isEqualTo("RUNNING");
        assertThat(snowflake.token(LANDING, CHANNEL)).isEqualTo("9");
    }

    @Test
    @Order(28)
    void aTargetBeyondTheChannelTokenIsRefusedUnlessForced() throws IOException {
        awaitCommittedOffset(10);
        int delivered = sinkLines().size();
        SnowflakeChannelsDouble snowflake =
                new SnowflakeChannelsDouble().channel(LANDING, CHANNEL, "1");
        ReplayPlan plan = channelPlan(ReplayTarget.offsets(TOPIC + ":0=4"));
        Replayer replayer =
                new Replayer(rest, snowflake, new PrintStream(new ByteArrayOutputStream()));

        assertThatThrownBy(() -> replayer.execute(plan, Duration.ofSeconds(60), false))
                .isInstanceOf(ReplayRefusedException.class)
                .hasMessageContaining(
                        TOPIC
                                + "-0: the target token 3 (replay from offset 4) is beyond the"
                                + " current token 1 of channel "
                                + CHANNEL
                                + " of LANDING: offsets 2..3 never reached Snowflake")
                .hasMessageContaining("give --force");
        assertThat(state()).isEqualTo("RUNNING");
        assertThat(snowflake.token(LANDING, CHANNEL)).isEqualTo("1");
        assertThat(rest.offsets(FILE_SINK).toString()).contains("\"kafka_offset\":10");

        assertThat(replayer.execute(plan, Duration.ofSeconds(60), true)).isTrue();
        assertThat(snowflake.token(LANDING, CHANNEL)).isEqualTo("3");
        await().atMost(Duration.ofSeconds(60)).until(() -> sinkLines().size() == delivered + 1);
        assertThat(sinkLines().get(delivered)).isEqualTo(sinkLines().get(4));
    }

    @Test
    @Order(29)
    void aResetThatSetsNoChannelLeavesTheConnectorStoppedAndAReplayAgainCompletesIt() {
        awaitCommittedOffset(10);
        ReplayPlan plan = channelPlan(new ReplayTarget.Earliest());

        // the channel is there when checked, and gone once the connector has stopped
        SnowflakeChannelsDouble gone = new SnowflakeChannelsDouble().channel(LANDING, CHANNEL, "9");
        gone.beforeEachCall(
                call -> {
                    if (gone.calls().size() == 1) {
                        gone.drop(LANDING, CHANNEL);
                    }
                });
        assertThatThrownBy(
                        () ->
                                new Replayer(
                                                rest,
                                                gone,
                                                new PrintStream(new ByteArrayOutputStream()))
                                        .execute(plan, Duration.ofSeconds(60), false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(TOPIC + "-0: no channel of LANDING carries it")
                .hasMessageEndingWith(
                        FILE_SINK
                                + " stays STOPPED with its sink offsets moved: fix this and run the"
                                + " same replay again.");
        assertThat(state()).isEqualTo("STOPPED");

        // Snowflake accepts the update but the token stays: read back, it stops the replay too
        SnowflakeChannelsDouble ignoring =
                new SnowflakeChannelsDouble().channel(LANDING, CHANNEL, "9").ignoreUpdates();
        assertThatThrownBy(
                        () ->
                                new Replayer(
                                                rest,
                                                ignoring,
                                                new PrintStream(new ByteArrayOutputStream()))
                                        .execute(plan, Duration.ofSeconds(60), false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(
                        "channel "
                                + CHANNEL
                                + " of LANDING reports offset token 9 after it was set to -1, so "
                                + TOPIC
                                + "-0 would not be replayed")
                .hasMessageContaining(FILE_SINK + " stays STOPPED");
        assertThat(state()).isEqualTo("STOPPED");

        // running a replay again completes it
        SnowflakeChannelsDouble fixed =
                new SnowflakeChannelsDouble().channel(LANDING, CHANNEL, "9");
        assertThat(
                        new Replayer(rest, fixed, new PrintStream(new ByteArrayOutputStream()))
                                .execute(
                                        channelPlan(ReplayTarget.offsets(TOPIC + ":0=10")),
                                        Duration.ofSeconds(60),
                                        false))
                .isTrue();
        assertThat(fixed.token(LANDING, CHANNEL)).isEqualTo("9");
        assertThat(state()).isEqualTo("RUNNING");
    }

    /** The file sink's plan for {@code target} with the channel reset a Snowflake sink's has. */
    static ReplayPlan channelPlan(ReplayTarget target) {
        ReplayPlan plan;
        try (Admin admin = admin()) {
            plan = new ReplayPlanner(admin, rest).plan(FILE_SINK, target);
        }
        long first = plan.offsets().get(TOPIC).get(0);
        return withChannelReset(plan, new ReplayPlan.ChannelReset(LANDING, TOPIC, 0, first - 1, 0));
    }

    static String state() {
        return rest.status(FILE_SINK).orElseThrow().path("connector").path("state").asText();
    }

    /** Waits until the sink has committed {@code offset}: the consumer is at the topic's end. */
    static void awaitCommittedOffset(long offset) {
        await().atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                rest.offsets(FILE_SINK)
                                        .toString()
                                        .contains("\"kafka_offset\":" + offset));
    }

    /** The file sink's plan as if it were a Snowflake sink's, with one channel to reset. */
    static ReplayPlan withChannelReset(ReplayPlan plan, ReplayPlan.ChannelReset reset) {
        return new ReplayPlan(
                plan.connector(),
                plan.connectorClass(),
                plan.target(),
                plan.offsets(),
                List.of(reset));
    }

    static Admin admin() {
        return Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @Test
    @Order(30)
    void deployReportsTheTaskErrorOfAConnectorThatCannotRun() throws IOException {
        // a directory is not a file the sink can append to: its task fails at start
        ConnectTestStack.Cli deploy =
                cli(
                        "deploy",
                        "--timeout",
                        "60s",
                        fileSinkDefinition("lakestream-broken-sink", dir).toString());

        assertThat(deploy.exit()).as(deploy.out()).isEqualTo(1);
        assertThat(deploy.out())
                .contains("lakestream-broken-sink is NOT running")
                .contains("task 0:");
    }

    // --- the Snowflake sink itself -------------------------------------------------------------

    @Test
    @Order(40)
    void deployingTheSnowflakeSinkWithoutAnAccountFailsWithTheConnectorsOwnErrors()
            throws IOException {
        Map<String, Object> definition = new HashMap<>();
        Map<String, String> config = new HashMap<>(committedSnowflakeSink().config());
        config.put("snowflake.jdbc.map", FAST_FAILING_LOGIN);
        definition.put("name", committedSnowflakeSink().name());
        definition.put("config", config);
        Path file = dir.resolve("snowflake-sink.json");
        Files.writeString(file, JSON.writeValueAsString(definition));

        ConnectTestStack.Cli deploy = cli("deploy", "--timeout", "90s", file.toString());

        // Connect validates a configuration before it stores it: without an account the login
        // fails, and the connector is refused with the keys that need one
        assertThat(deploy.exit()).as(deploy.out() + deploy.err()).isEqualTo(1);
        assertThat(deploy.out())
                .contains("CREATED " + committedSnowflakeSink().name() + " REFUSED")
                .contains("Cannot connect to Snowflake")
                .contains("snowflake.url.name")
                .doesNotContain(System.getenv().getOrDefault("SNOWFLAKE_PRIVATE_KEY", "-unset-"));
        assertThat(rest.config(committedSnowflakeSink().name())).isEmpty();
    }

    @Test
    @Order(41)
    void aSnowflakeReplayPlanResetsTheChannelOffsetTokensToo() {
        ConnectorDefinition sink = committedSnowflakeSink();
        ReplayPlan plan;
        try (Admin admin = admin()) {
            plan =
                    new ReplayPlanner(admin, rest)
                            .plan(
                                    sink.name(),
                                    sink.config(),
                                    ReplayTarget.offsets(GOLD_TOPIC + ":0=0"));
        }

        assertThat(plan.describe())
                .contains("0. before the connector is touched: log in to Snowflake")
                .contains(GOLD_TOPIC + "-0 -> 0")
                .contains(
                        "SALES_DAILY_METRICS_LANDING channel of " + GOLD_TOPIC + "-0 -> token -1");
        assertThat(plan.channelResets())
                .containsExactly(
                        new ReplayPlan.ChannelReset(
                                "SALES_DAILY_METRICS_LANDING", GOLD_TOPIC, 0, -1, 0));
    }

    // --- helpers -----------------------------------------------------------------------------

    static ConnectTestStack.Cli cli(String... args) {
        return stack.cli(Map.of(), args);
    }

    static List<String> sinkLines() throws IOException {
        return Files.exists(sinkFile) ? Files.readAllLines(sinkFile) : List.of();
    }

    /** How many records the dead-letter topic holds (0 while it does not exist). */
    static int dlqRecords() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            var partitions = consumer.partitionsFor(DLQ, Duration.ofSeconds(5));
            if (partitions == null || partitions.isEmpty()) {
                return 0;
            }
            var tps =
                    partitions.stream()
                            .map(
                                    p ->
                                            new org.apache.kafka.common.TopicPartition(
                                                    DLQ, p.partition()))
                            .toList();
            return consumer.endOffsets(tps).values().stream().mapToInt(Long::intValue).sum();
        }
    }
}
