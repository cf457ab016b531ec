package dev.lakestream.verification.gold;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The gold topic read the way its consumers read it: every committed record from the beginning, not
 * only the latest per key, and the checks of the record contract on that history.
 *
 * <ul>
 *   <li>{@link #violations}: per key, {@code version} strictly grows from record to record (so no
 *       two records of a key share a version with different values); given the transactions that
 *       wrote the records ({@link GoldTopicTransactions}, read from the broker's log), also that a
 *       key appears at most once per Kafka transaction, that is, per checkpoint. Without the log
 *       that cannot be told from the consumer's side: the next checkpoint's records may follow the
 *       previous one's with no commit marker between them.
 *   <li>{@link #merge}: Snowflake's MERGE rule ({@code snowflake/.../V4__merge_task.sql}) over a
 *       sequence of batches: a batch is reduced to its highest version per key (ties: the highest
 *       offset), and a stored row is replaced only by a strictly higher version.
 *   <li>{@link #randomBatches}: one way the connector may hand the records to that MERGE: the
 *       partitions interleaved at random (each in its own order), cut into batches of random sizes.
 * </ul>
 */
public final class GoldTopicHistory {

    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    /** One committed record: where it is, its key ("sale_date|store_id") and its value. */
    public record Entry(int partition, long offset, String key, long version, JsonNode value) {

        public boolean deleted() {
            return value.path("deleted").asBoolean(false);
        }
    }

    private GoldTopicHistory() {}

    /** Every committed record of the topic up to its end offsets of now, in offset order. */
    public static List<Entry> read(String bootstrapServers, String topic) {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", bootstrapServers);
        props.setProperty("isolation.level", "read_committed");
        props.setProperty("enable.auto.commit", "false");
        props.setProperty("client.id", "lakestream-gold-history");
        List<Entry> history = new ArrayList<>();
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
                    if (r.value() == null) {
                        continue; // a tombstone after a delete marker: compaction's business
                    }
                    JsonNode key = JSON.readTree(r.key());
                    JsonNode value = JSON.readTree(r.value());
                    history.add(
                            new Entry(
                                    r.partition(),
                                    r.offset(),
                                    key.get("sale_date").asText()
                                            + "|"
                                            + key.get("store_id").asLong(),
                                    value.get("version").asLong(),
                                    value));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        history.sort(Comparator.comparingInt(Entry::partition).thenComparingLong(Entry::offset));
        return history;
    }

    /** Breaches of the version rule in a history from {@link #read}; empty when it holds. */
    public static List<String> violations(List<Entry> history) {
        return violations(history, null);
    }

    /**
     * Breaches of the record contract in a history from {@link #read}: the version rule and, when
     * {@code transactions} is given, at most one record per key and transaction. Empty when it
     * holds.
     */
    public static List<String> violations(List<Entry> history, GoldTopicTransactions transactions) {
        List<String> found = new ArrayList<>();
        Map<String, Entry> previous = new HashMap<>();
        Set<String> keyInTransaction = new HashSet<>();
        for (Entry e : history) {
            String transaction =
                    transactions != null ? transactions.of(e.partition(), e.offset()) : null;
            if (transaction != null
                    && !transaction.isEmpty()
                    && !keyInTransaction.add(e.key() + "@" + transaction)) {
                found.add(
                        e.key()
                                + " published twice in transaction "
                                + transaction
                                + " (partition "
                                + e.partition()
                                + ", offset "
                                + e.offset()
                                + ")");
            }
            Entry last = previous.put(e.key(), e);
            if (last != null && e.version() <= last.version()) {
                found.add(
                        e.key()
                                + (e.version() == last.version()
                                        ? " repeats version "
                                        : " goes back to version ")
                                + e.version()
                                + (e.value().equals(last.value())
                                        ? " with the same value"
                                        : " with another value")
                                + " (offsets "
                                + last.offset()
                                + " and "
                                + e.offset()
                                + ")");
            }
        }
        return found;
    }

    /** The latest record per key, in key order (what a compacted topic converges to). */
    public static Map<String, Entry> latest(List<Entry> history) {
        Map<String, Entry> latest = new TreeMap<>();
        for (Entry e : history) {
            latest.put(e.key(), e);
        }
        return latest;
    }

    /** The rows a consumer applying Snowflake's MERGE rule holds after these batches. */
    public static Map<String, Entry> merge(List<List<Entry>> batches) {
        Map<String, Entry> stored = new TreeMap<>();
        for (List<Entry> batch : batches) {
            Map<String, Entry> best = new HashMap<>();
            for (Entry e : batch) {
                best.merge(
                        e.key(),
                        e,
                        (a, b) ->
                                b.version() > a.version()
                                                || (b.version() == a.version()
                                                        && b.offset() > a.offset())
                                        ? b
                                        : a);
            }
            for (Entry s : best.values()) {
                Entry t = stored.get(s.key());
                if (t == null || s.version() > t.version()) {
                    stored.put(s.key(), s);
                }
            }
        }
        return stored;
    }

    /**
     * The history as the connector might deliver it: partitions interleaved at random, each in its
     * own order, in batches of 1 to {@code maxBatch} records.
     */
    public static List<List<Entry>> randomBatches(
            List<Entry> history, Random random, int maxBatch) {
        Map<Integer, List<Entry>> byPartition = new TreeMap<>();
        for (Entry e : history) {
            byPartition.computeIfAbsent(e.partition(), p -> new ArrayList<>()).add(e);
        }
        List<List<Entry>> queues = new ArrayList<>(byPartition.values());
        int[] next = new int[queues.size()];
        List<Entry> delivered = new ArrayList<>(history.size());
        int left = history.size();
        while (left > 0) {
            int pick = random.nextInt(left);
            for (int q = 0; q < queues.size(); q++) {
                int remaining = queues.get(q).size() - next[q];
                if (pick < remaining) {
                    delivered.add(queues.get(q).get(next[q]++));
                    break;
                }
                pick -= remaining;
            }
            left--;
        }
        List<List<Entry>> batches = new ArrayList<>();
        int at = 0;
        while (at < delivered.size()) {
            int size = 1 + random.nextInt(maxBatch);
            batches.add(delivered.subList(at, Math.min(delivered.size(), at + size)));
            at += size;
        }
        return batches;
    }

    /**
     * Keys whose merged row differs from the latest record, over {@code splits} random batch splits
     * seeded from {@code seed} (each split also replayed from the start once, as a consumer that
     * rewinds would); empty when every split ends at the latest state.
     */
    public static List<String> keysWrongUnderMerge(List<Entry> history, int splits, long seed) {
        Map<String, Entry> latest = latest(history);
        Set<String> wrong = new java.util.TreeSet<>();
        for (int split = 0; split < splits; split++) {
            Random random = new Random(seed + split);
            int maxBatch = 1 + random.nextInt(Math.max(1, Math.min(2000, history.size())));
            List<List<Entry>> batches = new ArrayList<>(randomBatches(history, random, maxBatch));
            if (split % 2 == 1) {
                batches.addAll(randomBatches(history, random, maxBatch));
            }
            Map<String, Entry> merged = merge(batches);
            for (Map.Entry<String, Entry> e : latest.entrySet()) {
                Entry got = merged.get(e.getKey());
                if (got == null || !got.value().equals(e.getValue().value())) {
                    wrong.add(e.getKey() + " (split " + split + ")");
                }
            }
        }
        return new ArrayList<>(wrong);
    }
}
