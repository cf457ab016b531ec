package org.apache.flink.connector.kafka.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.embedded.KafkaBroker;
import dev.lakestream.jobs.gold.LostTransactionGuard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.TwoPhaseCommittingSink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gold transaction pre-committed at a checkpoint and aborted by the broker before the restored
 * job commits it (the job was down longer than the transaction time-out), against a real broker.
 * The connector alone logs the loss and goes on; {@link LostTransactionGuard} fails the job saying
 * how to recover, unless the restart accepts the loss.
 *
 * <p>In the connector's package: its committable and internal producer, which a restored job's
 * commit starts from, are package-private there.
 */
class GoldLostTransactionITCase {

    private static final String TOPIC = "gold-lost";

    @TempDir static Path dir;
    private static KafkaBroker kafka;

    @BeforeAll
    static void startBroker() {
        kafka = KafkaBroker.start(dir.resolve("kafka"), 0);
        kafka.createTopic(TOPIC, 1, Map.of());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theConnectorAloneGoesOnWithoutTheRecords() throws Exception {
        Recorded request = new Recorded(expiredTransaction("lost-connector"));
        committer(sink()).commit(List.of(request));
        assertThat(request.outcome).isEqualTo("known");
    }

    @Test
    void theGuardFailsTheJobSayingHowToRecover() throws Exception {
        Recorded request = new Recorded(expiredTransaction("lost-guarded"));
        committer(guarded(false)).commit(List.of(request));
        assertThat(request.outcome).isEqualTo("unknown");
        assertThat(request.failure)
                .isInstanceOf(LostTransactionGuard.GoldTransactionLostException.class)
                .hasMessageContaining("lost-guarded")
                .hasMessageContaining("gold.kafka.transaction-timeout (PT15M)")
                .hasMessageContaining("start the TransformationJob afresh")
                .hasMessageContaining("gold.kafka.accept-lost-transactions=true");
    }

    @Test
    void aRestartThatAcceptsTheLossGoesOn() throws Exception {
        Recorded request = new Recorded(expiredTransaction("lost-accepted"));
        committer(guarded(true)).commit(List.of(request));
        assertThat(request.outcome).isEqualTo("known");
    }

    @Test
    void aTransactionStillOpenIsCommittedAsBefore() throws Exception {
        Recorded request = new Recorded(openTransaction("in-time", Duration.ofMinutes(5)));
        committer(guarded(false)).commit(List.of(request));
        assertThat(request.outcome).as("no signal: committed").isNull();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () ->
                                    assertThat(state(admin, "in-time"))
                                            .isEqualTo(TransactionState.COMPLETE_COMMIT));
        }
    }

    private static KafkaSink<String> sink() {
        Properties producer = new Properties();
        producer.setProperty("transaction.timeout.ms", "900000");
        return KafkaSink.<String>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setRecordSerializer(
                        KafkaRecordSerializationSchema.builder()
                                .setTopic(TOPIC)
                                .setValueSerializationSchema(new SimpleStringSchema())
                                .build())
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix("gold-lost-it")
                .setKafkaProducerConfig(producer)
                .build();
    }

    private static TwoPhaseCommittingSink<String, KafkaCommittable> guarded(boolean accept) {
        @SuppressWarnings("unchecked")
        TwoPhaseCommittingSink<String, KafkaCommittable> sink =
                (TwoPhaseCommittingSink<String, KafkaCommittable>)
                        LostTransactionGuard.around(sink(), Duration.ofMinutes(15), accept);
        return sink;
    }

    private static Committer<KafkaCommittable> committer(
            TwoPhaseCommittingSink<String, KafkaCommittable> sink) throws Exception {
        return sink.createCommitter();
    }

    /** A transaction with a record in it, flushed and left open, as a pre-commit leaves it. */
    private static KafkaCommittable openTransaction(String id, Duration timeout) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", kafka.bootstrapServers());
        p.setProperty("transaction.timeout.ms", Long.toString(timeout.toMillis()));
        p.setProperty(
                "key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        p.setProperty(
                "value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        FlinkKafkaInternalProducer<byte[], byte[]> producer =
                new FlinkKafkaInternalProducer<>(p, id);
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(TOPIC, id.getBytes(), "gold".getBytes()));
        producer.flush();
        KafkaCommittable committable =
                new KafkaCommittable(producer.getProducerId(), producer.getEpoch(), id, null);
        // the job goes down: its producer is gone, the transaction stays open on the broker
        producer.close(Duration.ZERO);
        return committable;
    }

    /** {@link #openTransaction}, then left until the broker aborted it for its time-out. */
    private static KafkaCommittable expiredTransaction(String id) throws Exception {
        KafkaCommittable committable = openTransaction(id, Duration.ofSeconds(1));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            await().atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> state(admin, id) != TransactionState.ONGOING);
        }
        return committable;
    }

    private static TransactionState state(Admin admin, String id) throws Exception {
        return admin.describeTransactions(List.of(id)).description(id).get().state();
    }

    /** A commit request as Flink's committer operator hands it over, recording its outcome. */
    private static final class Recorded implements Committer.CommitRequest<KafkaCommittable> {

        private final KafkaCommittable committable;
        String outcome;
        Throwable failure;

        Recorded(KafkaCommittable committable) {
            this.committable = committable;
        }

        @Override
        public KafkaCommittable getCommittable() {
            return committable;
        }

        @Override
        public int getNumberOfRetries() {
            return 0;
        }

        @Override
        public void signalFailedWithKnownReason(Throwable t) {
            outcome = "known";
            failure = t;
        }

        @Override
        public void signalFailedWithUnknownReason(Throwable t) {
            outcome = "unknown";
            failure = t;
        }

        @Override
        public void retryLater() {
            outcome = "retry";
        }

        @Override
        public void updateAndRetryLater(KafkaCommittable committable) {
            outcome = "retry";
        }

        @Override
        public void signalAlreadyCommitted() {
            outcome = "already";
        }
    }
}
