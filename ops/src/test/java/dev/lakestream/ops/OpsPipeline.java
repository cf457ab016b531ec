package dev.lakestream.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.embedded.KafkaBroker;
import dev.lakestream.jobs.config.JobSettings;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.jobs.ingestion.IngestionJob;
import dev.lakestream.jobs.ingestion.IngestionTestStack;
import dev.lakestream.jobs.transformation.TransformationConfig;
import dev.lakestream.jobs.transformation.TransformationJob;
import dev.lakestream.verification.gold.GoldReconciliation;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.catalog.Catalog;

/**
 * Both jobs on real embedded services (PostgreSQL, S3Proxy, a JDBC Iceberg catalog, a Kafka broker,
 * a Flink MiniCluster), one shop database and one gold topic: what the ops commands' tests run
 * against. The TransformationJob's settings are the ones an operator's {@code --config} file would
 * hold ({@link #configFile}), its secrets the environment's ({@link #secretsEnvironment}).
 */
public final class OpsPipeline implements AutoCloseable {

    public final IngestionTestStack stack;
    public final KafkaBroker kafka;
    public final String db;
    public final String topic;
    private Map<String, String> transformationSettings;
    private IngestionConfig ingestion;
    private TransformationConfig transformation;
    private JobID ingest;
    private JobID transform;

    private OpsPipeline(IngestionTestStack stack, KafkaBroker kafka, String db) {
        this.stack = stack;
        this.kafka = kafka;
        this.db = db;
        this.topic = "gold_" + db;
    }

    /** The services; the shop is seeded ({@code stack.seedShop}) and the jobs started after. */
    public static OpsPipeline start(String db) throws Exception {
        IngestionTestStack stack = IngestionTestStack.start();
        return new OpsPipeline(stack, KafkaBroker.start(stack.workDir.resolve("kafka"), 0), db);
    }

    /**
     * Creates the compacted gold topic and starts the IngestionJob, then the TransformationJob with
     * {@code overrides} over the harness's settings.
     */
    public void startJobs(Map<String, String> overrides) throws Exception {
        kafka.createTopic(topic, 2, Map.of("cleanup.policy", "compact"));
        ingestion = IngestionConfig.fromMap(stack.settings(db));
        StreamExecutionEnvironment ingestionEnv = stack.environment(ingestion);
        IngestionJob.prepare(ingestionEnv, ingestion);
        ingest = stack.flink.submit(ingestionEnv, ingestion.jobName(), Optional.empty());

        Map<String, String> s = new HashMap<>();
        stack.settings(db)
                .forEach(
                        (k, v) -> {
                            if (!k.startsWith("source.")) {
                                s.put(k, v);
                            }
                        });
        s.put(
                "execution.checkpointing.dir",
                stack.workDir.resolve("checkpoints-transformation").toUri().toString());
        s.put("bronze.monitor-interval", "1s");
        s.put("gold.kafka.bootstrap-servers", kafka.bootstrapServers());
        s.put("gold.kafka.topic", topic);
        s.put("gold.kafka.transactional-id-prefix", "it-" + db);
        s.putAll(overrides);
        transformationSettings = Map.copyOf(s);
        transformation = TransformationConfig.fromMap(s);
        StreamExecutionEnvironment env =
                new StreamExecutionEnvironment(transformation.flinkConfiguration());
        TransformationJob.prepare(env, transformation);
        transform = stack.flink.submit(env, transformation.jobName(), Optional.empty());
    }

    public IngestionConfig ingestion() {
        return ingestion;
    }

    public TransformationConfig transformation() {
        return transformation;
    }

    public JobID ingest() {
        return ingest;
    }

    public JobID transform() {
        return transform;
    }

    /** A catalog client on the jobs' catalog. */
    public Catalog catalog() {
        return stack.catalog(ingestion);
    }

    /** The context a command gets from {@code ./lakestream --config ... --source-config ...}. */
    public OpsContext context(java.io.PrintStream out) {
        return new OpsContext(transformation, Optional.of(ingestion), out);
    }

    /** Waits until gold on Kafka equals the SQL oracle over the shop, both jobs running. */
    public void awaitGoldEqualsPostgres(Duration timeout) throws Exception {
        Map<String, String> expected;
        try (Connection c = stack.postgres.connect(db)) {
            expected = GoldReconciliation.fromPostgres(c, "EUR");
        }
        await().atMost(timeout)
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(ingest);
                            stack.assertRunning(transform);
                            assertThat(
                                            GoldReconciliation.fromKafka(
                                                    kafka.bootstrapServers(), topic))
                                    .isEqualTo(expected);
                        });
    }

    /**
     * The TransformationJob's settings as the {@code --config} file an operator gives: everything
     * but the secrets, which the jobs refuse in files ({@link #secretsEnvironment}).
     */
    public Path configFile() throws Exception {
        return file("transformation", transformationSettings);
    }

    /** The IngestionJob's settings as the {@code --source-config} file, secrets left out. */
    public Path sourceConfigFile() throws Exception {
        return file("ingestion", stack.settings(db));
    }

    /** The secrets of both files, as the environment variables the jobs read them from. */
    public Map<String, String> secretsEnvironment() {
        Map<String, String> env = new HashMap<>();
        Map<String, String> all = new HashMap<>(stack.settings(db));
        all.putAll(transformationSettings);
        all.forEach(
                (k, v) -> {
                    if (secret(k)) {
                        env.put(JobSettings.envName(k), v);
                    }
                });
        return Map.copyOf(env);
    }

    private static boolean secret(String key) {
        return TransformationConfig.secretKeys().contains(key)
                || IngestionConfig.secretKeys().contains(key);
    }

    private Path file(String name, Map<String, String> settings) throws Exception {
        Properties p = new Properties();
        settings.forEach(
                (k, v) -> {
                    if (!secret(k)) {
                        p.setProperty(k, v);
                    }
                });
        Path file = Files.createTempFile(stack.workDir, name, ".properties");
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, null);
        }
        return file;
    }

    @Override
    public void close() throws Exception {
        kafka.close();
        stack.close();
    }
}
