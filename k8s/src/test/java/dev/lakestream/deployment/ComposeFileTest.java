package dev.lakestream.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.deployment.JobConfigs.Job;
import dev.lakestream.deployment.JobConfigs.Loaded;
import dev.lakestream.jobs.ingestion.IngestionConfig;
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

    static final String CONNECT_WORKER_TARGET = "/etc/kafka-connect/connect-distributed.properties";
    static final String SINK_TARGET = "/etc/lakestream/snowflake-sink.json";

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
                        "s3proxy",
                        "s3proxy-buckets",
                        "kafka",
                        "kafka-topics",
                        "jobmanager",
                        "taskmanager",
                        "flink-submit-ingestion",
                        "flink-submit-transformation",
                        "flink-submit-maintenance",
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
    void everyServiceRotatesItsLogs() {
        assertThat(ComposeRules.boundedLogs(compose)).isEmpty();

        service("workload").remove("logging");
        assertThat(ComposeRules.boundedLogs(compose))
                .containsExactly("workload logs without logging.options.max-size and max-file");
    }

    @Test
    void everyImageIsPinnedToAConcreteVersionOfAPublishedRepository() {
        assertThat(ComposeRules.pinnedImages(compose)).isEmpty();

        service("kafka").put("image", "apache/kafka:latest");
        service("kafka-topics").put("image", "apache/kafka:3");
        service("prometheus").put("image", "prom/prometheus:v3.5");
        service("s3proxy").put("image", "andrewgaul/s3proxy");
        service("s3proxy-buckets").put("image", "minio/mc:RELEASE.2025-04-16T18-13-26Z");
        service("grafana").put("image", "bitnami/grafana:12.1.1");
        service("connect-register-snowflake").put("image", "curlimages/curl:${CURL_TAG}");
        service("connect").remove("image");
        assertThat(ComposeRules.pinnedImages(compose))
                .containsExactlyInAnyOrder(
                        "kafka image apache/kafka:latest is not pinned to a fixed tag",
                        "kafka-topics image apache/kafka:3 is not pinned to a fixed tag: 3 floats"
                                + " over every release it prefixes",
                        "prometheus image prom/prometheus:v3.5 is not pinned to a fixed tag: 3.5"
                                + " floats over every release it prefixes",
                        "s3proxy image andrewgaul/s3proxy is not pinned to a fixed tag",
                        "s3proxy-buckets image minio/mc:RELEASE.2025-04-16T18-13-26Z comes from a"
                                + " discontinued repository: "
                                + ImageReferences.DISCONTINUED.get("minio/"),
                        "grafana image bitnami/grafana:12.1.1 comes from a discontinued"
                                + " repository: "
                                + ImageReferences.DISCONTINUED.get("bitnami/"),
                        "connect-register-snowflake image curlimages/curl:${CURL_TAG} is not"
                                + " pinned to a fixed tag (it names a variable)",
                        "connect has no image name with a tag");
    }

    @Test
    void imageReferencesAreReadWithRegistryTagAndDigest() {
        assertThat(ImageReferences.problem("postgres:16.6-bookworm")).isEmpty();
        assertThat(ImageReferences.problem("docker.io/library/postgres:16")).isPresent();
        assertThat(ImageReferences.problem("maven:3.9.11-eclipse-temurin-17")).isEmpty();
        assertThat(ImageReferences.problem("maven:3.9-eclipse-temurin-17")).isPresent();
        assertThat(ImageReferences.problem("andrewgaul/s3proxy:sha-e5c20b6")).isEmpty();
        assertThat(ImageReferences.problem("apache/kafka@sha256:" + "0".repeat(64))).isEmpty();
        assertThat(ImageReferences.problem("registry.example.com:5000/lakestream/x:1.2.3"))
                .isEmpty();
        assertThat(ImageReferences.problem("registry.example.com:5000/lakestream/x")).isPresent();
        assertThat(ImageReferences.problem("quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z"))
                .hasValueSatisfying(p -> assertThat(p).contains("discontinued"));
        assertThat(ImageReferences.problem("docker.io/bitnamilegacy/kafka:3.9.0"))
                .hasValueSatisfying(p -> assertThat(p).contains("discontinued"));
        assertThat(ImageReferences.repository("docker.io/library/flink:1.20.3-java17"))
                .isEqualTo("flink");
    }

    @Test
    void everyServiceRunsAsANonRootUserOrANamedException() {
        assertThat(ComposeRules.users(compose, Repo.ROOT)).isEmpty();
        assertThat(ComposeRules.ROOT_ALLOWED)
                .containsOnlyKeys("shop-db", "catalog-db", "s3proxy-buckets");
        assertThat(service("s3proxy")).containsEntry("user", "10001:10001");

        service("s3proxy").remove("user");
        service("kafka").put("user", "0");
        service("grafana").put("image", "grafana/grafana-oss:12.1.1");
        service("workload").put("user", "root:root");
        assertThat(ComposeRules.users(compose, Repo.ROOT))
                .containsExactlyInAnyOrder(
                        "s3proxy runs as root (the default) (andrewgaul/s3proxy:4.1.1): set a"
                                + " non-root user: or name the reason in ComposeRules.ROOT_ALLOWED",
                        "kafka runs as 0 (user:): set a non-root user: or name the reason in"
                                + " ComposeRules.ROOT_ALLOWED",
                        "grafana runs as root (the default) (grafana/grafana-oss:12.1.1): set a"
                                + " non-root user: or name the reason in ComposeRules.ROOT_ALLOWED",
                        "workload runs as root:root (user:): set a non-root user: or name the"
                                + " reason in ComposeRules.ROOT_ALLOWED");
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
                .containsKeys(
                        "POSTGRES_PASSWORD",
                        "S3_ACCESS_KEY",
                        "S3_SECRET_KEY",
                        "SNOWFLAKE_PRIVATE_KEY")
                .doesNotContainKeys("MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD");

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
            for (String job : List.of("ingestion", "transformation", "maintenance")) {
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
    void flinkAndEveryJobReachTheS3ProxyServiceWithItsKey() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> store = (Map<String, Object>) service("s3proxy").get("environment");
        String listen = String.valueOf(store.get("S3PROXY_ENDPOINT"));
        String endpoint = "http://s3proxy:" + listen.substring(listen.lastIndexOf(':') + 1);
        assertThat(service("s3proxy").get("ports").toString()).contains(":9000:9000");

        for (String node : List.of("jobmanager", "taskmanager")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> env = (Map<String, Object>) service(node).get("environment");
            String cluster = String.valueOf(env.get("FLINK_PROPERTIES"));
            assertThat(cluster)
                    .as(node)
                    .contains("s3.endpoint: " + endpoint + "\n")
                    .contains("s3.access-key: " + store.get("S3PROXY_IDENTITY") + "\n")
                    .contains("s3.secret-key: " + store.get("S3PROXY_CREDENTIAL") + "\n");
        }
        for (String job : List.of("ingestion", "transformation", "maintenance")) {
            Properties jobProperties = new Properties();
            jobProperties.load(
                    Files.newBufferedReader(
                            Repo.ROOT.resolve("deploy/compose/" + job + ".properties")));
            assertThat(jobProperties.getProperty("s3.endpoint")).as(job).isEqualTo(endpoint);
            @SuppressWarnings("unchecked")
            Map<String, Object> env =
                    (Map<String, Object>) service("flink-submit-" + job).get("environment");
            assertThat(env)
                    .as(job)
                    .containsEntry("LAKESTREAM_S3_ACCESS_KEY_ID", store.get("S3PROXY_IDENTITY"))
                    .containsEntry(
                            "LAKESTREAM_S3_SECRET_ACCESS_KEY", store.get("S3PROXY_CREDENTIAL"));
        }
    }

    @Test
    void jobConfigurationsPassTheJobsOwnValidators() {
        List<Loaded> validated = new ArrayList<>();

        assertThat(
                        ComposeRules.jobConfigurations(
                                compose, envExample, Repo.ROOT, scratch, validated))
                .isEmpty();
        assertThat(validated)
                .extracting(Loaded::job)
                .containsExactlyInAnyOrder(Job.INGESTION, Job.TRANSFORMATION, Job.MAINTENANCE);
        Loaded ingestion = loaded(validated, Job.INGESTION);
        assertThat(
                        DeploymentRules.ingestionSources(
                                "compose", (IngestionConfig) ingestion.config(), false))
                .isEmpty();
        assertThat(((IngestionConfig) ingestion.config()).rest())
                .as("the REST source is off until .env switches it on")
                .isEmpty();
        assertThat(loaded(validated, Job.TRANSFORMATION).transformation().reportingCurrency())
                .isEqualTo("EUR");
    }

    @Test
    void theExchangeRateApiSwitchedOnInEnvPassesTheValidatorWithItsToken() {
        Map<String, String> switchedOn = new LinkedHashMap<>(envExample);
        switchedOn.put("EXCHANGE_RATES_ENABLED", "true");
        switchedOn.put("EXCHANGE_RATES_URL", "https://rates.example.com/v1/rates");
        List<Loaded> validated = new ArrayList<>();

        assertThat(
                        ComposeRules.jobConfigurations(
                                compose, switchedOn, Repo.ROOT, scratch, validated))
                .isEmpty();
        assertThat(
                        DeploymentRules.ingestionSources(
                                "compose",
                                (IngestionConfig) loaded(validated, Job.INGESTION).config(),
                                true))
                .isEmpty();

        @SuppressWarnings("unchecked")
        Map<String, Object> env =
                (Map<String, Object>) service("flink-submit-ingestion").get("environment");
        env.remove("LAKESTREAM_SOURCE_REST_AUTH_TOKEN");
        assertThatThrownBy(
                        () ->
                                ComposeRules.jobConfigurations(
                                        compose, switchedOn, Repo.ROOT, scratch, new ArrayList<>()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("source.rest.auth.token")
                .hasMessageContaining("LAKESTREAM_SOURCE_REST_AUTH_TOKEN");
    }

    private static Loaded loaded(List<Loaded> validated, Job job) {
        return validated.stream().filter(l -> l.job() == job).findFirst().orElseThrow();
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

        // the job's own validator refuses it, so the build breaks, not the deployment
        assertThatThrownBy(
                        () ->
                                ComposeRules.jobConfigurations(
                                        compose, envExample, Repo.ROOT, scratch, new ArrayList<>()))
                .isInstanceOf(dev.lakestream.catalog.InvalidSettingException.class)
                .hasMessageContaining(
                        "LAKESTREAM_SOURCE_POSTGRES_PASWORD names no setting (did you mean"
                                + " LAKESTREAM_SOURCE_POSTGRES_PASSWORD?)");
    }

    /** connect/config holds the one worker and connector configuration; compose mounts it. */
    private Path connectMount(String service, String target) {
        Path file = ComposeRules.mountedFile(service(service), target, Repo.ROOT);
        assertThat(file).as(service + " mounts a file at " + target).isNotNull();
        return file;
    }

    @Test
    void composeMountsTheConnectConfigurationsEveryDeploymentUses() {
        assertThat(connectMount("connect", CONNECT_WORKER_TARGET))
                .isEqualTo(Repo.ROOT.resolve("connect/config/connect-distributed.properties"));
        assertThat(connectMount("connect-register-snowflake", SINK_TARGET))
                .isEqualTo(Repo.ROOT.resolve("connect/config/snowflake-sink.json"));
        assertThat(Repo.ROOT.resolve("deploy/compose/snowflake-sink.json")).doesNotExist();
        assertThat(Repo.ROOT.resolve("deploy/compose/connect-distributed.properties"))
                .doesNotExist();
    }

    @Test
    void theRegistrationScriptSendsTheConfigObjectOfTheCommittedConnectorFile() throws Exception {
        Path sinkFile = connectMount("connect-register-snowflake", SINK_TARGET);
        JsonNode sink = new ObjectMapper().readTree(Repo.read(sinkFile));
        ProcessBuilder print =
                new ProcessBuilder(
                                "sh",
                                Repo.ROOT
                                        .resolve("deploy/compose/register-snowflake-sink.sh")
                                        .toString(),
                                "--print")
                        .redirectErrorStream(true);
        print.environment().put("SNOWFLAKE_SINK_JSON", sinkFile.toString());
        print.environment().remove("SNOWFLAKE_URL");
        Process process = print.start();
        String output = new String(process.getInputStream().readAllBytes());

        assertThat(process.waitFor()).as(output).isZero();
        String requestLine = output.substring(0, output.indexOf('\n'));
        assertThat(requestLine)
                .isEqualTo("PUT /connectors/" + sink.path("name").asText() + "/config");
        assertThat(new ObjectMapper().readTree(output.substring(output.indexOf('\n') + 1)))
                .isEqualTo(sink.path("config"));
    }

    @Test
    void theSnowflakeSinkReadsCommittedGoldAndTakesSecretsFromTheWorkersEnvironment()
            throws Exception {
        JsonNode sink =
                new ObjectMapper()
                        .readTree(
                                Repo.read(connectMount("connect-register-snowflake", SINK_TARGET)))
                        .path("config");
        Properties worker = new Properties();
        worker.load(Files.newBufferedReader(connectMount("connect", CONNECT_WORKER_TARGET)));
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
        assertThat(worker.getProperty("config.providers").split(",")).contains("env");
        assertThat(worker.getProperty("connector.client.config.override.policy")).isEqualTo("All");
        // every ${env:VAR} of the connector and of the worker is in the worker's environment
        StringBuilder references = new StringBuilder(sink.toString());
        worker.values().forEach(v -> references.append(' ').append(v));
        Matcher refs = Pattern.compile("\\$\\{env:([A-Z_]+)}").matcher(references);
        int found = 0;
        while (refs.find()) {
            found++;
            assertThat(connectEnv)
                    .as("the connect worker's environment")
                    .containsKey(refs.group(1));
        }
        assertThat(found).isGreaterThan(1);
        assertThat(connectEnv).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
        assertThat(text)
                .contains("--topic " + transformation.getProperty("gold.kafka.topic") + " ")
                .contains(
                        "--topic " + sink.path("errors.deadletterqueue.topic.name").asText() + " ")
                .contains("cleanup.policy=compact");
    }
}
