package dev.lakestream.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.deployment.JobConfigs.Job;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docker-compose.yml follows {@link ComposeRules}; each rule is also broken on purpose. */
class ComposeFileTest {

    @TempDir Path scratch;

    private final String text = Repo.read(Repo.COMPOSE_FILE);
    private final Map<String, Object> compose = ComposeRules.parse(text);
    private final Map<String, String> envExample =
            ComposeRules.envFile(Repo.read(Repo.ENV_EXAMPLE));
    private final String readme = Repo.read(Repo.README);

    private Map<String, Object> service(String name) {
        return ComposeRules.services(compose).get(name);
    }

    @Test
    void runsTheWholePipeline() {
        assertThat(ComposeRules.services(compose))
                .containsKeys(
                        "shop-db",
                        "catalog-db",
                        "minio",
                        "minio-buckets",
                        "kafka",
                        "kafka-topics",
                        "jobmanager",
                        "taskmanager",
                        "flink-submit-ingestion",
                        "flink-submit-transformation",
                        "connect",
                        "connect-register-snowflake",
                        "workload-init",
                        "workload");
        assertThat(String.valueOf(service("shop-db").get("command"))).contains("wal_level=logical");
    }

    @Test
    void everyLongRunningServiceHasAHealthCheck() {
        assertThat(ComposeRules.healthChecks(compose)).isEmpty();

        service("kafka").remove("healthcheck");
        assertThat(ComposeRules.healthChecks(compose))
                .containsExactly("kafka runs until stopped but has no health check");
    }

    @Test
    void everyImageIsPinned() {
        assertThat(ComposeRules.pinnedImages(compose)).isEmpty();

        service("kafka").put("image", "apache/kafka:latest");
        service("minio").put("image", "minio/minio");
        service("connect").remove("image");
        assertThat(ComposeRules.pinnedImages(compose))
                .containsExactlyInAnyOrder(
                        "kafka image apache/kafka:latest is not pinned to a fixed tag",
                        "minio image minio/minio is not pinned to a fixed tag",
                        "connect has no image name with a tag");
    }

    @Test
    void dependenciesWaitForTheRightCondition() {
        assertThat(ComposeRules.dependencies(compose)).isEmpty();

        service("workload").put("depends_on", List.of("shop-db"));
        service("connect")
                .put("depends_on", Map.of("kafka-topics", Map.of("condition", "service_healthy")));
        assertThat(ComposeRules.dependencies(compose))
                .containsExactlyInAnyOrder(
                        "workload depends_on must name a condition for each service",
                        "connect waits for kafka-topics with service_healthy, but it is a one-shot"
                                + " job: service_completed_successfully");
    }

    @Test
    void everyPortAndVolumeIsDocumentedAndEveryMountedFileExists() {
        assertThat(ComposeRules.portsAndVolumes(compose, readme, Repo.ROOT)).isEmpty();

        service("jobmanager").put("ports", List.of("127.0.0.1:8081:8081", "0.0.0.0:9249:9249"));
        service("shop-db")
                .put(
                        "volumes",
                        List.of("./shop/schema-moved.sql:/docker-entrypoint-initdb.d/10.sql"));
        assertThat(ComposeRules.portsAndVolumes(compose, readme, Repo.ROOT))
                .containsExactlyInAnyOrder(
                        "jobmanager publishes 0.0.0.0:9249:9249 beyond 127.0.0.1",
                        "jobmanager publishes port 9249 that its README row does not mention",
                        "shop-db mounts ./shop/schema-moved.sql, which does not exist",
                        "shop-db mounts ./shop/schema-moved.sql that its README row does not mention");
    }

    @Test
    void envExampleCoversEveryVariableAndHoldsNoSecret() {
        assertThat(ComposeRules.environment(text, compose, envExample)).isEmpty();
        assertThat(envExample)
                .containsKeys("POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD", "SNOWFLAKE_PRIVATE_KEY");

        Map<String, String> leaky = new LinkedHashMap<>(envExample);
        leaky.put("POSTGRES_PASSWORD", "postgres");
        leaky.remove("WORKLOAD_RATE");
        service("catalog-db").put("environment", Map.of("POSTGRES_PASSWORD", "postgres"));
        assertThat(ComposeRules.environment(text, compose, leaky))
                .containsExactlyInAnyOrder(
                        "${WORKLOAD_RATE} is used but not listed in .env.example",
                        ".env.example gives the secret POSTGRES_PASSWORD a value",
                        "catalog-db writes the secret POSTGRES_PASSWORD into the compose file");
    }

