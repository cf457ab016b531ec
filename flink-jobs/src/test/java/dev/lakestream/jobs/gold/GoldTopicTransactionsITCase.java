package dev.lakestream.jobs.gold;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.embedded.KafkaBroker;
import dev.lakestream.verification.gold.GoldTopicHistory;
import dev.lakestream.verification.gold.GoldTopicTransactions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-transaction check of the gold record contract against a real broker's log: two
 * checkpoints' transactions back to back with no marker between them are two transactions (a
 * consumer sees consecutive offsets), and one transaction with a key twice is a breach.
 */
class GoldTopicTransactionsITCase {

    private static final String TOPIC = "gold_transactions";

    @TempDir static Path dir;
    private static KafkaBroker kafka;

    @BeforeAll
    static void startBroker() {
        kafka = KafkaBroker.start(dir.resolve("kafka"), 0);
        kafka.createTopic(TOPIC, 1, Map.of());
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void transactionsAreToldFromTheLogNotFromGapsInTheOffsets() {
        try (KafkaProducer<byte[], byte[]> first = producer("checkpoint-1");
                KafkaProducer<byte[], byte[]> second = producer("checkpoint-2");
                KafkaProducer<byte[], byte[]> third = producer("checkpoint-3")) {
            // checkpoint 1's transaction is written, then checkpoint 2's begins before the first
            // is committed (the broker was away, or the checkpoint completed late)
            first.beginTransaction();
            first.send(record("2026-11-01", 1, 100));
            first.flush();
            second.beginTransaction();
            second.send(record("2026-11-01", 1, 200));
            second.flush();
            first.commitTransaction();
            second.commitTransaction();

            List<GoldTopicHistory.Entry> history =
                    GoldTopicHistory.read(kafka.bootstrapServers(), TOPIC);
            GoldTopicTransactions transactions =
                    GoldTopicTransactions.read(kafka.logDirectory(), TOPIC);
            assertThat(history).extracting(GoldTopicHistory.Entry::offset).containsExactly(0L, 1L);
            assertThat(transactions.of(0, 0)).isNotNull().isNotEqualTo(transactions.of(0, 1));
            assertThat(GoldTopicHistory.violations(history, transactions)).isEmpty();

            // one transaction with a key twice
            third.beginTransaction();
            third.send(record("2026-11-02", 1, 300));
            third.send(record("2026-11-02", 1, 301));
            third.commitTransaction();

            history = GoldTopicHistory.read(kafka.bootstrapServers(), TOPIC);
            transactions = GoldTopicTransactions.read(kafka.logDirectory(), TOPIC);
            assertThat(GoldTopicHistory.violations(history, transactions))
                    .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .startsWith("2026-11-02|1 published twice in transaction ")
                    .endsWith("(partition 0, offset 5)");
            assertThat(GoldTopicHistory.violations(history)).as("versions alone").isEmpty();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String transactionalId) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", kafka.bootstrapServers());
        p.setProperty("transactional.id", transactionalId);
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        return producer;
    }

    private static ProducerRecord<byte[], byte[]> record(String date, int store, long version) {
        String key = "{\"sale_date\":\"" + date + "\",\"store_id\":" + store + "}";
        String value =
                "{\"sale_date\":\""
                        + date
                        + "\",\"store_id\":"
                        + store
                        + ",\"version\":"
                        + version
                        + "}";
        return new ProducerRecord<>(
                TOPIC,
                key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }
}
