package dev.lakestream.jobs.gold;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the current gold state from its topic the way a downstream reader must: {@code
 * read_committed} (records of aborted transactions never show), from the beginning to the end
 * offsets of now, keeping the latest value per key and dropping keys whose latest value is a delete
 * marker. Versions must never go back per key; a topic where they do is reported.
 */
public final class GoldTopicReader {

    // exact decimals: 45.30 must stay 45.30, not be normalised to 45.3
    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .setNodeFactory(
                            com.fasterxml.jackson.databind.node.JsonNodeFactory
                                    .withExactBigDecimals(true));

    private GoldTopicReader() {}

    /** Latest live value per "sale_date|store_id", in key order. */
    public static Map<String, JsonNode> current(String bootstrapServers, String topic) {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", bootstrapServers);
        props.setProperty("isolation.level", "read_committed");
        props.setProperty("enable.auto.commit", "false");
        props.setProperty("client.id", "lakestream-gold-reader");
        Map<String, JsonNode> latest = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode key = JSON.readTree(r.key());
                    String k = key.get("sale_date").asText() + "|" + key.get("store_id").asLong();
                    JsonNode value = r.value() == null ? null : JSON.readTree(r.value());
                    JsonNode previous = latest.get(k);
                    if (previous != null
                            && value != null
                            && value.get("version").asLong() < previous.get("version").asLong()) {
                        throw new IllegalStateException(
                                "version went back for " + k + ": " + previous + " then " + value);
                    }
                    latest.put(k, value);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        latest.values().removeIf(v -> v == null || v.get("deleted").asBoolean());
        return latest;
    }
}
