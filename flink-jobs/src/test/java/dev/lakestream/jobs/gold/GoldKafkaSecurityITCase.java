package dev.lakestream.jobs.gold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.embedded.KafkaBroker;
import dev.lakestream.jobs.transformation.TransformationConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gold producer's SASL settings against a real broker whose SASL listener accepts one user: the
 * producer properties the TransformationJob builds from {@code gold.kafka.*} (the same the Kafka
 * sink and the start-up check get) authenticate, and commit a transaction a read_committed consumer
 * sees; a wrong password stops start-up naming the setting.
 */
class GoldKafkaSecurityITCase {

    @TempDir static Path dir;
    private static KafkaBroker kafka;
    private static final KafkaBroker.SaslUser USER =
            new KafkaBroker.SaslUser("lakestream-transformation", "s3cret-" + UUID.randomUUID());
    private static final String TOPIC = "gold-sasl";

    @BeforeAll
    static void startBroker() {
        kafka = KafkaBroker.startWithSasl(dir.resolve("kafka"), USER);
        kafka.createTopic(TOPIC, 1, Map.of("cleanup.policy", "compact"));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Map<String, String> settings(String password) {
        Map<String, String> s = new HashMap<>();
        s.put("catalog.type", "jdbc");
        s.put("catalog.uri", "jdbc:postgresql://127.0.0.1:5432/iceberg_catalog");
        s.put("catalog.warehouse", "s3://warehouse/lake");
        s.put("gold.kafka.bootstrap-servers", kafka.saslBootstrapServers());
        s.put("gold.kafka.topic", TOPIC);
        s.put("gold.kafka.security-protocol", "SASL_PLAINTEXT");
        s.put("gold.kafka.sasl.mechanism", "PLAIN");
        s.put("gold.kafka.sasl.username", USER.name());
        s.put("gold.kafka.sasl.password", password);
        s.put("gold.kafka.property.compression.type", "zstd");
        s.put("execution.checkpointing.interval", "10s");
        return s;
    }

    @Test
    void theProducerPropertiesAuthenticateAndCommitATransaction() throws Exception {
        TransformationConfig config = TransformationConfig.fromMap(settings(USER.password()));
        Map<String, String> producer = config.kafkaProducerProperties();
        assertThat(producer)
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("compression.type", "zstd");

        assertThatCode(
                        () ->
                                TransactionTimeout.checkAgainstBroker(
                                        config.kafkaTransactionTimeout(),
                                        config.kafkaBootstrapServers(),
                                        producer))
                .doesNotThrowAnyException();

        Properties p = new Properties();
        p.putAll(producer);
        p.put("bootstrap.servers", config.kafkaBootstrapServers());
        p.put("transactional.id", "gold-sasl-it");
        try (KafkaProducer<String, String> out =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            out.initTransactions();
            out.beginTransaction();
            out.send(new ProducerRecord<>(TOPIC, "2026-11-30|1", "{\"version\":1}"));
            out.commitTransaction();
        }

        Properties c = new Properties();
        c.putAll(producer);
        c.remove("compression.type");
        c.put("bootstrap.servers", config.kafkaBootstrapServers());
        c.put("group.id", "gold-sasl-it");
        c.put("isolation.level", "read_committed");
        c.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, String> in =
                new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            in.subscribe(List.of(TOPIC));
            List<ConsumerRecord<String, String>> read = new java.util.ArrayList<>();
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (read.isEmpty() && System.nanoTime() < until) {
                in.poll(Duration.ofMillis(500)).forEach(read::add);
            }
            assertThat(read)
                    .singleElement()
                    .satisfies(r -> assertThat(r.key()).isEqualTo("2026-11-30|1"));
        }
    }

    @Test
    void aWrongPasswordStopsStartUpNamingTheBrokersSetting() {
        TransformationConfig config = TransformationConfig.fromMap(settings("not-the-password"));

        assertThatThrownBy(
                        () ->
                                TransactionTimeout.checkAgainstBroker(
                                        config.kafkaTransactionTimeout(),
                                        config.kafkaBootstrapServers(),
                                        config.kafkaProducerProperties()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("gold.kafka.bootstrap-servers")
                .hasMessageContaining("Authentication failed")
                .hasMessageNotContaining("not-the-password");
    }
}
