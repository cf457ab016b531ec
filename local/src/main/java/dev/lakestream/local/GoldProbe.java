package dev.lakestream.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Continuous commit -> gold latency probes, the way {@link GoldLatencyBenchmark} measures it: probe
 * orders go to a store of their own that nothing else touches, so the k-th probe is visible when
 * that store's gold record on Kafka ({@code read_committed}) shows k orders. Unlike the benchmark,
 * it runs for as long as the soak does and hands out the latencies that became visible since the
 * last call.
 */
final class GoldProbe implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    // above GoldLatencyBenchmark's store, so both can run on one data folder
    private static final long STORE_ID = 910_000;

    private final LocalStack stack;
    private final Map<Long, Long> committedAt = new ConcurrentHashMap<>();
    private final Map<Long, Long> visibleAt = new ConcurrentHashMap<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Thread reader;
    private long lastReported;
    private long nextProbe = 1;

    GoldProbe(LocalStack stack) throws SQLException {
        this.stack = stack;
        try (Connection c = stack.shopConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate(
                    "INSERT INTO shop.stores (store_id, code, name, region, city, country,"
                            + " time_zone, currency) VALUES ("
                            + STORE_ID
                            + ", 'SOAK', 'Soak probe', 'LAB', 'Lab', 'DE', 'UTC', 'EUR')"
                            + " ON CONFLICT DO NOTHING");
        }
        reader = new Thread(this::read, "gold-probe-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Commits the next probe order in PostgreSQL and notes when. */
    void probe() throws SQLException {
        try (Connection c = stack.shopConnection();
                PreparedStatement order =
                        c.prepareStatement(
                                "INSERT INTO shop.orders (order_id, store_id, status, created_at,"
                                        + " updated_at) VALUES (?, ?, 'PLACED',"
                                        + " '2031-01-01T12:00:00Z', now())")) {
            long k = nextProbe++;
            order.setLong(1, 910_000_000L + k);
            order.setLong(2, STORE_ID);
            order.executeUpdate();
            committedAt.put(k, System.currentTimeMillis());
        }
    }

    /** Latencies in ms of the probes that became visible since the last call, in probe order. */
    List<Long> drainLatencies() {
        List<Long> latencies = new ArrayList<>();
        long k = lastReported + 1;
        while (visibleAt.containsKey(k) && committedAt.containsKey(k)) {
            latencies.add(visibleAt.get(k) - committedAt.get(k));
            lastReported = k++;
        }
        return latencies;
    }

    /** Probes committed but not yet seen on Kafka. */
    long pending() {
        return nextProbe - 1 - lastReported;
    }

    private void read() {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", stack.kafkaBootstrapServers());
        props.setProperty("isolation.level", "read_committed");
        props.setProperty("group.id", "soak-probe");
        props.setProperty("auto.offset.reset", "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(LocalStack.GOLD_TOPIC));
            while (!stopped.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    long now = System.currentTimeMillis();
                    JsonNode key = JSON.readTree(r.key());
                    if (key.get("store_id").asLong() != STORE_ID || r.value() == null) {
                        continue;
                    }
                    JsonNode value = JSON.readTree(r.value());
                    if (!value.path("deleted").asBoolean()) {
                        // probes committed within one checkpoint show up together, in one record
                        for (long k = value.get("order_count").asLong(); k > 0; k--) {
                            if (visibleAt.putIfAbsent(k, now) != null) {
                                break;
                            }
                        }
                    }
                }
            }
        } catch (Exception e) {
            if (!stopped.get()) {
                System.err.println("gold probe reader stopped: " + e);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped.set(true);
        reader.join(5000);
    }
}
