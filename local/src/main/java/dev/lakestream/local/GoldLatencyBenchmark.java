package dev.lakestream.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakestream.verification.gold.GoldTopicHistory;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Measures end-to-end latency on the local stack: from a PostgreSQL commit to the gold record that
 * includes it being visible on Kafka to a {@code read_committed} reader, under a background
 * workload.
 *
 * <p>Probe orders go to a store of their own, created inactive after the background generator
 * started, so that only probes touch it (the generator leaves inactive stores' orders alone, also
 * when it reads the shop again after a failed transaction): the k-th probe is visible when that
 * store's gold record shows k orders.
 *
 * <pre>
 *   java ... dev.lakestream.local.GoldLatencyBenchmark [--probes 60] [--rate 50]
 *       [--checkpoint-interval 5s]
 * </pre>
 */
public final class GoldLatencyBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private GoldLatencyBenchmark() {}

    public static void main(String[] args) throws Exception {
        int probes = 60;
        double rate = 50;
        String interval = "5s";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--probes" -> probes = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--checkpoint-interval" -> interval = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path data = Files.createTempDirectory("lakestream-latency");
        System.setProperty("lakestream.log.dir", data.toString());
        try {
            run(probes, rate, interval, data, System.out);
        } finally {
            LocalStack.deleteRecursively(data);
        }
        System.exit(0);
    }

    /** Commit -> gold latencies of one run, in seconds. */
    /**
     * Latencies in seconds over all probes; a probe not visible within the wait counts as
     * infinitely late (so p99 is infinite when more than 1 % of them are missing).
     */
    record Latency(
            int probes,
            int visible,
            double p50,
            double p99,
            double max,
            double bronzeP50,
            double bronzeP99) {}

    /** How long the reader waits for the last probe after it was committed. */
    static final Duration PROBE_WAIT = Duration.ofMinutes(5);

    /**
     * Starts the local stack in {@code data} with the background workload at {@code rate} tx/s,
     * sends the probes once the generator runs, prints the result and stops the stack.
     */
    static Latency run(int probes, double rate, String interval, Path data, PrintStream out)
            throws Exception {
        LocalOptions options =
                LocalOptions.parse(
                        new String[] {
                            "run",
                            "--data",
                            data.toString(),
                            "--rate",
                            Double.toString(rate),
                            "--ui-port",
                            "0",
                            "--metrics-port",
                            "0",
                            "--checkpoint-interval",
                            interval
                        });
        try (LocalStack stack = new LocalStack(options, data, out)) {
            CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> run(stack));
            stack.awaitGeneratorStarted(Duration.ofMinutes(5));
            Latency latency = measure(stack, probes, out);
            stack.requestStop();
            running.join();
            return latency;
        }
    }

    private static int run(LocalStack stack) {
        try {
            return stack.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Latency measure(LocalStack stack, int probes, PrintStream out) throws Exception {
        long storeId = 900_000;
        Map<Long, Long> visibleAt = new ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicBoolean readerStop =
                new java.util.concurrent.atomic.AtomicBoolean();
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", stack.kafkaBootstrapServers());
        props.setProperty("isolation.level", "read_committed");
        props.setProperty("group.id", "latency-probe");
        props.setProperty("auto.offset.reset", "earliest");
        CompletableFuture<Void> reader =
                CompletableFuture.runAsync(
                        () -> {
                            try (KafkaConsumer<byte[], byte[]> consumer =
                                    new KafkaConsumer<>(
                                            props,
                                            new ByteArrayDeserializer(),
                                            new ByteArrayDeserializer())) {
                                consumer.subscribe(List.of(LocalStack.GOLD_TOPIC));
                                while (visibleAt.size() < probes && !readerStop.get()) {
                                    for (ConsumerRecord<byte[], byte[]> r :
                                            consumer.poll(Duration.ofMillis(100))) {
                                        long now = System.currentTimeMillis();
                                        JsonNode key = JSON.readTree(r.key());
                                        if (key.get("store_id").asLong() != storeId) {
                                            continue;
                                        }
                                        JsonNode value = JSON.readTree(r.value());
                                        if (!value.get("deleted").asBoolean()) {
                                            // probes committed within one checkpoint show up
                                            // together, in one record
                                            for (long k = value.get("order_count").asLong();
                                                    k > 0;
                                                    k--) {
                                                visibleAt.putIfAbsent(k, now);
                                            }
                                        }
                                    }
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
        Map<Long, Long> inBronzeAt = new ConcurrentHashMap<>();
        CompletableFuture<Void> bronzeWatcher =
                CompletableFuture.runAsync(
                        () -> watchBronze(stack, probes, inBronzeAt, readerStop));
        List<Long> committedAt = new ArrayList<>();
        try (Connection c = stack.shopConnection()) {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.executeUpdate(
                        "INSERT INTO shop.stores (store_id, code, name, region, city, country,"
                                + " time_zone, currency, active) VALUES ("
                                + storeId
                                + ", 'PROBE', 'Latency probe', 'LAB', 'Lab', 'DE', 'UTC', 'EUR',"
                                // inactive: a generator that reads the shop again after a
                                // failed transaction leaves its orders alone
                                + " false)");
            }
            try (PreparedStatement order =
                    c.prepareStatement(
                            "INSERT INTO shop.orders (order_id, store_id, status, created_at,"
                                    + " updated_at) VALUES (?, ?, 'PLACED', '2030-01-01T12:00:00Z',"
                                    + " now())")) {
                for (int k = 1; k <= probes; k++) {
                    order.setLong(1, probeOrderId(k));
                    order.setLong(2, storeId);
                    order.executeUpdate();
                    committedAt.add(System.currentTimeMillis());
                    // probes every 1.7 s, out of step with the checkpoint interval
                    Thread.sleep(1700);
                }
            }
        }
        try {
            reader.get(PROBE_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            readerStop.set(true);
            reader.handle((ok, failed) -> null).join();
        }
        readerStop.set(true);
        bronzeWatcher.handle((ok, failed) -> null).join();
        List<Double> latencies = latencies(visibleAt, committedAt);
        List<Double> toBronze = latencies(inBronzeAt, committedAt);
        Latency latency =
                new Latency(
                        probes,
                        (int) latencies.stream().filter(Double::isFinite).count(),
                        percentile(latencies, 0.50),
                        percentile(latencies, 0.99),
                        latencies.get(probes - 1),
                        percentile(toBronze, 0.50),
                        percentile(toBronze, 0.99));
        if (latency.visible() < probes) {
            out.printf(
                    "LATENCY %d of %d probes were not visible on Kafka %d s after the last was"
                            + " committed%n",
                    probes - latency.visible(), probes, PROBE_WAIT.toSeconds());
        }
        WorkloadStatsView generated = stack.generatedSoFar();
        out.printf(
                "LATENCY PostgreSQL commit -> gold on Kafka (read_committed), %d probes:"
                        + " p50 %.1f s, p99 %.1f s, max %.1f s%n",
                probes, latency.p50(), latency.p99(), latency.max());
        out.printf(
                "LATENCY of which PostgreSQL commit -> bronze snapshot committed: p50 %.1f s,"
                        + " p99 %.1f s%n",
                latency.bronzeP50(), latency.bronzeP99());
        out.printf(
                "THROUGHPUT background workload %.1f tx/s, %d row changes in %d s%n",
                generated.transactionsPerSecond(), generated.rowChanges(), generated.seconds());
        printTopic(stack, generated.seconds(), out);
        return latency;
    }

    /** Seconds from each probe's commit to {@code at}'s time for it, sorted; missing = infinite. */
    private static List<Double> latencies(Map<Long, Long> at, List<Long> committedAt) {
        List<Double> latencies = new ArrayList<>();
        for (int k = 1; k <= committedAt.size(); k++) {
            Long seen = at.get((long) k);
            latencies.add(
                    seen == null
                            ? Double.POSITIVE_INFINITY
                            : (seen - committedAt.get(k - 1)) / 1000.0);
        }
        Collections.sort(latencies);
        return latencies;
    }

    /** The nearest-rank percentile of sorted values. */
    private static double percentile(List<Double> sorted, double p) {
        int rank = (int) Math.ceil(sorted.size() * p) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank)));
    }

    /**
     * Records, for each probe order, the commit time of the first bronze snapshot that holds it:
     * the first half of the way to gold. Reads only the files each new snapshot appended.
     */
    private static void watchBronze(
            LocalStack stack,
            int probes,
            Map<Long, Long> inBronzeAt,
            java.util.concurrent.atomic.AtomicBoolean stop) {
        try {
            Table orders = stack.bronzeTable("shop.orders");
            Long last =
                    orders.currentSnapshot() == null ? null : orders.currentSnapshot().snapshotId();
            while (inBronzeAt.size() < probes && !stop.get()) {
                Thread.sleep(200);
                orders.refresh();
                Snapshot current = orders.currentSnapshot();
                if (current == null || (last != null && current.snapshotId() == last)) {
                    continue;
                }
                IcebergGenerics.ScanBuilder scan =
                        IcebergGenerics.read(orders)
                                .where(Expressions.startsWith("key", PROBE_KEY_PREFIX))
                                .select("key");
                scan =
                        last == null
                                ? scan.useSnapshot(current.snapshotId())
                                : scan.appendsBetween(last, current.snapshotId());
                try (CloseableIterable<Record> rows = scan.build()) {
                    for (Record row : rows) {
                        JsonNode orderId =
                                JSON.readTree((String) row.getField("key")).get("order_id");
                        long id = orderId == null ? 0 : orderId.asLong();
                        if (id >= PROBE_ORDER_BASE) {
                            long k = (id - PROBE_ORDER_BASE) / PROBE_ORDER_STEP;
                            inBronzeAt.putIfAbsent(k, current.timestampMillis());
                        }
                    }
                }
                last = current.snapshotId();
            }
        } catch (Exception e) {
            throw new IllegalStateException("watching bronze for the probes failed", e);
        }
    }

    // Far above the generator's ids and far apart: a generator that reads the shop again after a
    // failed transaction continues from the highest order id it finds, a probe's, and must not
    // reach the next probe's id
    private static final long PROBE_ORDER_BASE = 900_000_000_000L;
    private static final long PROBE_ORDER_STEP = 1_000_000L;
    private static final String PROBE_KEY_PREFIX = "{\"order_id\":9000";

    private static long probeOrderId(int k) {
        return PROBE_ORDER_BASE + k * PROBE_ORDER_STEP;
    }

    /** The gold topic as its consumers read it: records per key per hour, contract breaches. */
    private static void printTopic(LocalStack stack, long seconds, PrintStream out) {
        List<GoldTopicHistory.Entry> history =
                GoldTopicHistory.read(stack.kafkaBootstrapServers(), LocalStack.GOLD_TOPIC);
        long keys = history.stream().map(GoldTopicHistory.Entry::key).distinct().count();
        List<String> violations = stack.goldTopicViolations(history);
        out.printf(
                "TOPIC %d records for %d keys in %d s: %.1f records per key per hour; %d records"
                        + " repeat a version with another value, %d keys twice in one"
                        + " transaction%n",
                history.size(),
                keys,
                seconds,
                history.size() * 3600.0 / Math.max(1, keys) / Math.max(1, seconds),
                violations.stream().filter(v -> v.contains("with another value")).count(),
                violations.stream().filter(v -> v.contains("twice in transaction")).count());
    }

    /** What the background generator did so far. */
    record WorkloadStatsView(double transactionsPerSecond, long rowChanges, long seconds) {}
}
