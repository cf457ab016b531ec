package dev.lakestream.ops.lineage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Finds the Kafka record of one gold version: reads the topic as a consumer does ({@code
 * read_committed}) from a little before the checkpoint that published it, so a long topic is not
 * read from its start.
 */
final class GoldRecordLocator {

    /** Where a record is. */
    record Position(int partition, long offset, long timestamp) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private GoldRecordLocator() {}

    static Optional<Position> find(
            String bootstrapServers,
            Map<String, String> clientProperties,
            String topic,
            LocalDate saleDate,
            long storeId,
            long version,
            long notBeforeMillis) {
        Properties props = new Properties();
        // the producer's security settings are the client's (gold.kafka.security-protocol, ...)
        for (Map.Entry<String, String> e : clientProperties.entrySet()) {
            if (e.getKey().startsWith("security.")
                    || e.getKey().startsWith("sasl.")
                    || e.getKey().startsWith("ssl.")) {
                props.put(e.getKey(), e.getValue());
            }
        }
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> since = new HashMap<>();
            partitions.forEach(p -> since.put(p, notBeforeMillis));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(since);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp start = starts.get(p);
                consumer.seek(p, start == null ? ends.get(p) : start.offset());
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline && !caughtUp(consumer, partitions, ends)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() != null && matches(r, saleDate, storeId, version)) {
                        return Optional.of(new Position(r.partition(), r.offset(), r.timestamp()));
                    }
                }
            }
            return Optional.empty();
        }
    }

    private static boolean caughtUp(
            KafkaConsumer<String, String> consumer,
            List<TopicPartition> partitions,
            Map<TopicPartition, Long> ends) {
        for (TopicPartition p : partitions) {
            if (consumer.position(p) < ends.get(p)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(
            ConsumerRecord<String, String> r, LocalDate saleDate, long storeId, long version) {
        try {
            JsonNode value = JSON.readTree(r.value());
            return saleDate.toString().equals(value.path("sale_date").asText())
                    && value.path("store_id").asLong() == storeId
                    && value.path("version").asLong() == version;
        } catch (java.io.IOException e) {
            return false; // not a gold record: nothing of ours to trace
        }
    }
}
