package dev.lakestream.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded Kafka broker as the gold KPI publishing relies on it: compacted topics created
 * idempotently, transactions whose aborted records a {@code read_committed} consumer never sees,
 * data kept across restarts, and a broker left running by a run killed hard stopped by the next.
 */
class KafkaBrokerITCase {

    /** One broker for the tests that need no restart of their own: a start costs seconds. */
    @TempDir static Path sharedDir;

    private static KafkaBroker shared;

    @TempDir Path dir;

    @BeforeAll
    static void startSharedBroker() {
        shared = KafkaBroker.start(sharedDir.resolve("kafka"), 0);
    }

    @AfterAll
    static void stopSharedBroker() {
        if (shared != null) {
            shared.close();
        }
    }

    private static Admin admin(KafkaBroker broker) {
        return Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    private static KafkaProducer<String, String> transactionalProducer(
            KafkaBroker broker, String transactionalId) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        transactionalId),
                new StringSerializer(),
                new StringSerializer());
    }

    private static TopicDescription describe(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    }

    private static ConfigEntry topicConfig(Admin admin, String topic, String key) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        return config.get(key);
    }

    private static long endOffset(KafkaBroker broker, String topic, String isolationLevel) {
        try (KafkaConsumer<String, String> consumer = consumer(broker, isolationLevel)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            return consumer.endOffsets(List.of(partition)).get(partition);
        }
    }

    /**
     * Every value in partition 0 of {@code topic} up to its end as {@code isolationLevel} sees it.
     */
    private static List<String> readAll(KafkaBroker broker, String topic, String isolationLevel) {
        try (KafkaConsumer<String, String> consumer = consumer(broker, isolationLevel)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            // read_committed: the last stable offset, read_uncommitted: the high watermark
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            List<String> values = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ZERO)
                    .until(
                            () -> {
                                for (ConsumerRecord<String, String> record :
                                        consumer.poll(Duration.ofMillis(200))) {
                                    values.add(record.value());
                                }
                                return consumer.position(partition) >= end;
                            });
            return values;
        }
    }

    private static KafkaConsumer<String, String> consumer(
            KafkaBroker broker, String isolationLevel) {
        // no group: assigned partitions, nothing committed
        return new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        isolationLevel,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        "false"),
                new StringDeserializer(),
                new StringDeserializer());
    }

    private static long pidIn(Path stateDirectory) throws IOException {
        return Long.parseLong(Files.readString(stateDirectory.resolve("kafka.pid")).trim());
    }

    @Test
    void brokerRunsTheKafkaVersionTheTestClientsSpeak() throws IOException {
        String classpath;
        try (InputStream in =
                KafkaBroker.class.getResourceAsStream("/lakestream/embedded/kafka.classpath")) {
            assertThat(in).as("kafka.classpath resource").isNotNull();
            classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // kafka.version in embedded/kafka-runtime and kafka-broker.version in the root POM
        String clientVersion = AppInfoParser.getVersion();
        assertThat(classpath)
                .contains("kafka_2.13-" + clientVersion + ".jar")
                .contains("kafka-clients-" + clientVersion + ".jar");
    }

    @Test
    void compactedTopicIsCreatedOnceWithItsSettings() throws Exception {
        String topic = "gold.sales_daily_metrics";
        shared.createTopic(topic, 1, Map.of("cleanup.policy", "compact"));

        try (Admin admin = admin(shared)) {
            TopicDescription created = describe(admin, topic);
            assertThat(created.partitions()).hasSize(1);
            assertThat(created.partitions().get(0).replicas()).hasSize(1);
            ConfigEntry policy = topicConfig(admin, topic, "cleanup.policy");
            assertThat(policy.value()).isEqualTo("compact");
            assertThat(policy.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

            // again, even with other partitions and settings: the existing topic is left alone
            shared.createTopic(topic, 3, Map.of("cleanup.policy", "delete"));

            TopicDescription again = describe(admin, topic);
            assertThat(again.topicId()).isEqualTo(created.topicId());
            assertThat(again.partitions()).hasSize(1);
            assertThat(topicConfig(admin, topic, "cleanup.policy").value()).isEqualTo("compact");
            assertThat(admin.listTopics().names().get()).containsOnlyOnce(topic);
        }
    }

    @Test
    void readCommittedConsumerSeesCommittedTransactionsOnly() throws Exception {
        String topic = "transactions";
        shared.createTopic(topic, 1, Map.of());

        try (KafkaProducer<String, String> producer =
                transactionalProducer(shared, "lakestream-test-visibility")) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k1", "committed-1"));
            producer.send(new ProducerRecord<>(topic, "k2", "committed-2"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k3", "aborted-3"));
            // in the log before the abort, so that there is something for read_committed to skip
            producer.flush();
            producer.abortTransaction();
        }
        // the abort marker is written after abortTransaction returns; once it is, nothing is
        // open and the last stable offset reaches the high watermark (3 records + 2 markers)
        await().atMost(Duration.ofSeconds(15))
                .until(() -> endOffset(shared, topic, "read_committed"), end -> end == 5);
        assertThat(endOffset(shared, topic, "read_uncommitted")).isEqualTo(5);

        assertThat(readAll(shared, topic, "read_committed"))
                .containsExactly("committed-1", "committed-2");
        assertThat(readAll(shared, topic, "read_uncommitted"))
                .containsExactly("committed-1", "committed-2", "aborted-3");
    }

    @Test
    void restartOnTheSameFolderKeepsTopicsAndCommittedRecords() throws Exception {
        Path state = dir.resolve("kafka-kept");
        String topic = "kept";
        String clusterId;
        try (KafkaBroker first = KafkaBroker.start(state, 0)) {
            clusterId = first.clusterId();
            first.createTopic(topic, 1, Map.of("cleanup.policy", "compact"));
            try (KafkaProducer<String, String> producer =
                    transactionalProducer(first, "lakestream-test-restart")) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "k", "survives a restart"));
                producer.commitTransaction();
            }
        }
        assertThat(state.resolve("kafka.pid")).doesNotExist();
        assertThat(state.resolve("kafka.cluster-id")).hasContent(clusterId);
        assertThat(state.resolve("logs/meta.properties")).content().contains(clusterId);
        // the broker logged to its own file, not to the parent's console
        assertThat(state.resolve("kafka.log")).content().contains("Kafka Server started");

        try (KafkaBroker second = KafkaBroker.start(state, 0);
                Admin admin = admin(second)) {
            // not formatted again: a new cluster id would be a new, empty cluster
            assertThat(second.clusterId()).isEqualTo(clusterId);
            assertThat(admin.describeCluster().clusterId().get()).isEqualTo(clusterId);
            assertThat(admin.listTopics().names().get()).contains(topic);
            assertThat(topicConfig(admin, topic, "cleanup.policy").value()).isEqualTo("compact");
            assertThat(readAll(second, topic, "read_committed"))
                    .containsExactly("survives a restart");
        }
    }

    @Test
    void brokerLeftRunningByAnEarlierRunIsStoppedOnStart() throws Exception {
        Path state = Files.createDirectories(dir.resolve("kafka-stale"));
        // a pid file naming a process that is not a Kafka broker (a pid the system recycled)
        Process unrelated = new ProcessBuilder("sleep", "60").start();
        try {
            Files.writeString(state.resolve("kafka.pid"), Long.toString(unrelated.pid()));
            KafkaBroker stale = KafkaBroker.start(state, 0);
            try {
                assertThat(unrelated.isAlive()).as("unrelated process").isTrue();
                long stalePid = pidIn(state);
                ProcessHandle staleProcess = ProcessHandle.of(stalePid).orElseThrow();
                assertThat(staleProcess.info().commandLine().orElse("")).contains("kafka.Kafka");

                // not closed, as when the JVM that started it was killed; it holds the lock on
                // the log folder, so the next broker starts only if this one is stopped first
                try (KafkaBroker fresh = KafkaBroker.start(state, 0);
                        Admin admin = admin(fresh)) {
                    assertThat(staleProcess.isAlive()).as("stale broker").isFalse();
                    assertThat(pidIn(state)).isNotEqualTo(stalePid);
                    assertThat(fresh.clusterId()).isEqualTo(stale.clusterId());
                    assertThat(admin.describeCluster().clusterId().get())
                            .isEqualTo(stale.clusterId());
                }
            } finally {
                stale.close();
            }
        } finally {
            unrelated.destroyForcibly();
        }
    }

    @Test
    void failureToStartNamesTheLog() throws Exception {
        Path state = dir.resolve("kafka-port-taken");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> KafkaBroker.start(state, taken.getLocalPort()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(state.toRealPath().resolve("kafka.log").toString());
        }
        assertThat(state.resolve("kafka.log")).content().contains("Address already in use");
        assertThat(state.resolve("kafka.pid")).doesNotExist();
    }
}