    @Test
    void theFlinkClusterCheckpointsIncrementallyToS3AndExportsMetrics() throws Exception {
        for (String node : List.of("jobmanager", "taskmanager")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> env = (Map<String, Object>) service(node).get("environment");
            Map<String, String> cluster = new LinkedHashMap<>();
            for (String line : String.valueOf(env.get("FLINK_PROPERTIES")).split("\n")) {
                if (line.contains(": ")) {
                    cluster.put(
                            line.substring(0, line.indexOf(": ")).strip(),
                            line.substring(line.indexOf(": ") + 2).strip());
                }
            }
            for (String job : List.of("ingestion", "transformation")) {
                Properties jobProperties = new Properties();
                jobProperties.load(
                        Files.newBufferedReader(
                                Repo.ROOT.resolve("deploy/compose/" + job + ".properties")));
                Map<String, String> merged = new LinkedHashMap<>(cluster);
                jobProperties
                        .stringPropertyNames()
                        .forEach(k -> merged.put(k, jobProperties.getProperty(k)));
                Configuration flink = Configuration.fromMap(merged);

                assertThat(flink.get(StateBackendOptions.STATE_BACKEND))
                        .as(node + "/" + job)
                        .isEqualTo("rocksdb");
                assertThat(flink.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS))
                        .as(node + "/" + job)
                        .isTrue();
                assertThat(flink.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                        .as(node + "/" + job)
                        .startsWith("s3://lakestream/");
                assertThat(flink.get(CheckpointingOptions.SAVEPOINT_DIRECTORY))
                        .as(node + "/" + job)
                        .startsWith("s3://lakestream/");
                assertThat(merged)
                        .containsEntry(
                                "metrics.reporter.prom.factory.class",
                                DeploymentRules.PROMETHEUS_REPORTER);
            }
        }
    }

    @Test
    void jobConfigurationsPassTheJobsOwnValidators() {
        List<Job> validated = new ArrayList<>();

        assertThat(
                        ComposeRules.jobConfigurations(
                                compose, envExample, Repo.ROOT, scratch, validated))
                .isEmpty();
        assertThat(validated).containsExactlyInAnyOrder(Job.INGESTION, Job.TRANSFORMATION);
    }

    @Test
    void aMisspeltKeyInAComposeJobConfigurationStopsTheBuild() throws Exception {
        Path broken = scratch.resolve("transformation.properties");
        Files.writeString(
                broken,
                Repo.read(Repo.ROOT.resolve("deploy/compose/transformation.properties"))
                        .replace("gold.kafka.topic=", "gold.kafka.topc="));
        service("flink-submit-transformation")
                .put(
                        "volumes",
                        List.of(broken + ":/opt/lakestream/config/transformation.properties:ro"));

        assertThatThrownBy(
                        () ->
                                ComposeRules.jobConfigurations(
                                        compose, envExample, Repo.ROOT, scratch, new ArrayList<>()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("gold.kafka.topc")
                .hasMessageContaining("did you mean gold.kafka.topic");
    }

    @Test
    void aMisspeltSecretVariableOfAComposeJobIsReported() {
        @SuppressWarnings("unchecked")
        Map<String, Object> env =
                (Map<String, Object>) service("flink-submit-ingestion").get("environment");
        env.put(
                "LAKESTREAM_SOURCE_POSTGRES_PASWORD",
                env.remove("LAKESTREAM_SOURCE_POSTGRES_PASSWORD"));

        assertThat(
                        ComposeRules.jobConfigurations(
                                compose, envExample, Repo.ROOT, scratch, new ArrayList<>()))
                .containsExactly(
                        "flink-submit-ingestion: LAKESTREAM_SOURCE_POSTGRES_PASWORD is read by no"
                                + " lakestream job (renamed or misspelt?)");
    }

    @Test
    void theSnowflakeSinkReadsCommittedGoldAndTakesSecretsFromTheWorkersEnvironment()
            throws Exception {
        JsonNode sink =
                new ObjectMapper()
                        .readTree(
                                Repo.read(Repo.ROOT.resolve("deploy/compose/snowflake-sink.json")));
        Properties worker = new Properties();
        worker.load(
                Files.newBufferedReader(
                        Repo.ROOT.resolve("deploy/compose/connect-distributed.properties")));
        Properties transformation = new Properties();
        transformation.load(
                Files.newBufferedReader(
                        Repo.ROOT.resolve("deploy/compose/transformation.properties")));
        @SuppressWarnings("unchecked")
        Map<String, Object> connectEnv =
                (Map<String, Object>) service("connect").get("environment");

        assertThat(sink.path("connector.class").asText())
                .isEqualTo(DeploymentRules.SNOWFLAKE_CONNECTOR);
        assertThat(sink.path("topics").asText())
                .isEqualTo(transformation.getProperty("gold.kafka.topic"));
        assertThat(sink.path("consumer.override.isolation.level").asText())
                .isEqualTo("read_committed");
        assertThat(sink.path("snowflake.ingestion.method").asText())
                .isEqualTo("SNOWPIPE_STREAMING");
        assertThat(sink.path("errors.tolerance").asText()).isEqualTo("all");
        assertThat(sink.path("snowflake.private.key").asText()).startsWith("${env:");
        assertThat(worker.getProperty("config.providers")).isEqualTo("env");
        assertThat(worker.getProperty("connector.client.config.override.policy")).isEqualTo("All");
        Matcher refs = Pattern.compile("\\$\\{env:([A-Z_]+)}").matcher(sink.toString());
        while (refs.find()) {
            assertThat(connectEnv)
                    .as("the connect worker's environment")
                    .containsKey(refs.group(1));
        }
        assertThat(text)
                .contains("--topic " + transformation.getProperty("gold.kafka.topic") + " ")
                .contains("cleanup.policy=compact");
    }
}
