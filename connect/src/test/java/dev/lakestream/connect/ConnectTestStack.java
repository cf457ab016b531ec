package dev.lakestream.connect;

import dev.lakestream.connect.cli.ConnectCli;
import dev.lakestream.embedded.ConnectWorker;
import dev.lakestream.embedded.KafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A real Kafka broker and a real Connect worker started from the committed {@code
 * config/connect-distributed.properties}, with the plugin folder the build assembled on its {@code
 * plugin.path}: what the integration tests of this module run against, once per class.
 */
record ConnectTestStack(KafkaBroker broker, ConnectWorker worker) implements AutoCloseable {

    /** {@link #start(ConnectWorker.Runtime, Path, Map, Map, Map)} on the broker's Kafka release. */
    static ConnectTestStack start(
            Path dir,
            Map<String, String> topics,
            Map<String, String> workerEnvironment,
            Map<String, String> workerOverrides) {
        return start(
                ConnectWorker.Runtime.KAFKA_3, dir, topics, workerEnvironment, workerOverrides);
    }

    /**
     * @param runtime the Kafka release of the worker; the broker is always the embedded one
     * @param workerEnvironment what the worker's {@code ${env:...}} references resolve to, besides
     *     {@code KAFKA_BOOTSTRAP_SERVERS}
     * @param workerOverrides worker settings replacing committed ones for the test
     */
    static ConnectTestStack start(
            ConnectWorker.Runtime runtime,
            Path dir,
            Map<String, String> topics,
            Map<String, String> workerEnvironment,
            Map<String, String> workerOverrides) {
        KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"), 0);
        try {
            topics.forEach(
                    (topic, cleanupPolicy) ->
                            broker.createTopic(topic, 1, Map.of("cleanup.policy", cleanupPolicy)));
            Properties committed = new Properties();
            try (var in = Files.newInputStream(Path.of("config/connect-distributed.properties"))) {
                committed.load(in);
            }
            Map<String, String> workerConfig = new HashMap<>();
            committed.forEach((k, v) -> workerConfig.put((String) k, (String) v));
            workerConfig.put("plugin.path", System.getProperty("lakestream.connect.plugin-path"));
            workerConfig.putAll(workerOverrides);
            Map<String, String> env = new HashMap<>(workerEnvironment);
            env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
            return new ConnectTestStack(
                    broker,
                    ConnectWorker.start(runtime, dir.resolve("connect"), workerConfig, env));
        } catch (IOException e) {
            broker.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** What a CLI run printed and returned. */
    record Cli(int exit, String out, String err) {}

    /** Runs the ConnectCli against this worker and broker, with {@code env} added. */
    Cli cli(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> cliEnv = new HashMap<>(env);
        cliEnv.put("CONNECT_URL", worker.restUri().toString());
        cliEnv.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        int exit =
                ConnectCli.run(
                        args,
                        cliEnv,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(
                exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A producer writing in Kafka transactions, as the gold sink does. */
    KafkaProducer<String, String> transactionalProducer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "lakestream-test-" + UUID.randomUUID());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        KafkaProducer<String, String> producer = new KafkaProducer<>(config);
        producer.initTransactions();
        return producer;
    }

    @Override
    public void close() {
        worker.close();
        broker.close();
    }
}
