package dev.lakestream.local.kpi;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the gold topic from its beginning for as long as the stack runs, {@code read_committed}
 * (records of aborted or open transactions never show), and applies each poll's records to {@link
 * CurrentGold} as one batch; a batch that changed something goes to the listener (the page's event
 * stream).
 *
 * <pre>
 *  gold topic --poll--> GoldRecord batch --> CurrentGold.apply --Update--> listener (SSE)
 * </pre>
 *
 * <p>Unlike {@code GoldTopicReader}, which reads up to the end offsets of one moment, this never
 * stops; it has no consumer group and commits no offsets, so every start rebuilds the state from
 * the topic (compacted: one record per key, and a few versions not yet compacted).
 */
final class GoldTopicFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GoldTopicFollower.class);
    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final CurrentGold gold;
    private final Consumer<CurrentGold.Update> listener;
    private final Thread thread;
    private volatile boolean closed;

    GoldTopicFollower(
            String bootstrapServers,
            String topic,
            CurrentGold gold,
            Consumer<CurrentGold.Update> listener) {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", bootstrapServers);
        props.setProperty("isolation.level", "read_committed");
        props.setProperty("enable.auto.commit", "false");
        props.setProperty("client.id", "lakestream-kpi-page");
        this.consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.gold = gold;
        this.listener = listener;
        this.thread = new Thread(this::follow, "kpi-gold-follower");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = List.of();
            while (partitions.isEmpty() && !closed) {
                // the stack creates the topic with the broker; a missing one only delays us
                partitions =
                        consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                                .map(p -> new TopicPartition(topic, p.partition()))
                                .toList();
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!closed) {
                List<GoldRecord> batch = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    batch.add(parse(r));
                }
                if (!batch.isEmpty()) {
                    CurrentGold.Update update = gold.apply(batch);
                    if (update != null) {
                        listener.accept(update);
                    }
                }
            }
        } catch (WakeupException stopping) {
            // close() woke the poll up
        } catch (RuntimeException | IOException e) {
            if (!closed) {
                LOG.error("The KPI page stopped following {}; it shows the gold of then", topic, e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    static GoldRecord parse(ConsumerRecord<byte[], byte[]> r) throws IOException {
        JsonNode key = JSON.readTree(r.key());
        String k = key.get("sale_date").asText() + "|" + key.get("store_id").asLong();
        if (r.value() == null) {
            return new GoldRecord(k, null, null, r.timestamp());
        }
        JsonNode value = JSON.readTree(r.value());
        return new GoldRecord(k, value.get("version").asLong(), value, r.timestamp());
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        if (!thread.isAlive()) {
            consumer.close(Duration.ZERO); // never started: nobody else closes it
            return;
        }
        consumer.wakeup();
        thread.join(5_000);
    }
}
