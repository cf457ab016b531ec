package dev.lakestream.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakestream.deployment.JobConfigs.Job;
import dev.lakestream.deployment.JobConfigs.Loaded;
import dev.lakestream.deployment.Kustomize.Rendered;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.jobs.source.files.FileSourceSettings;
import dev.lakestream.jobs.source.rest.RestSourceSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.strimzi.api.kafka.model.common.template.AdditionalVolume;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connect.build.DockerOutput;
import io.strimzi.api.kafka.model.connect.build.DownloadableArtifact;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkDeploymentSpec;
import org.apache.flink.kubernetes.operator.api.spec.FlinkVersion;
import org.apache.flink.kubernetes.operator.api.spec.JobSpec;
import org.apache.flink.kubernetes.operator.api.spec.Resource;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;

/**
 * What lakestream requires of its rendered manifests beyond their schema. Each rule returns the
 * problems it finds, so that tests can show a broken manifest produces one.
 */
final class DeploymentRules {

    /** Where the Flink image keeps the job jar (flink-jobs/Dockerfile). */
    static final String JAR_URI = "local:///opt/flink/usrlib/lakestream-flink-jobs.jar";

    static final String MAIN_CONTAINER = "flink-main-container";
    static final String PROMETHEUS_REPORTER =
            "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
    static final String SNOWFLAKE_CONNECTOR =
            "com.snowflake.kafka.connector.SnowflakeSinkConnector";

    private DeploymentRules() {}

    /** A FlinkDeployment runs a lakestream job the way the operator can upgrade and recover. */
    static List<String> flinkDeployment(FlinkDeployment deployment) {
        List<String> problems = new ArrayList<>();
        String name = deployment.getMetadata().getName();
        FlinkDeploymentSpec spec = deployment.getSpec();
        JobSpec job = spec.getJob();
        require(problems, spec.getFlinkVersion() == FlinkVersion.v1_20, name, "flinkVersion v1_20");
        require(problems, job != null, name, "a job");
        if (job == null) {
            return problems;
        }
        require(
                problems,
                job.getUpgradeMode() == UpgradeMode.SAVEPOINT,
                name,
                "upgradeMode savepoint");
        require(problems, JAR_URI.equals(job.getJarURI()), name, "jarURI " + JAR_URI);
        require(problems, job.getParallelism() > 0, name, "a job parallelism");
        require(problems, notBlank(spec.getImage()), name, "an image");
        require(problems, notBlank(spec.getServiceAccount()), name, "a serviceAccount");
        Configuration flink =
                Configuration.fromMap(
                        Objects.requireNonNullElse(spec.getFlinkConfiguration(), Map.of()));
        require(
                problems,
                "kubernetes".equals(flink.get(HighAvailabilityOptions.HA_MODE)),
                name,
                "Kubernetes HA (high-availability.type: kubernetes)");
        require(
                problems,
                onS3(flink.get(HighAvailabilityOptions.HA_STORAGE_PATH)),
                name,
                "high-availability.storageDir on s3://");
        require(
                problems,
                onS3(flink.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)),
                name,
                "checkpoints on s3://");
        require(
                problems,
                onS3(flink.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)),
                name,
                "savepoints on s3://");
        require(
                problems,
                "rocksdb".equals(flink.get(StateBackendOptions.STATE_BACKEND)),
                name,
                "the RocksDB state backend");
        require(
                problems,
                flink.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS),
                name,
                "incremental checkpoints");
        require(
                problems,
                PROMETHEUS_REPORTER.equals(
                        flink.toMap().get("metrics.reporter.prom.factory.class")),
                name,
                "the Prometheus metrics reporter");
        require(
                problems,
                hasResources(
                        spec.getJobManager() == null ? null : spec.getJobManager().getResource()),
                name,
                "JobManager memory and cpu");
        require(
                problems,
                hasResources(
                        spec.getTaskManager() == null ? null : spec.getTaskManager().getResource()),
                name,
                "TaskManager memory and cpu");
        Container main = mainContainer(deployment);
        require(problems, main != null, name, "a pod template with container " + MAIN_CONTAINER);
        if (main != null) {
            String port = flink.toMap().get("metrics.reporter.prom.port");
            require(
                    problems,
                    main.getPorts().stream()
                            .anyMatch(p -> String.valueOf(p.getContainerPort()).equals(port)),
                    name,
                    "the metrics port " + port + " declared on " + MAIN_CONTAINER);
        }
        return problems;
    }

    /**
     * The job configuration a FlinkDeployment hands its job (mounted file plus environment) passes
     * the job's own validator; returns what it made of it. Problems are added to {@code problems}.
     */
    static Loaded jobConfiguration(
            Rendered rendered,
            FlinkDeployment deployment,
            Map<String, Secret> secretTemplates,
            Path scratch,
            List<String> problems) {
        String name = deployment.getMetadata().getName();
        JobSpec job = deployment.getSpec().getJob();
        Job kind = Job.byEntryClass(job.getEntryClass());
        List<String> args = List.of(Objects.requireNonNullElse(job.getArgs(), new String[0]));
        int at = args.indexOf("--config");
        if (at < 0 || at + 1 >= args.size()) {
            throw new AssertionError(name + ": job args have no --config <file>: " + args);
        }
        Path configPath = Path.of(args.get(at + 1));
        Container main = mainContainer(deployment);
        if (main == null) {
            throw new AssertionError(name + ": no container " + MAIN_CONTAINER);
        }
        List<Volume> volumes = deployment.getSpec().getPodTemplate().getSpec().getVolumes();
        VolumeMount configMount =
                main.getVolumeMounts().stream()
                        .filter(m -> configPath.getParent().equals(Path.of(m.getMountPath())))
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new AssertionError(
                                                name
                                                        + ": nothing is mounted at "
                                                        + configPath.getParent()));
        Volume configVolume = volume(volumes, configMount.getName(), name);
        if (configVolume.getConfigMap() == null) {
            throw new AssertionError(name + ": " + configPath + " is not mounted from a ConfigMap");
        }
        ConfigMap configMap = rendered.get(ConfigMap.class, configVolume.getConfigMap().getName());
        String content = configMap.getData().get(configPath.getFileName().toString());
        if (content == null) {
            throw new AssertionError(
                    name
                            + ": ConfigMap "
                            + configMap.getMetadata().getName()
                            + " has no key "
                            + configPath.getFileName());
        }
        Path file = write(scratch, name + ".properties", content);

        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : main.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                env.putAll(
                        rendered.get(ConfigMap.class, from.getConfigMapRef().getName()).getData());
            }
            if (from.getSecretRef() != null) {
                Secret template = secretTemplates.get(from.getSecretRef().getName());
                if (template == null) {
                    problems.add(
                            name
                                    + ": envFrom Secret "
                                    + from.getSecretRef().getName()
                                    + " has no template in k8s/secrets");
                } else {
                    template.getStringData().keySet().forEach(k -> env.put(k, "fake"));
                }
            }
        }
        for (EnvVar var : main.getEnv()) {
            env.put(var.getName(), var.getValue());
            if (var.getName().endsWith("_FILE")) {
                boolean fromSecret =
                        main.getVolumeMounts().stream()
                                .filter(m -> var.getValue().startsWith(m.getMountPath() + "/"))
                                .map(m -> volume(volumes, m.getName(), name))
                                .anyMatch(
                                        v ->
                                                v.getSecret() != null
                                                        && (secretTemplates.containsKey(
                                                                        v.getSecret()
                                                                                .getSecretName())
                                                                || writtenByStrimzi(
                                                                        rendered,
                                                                        v.getSecret()
                                                                                .getSecretName())));
                require(
                        problems,
                        fromSecret,
                        name,
                        var.getName()
                                + " pointing into a mounted Secret that has a template (or that"
                                + " Strimzi writes for a KafkaUser)");
            }
        }
        Loaded loaded = JobConfigs.load(kind, file, env, scratch);
        JobConfigs.problems(kind, file, loaded, env.keySet())
                .forEach(p -> problems.add(name + ": " + p));
        return loaded;
    }

    /** A Secret Strimzi's user operator writes: the one named as a KafkaUser of the render. */
    private static boolean writtenByStrimzi(Kustomize.Rendered rendered, String secret) {
        return rendered.all(io.strimzi.api.kafka.model.user.KafkaUser.class).stream()
                .anyMatch(u -> u.getMetadata().getName().equals(secret));
    }

    /**
     * Kafka Connect, the Snowflake connector and the gold topic fit together and with the
     * TransformationJob's configuration.
     */
    static List<String> kafka(
            Rendered rendered, String goldTopic, Map<String, Secret> secretTemplates) {
        List<String> problems = new ArrayList<>();
        List<KafkaTopic> topics = rendered.all(KafkaTopic.class);
        KafkaTopic gold =
                topics.stream()
                        .filter(t -> goldTopic.equals(topicName(t)))
                        .findFirst()
                        .orElse(null);
        require(
                problems,
                gold != null,
                rendered.source(),
                "a KafkaTopic for the gold topic " + goldTopic);
        if (gold != null) {
            require(
                    problems,
                    "compact"
                            .equals(
                                    String.valueOf(
                                            gold.getSpec().getConfig().get("cleanup.policy"))),
                    goldTopic,
                    "cleanup.policy compact");
        }
        for (KafkaConnector connector : rendered.all(KafkaConnector.class)) {
            String name = connector.getMetadata().getName();
            Map<String, Object> config = connector.getSpec().getConfig();
            String cluster = connector.getMetadata().getLabels().get("strimzi.io/cluster");
            KafkaConnect connect =
                    rendered.find(KafkaConnect.class, String.valueOf(cluster)).orElse(null);
            require(
                    problems,
                    connect != null,
                    name,
                    "label strimzi.io/cluster naming a rendered KafkaConnect");
            if (!SNOWFLAKE_CONNECTOR.equals(connector.getSpec().getClassName())) {
                continue;
            }
            require(
                    problems,
                    goldTopic.equals(String.valueOf(config.get("topics"))),
                    name,
                    "topics = " + goldTopic);
            require(
                    problems,
                    "read_committed"
                            .equals(
                                    String.valueOf(
                                            config.get("consumer.override.isolation.level"))),
                    name,
                    "consumer.override.isolation.level read_committed");
            require(
                    problems,
                    "SNOWPIPE_STREAMING"
                            .equals(String.valueOf(config.get("snowflake.ingestion.method"))),
                    name,
                    "snowflake.ingestion.method SNOWPIPE_STREAMING");
            require(
                    problems,
                    "all".equals(String.valueOf(config.get("errors.tolerance"))),
                    name,
                    "errors.tolerance all");
            Object dlq = config.get("errors.deadletterqueue.topic.name");
            require(
                    problems,
                    topics.stream().anyMatch(t -> String.valueOf(dlq).equals(topicName(t))),
                    name,
                    "a KafkaTopic for its dead letter queue " + dlq);
            if (connect == null) {
                continue;
            }
            Object policy =
                    connect.getSpec().getConfig().get("connector.client.config.override.policy");
            require(
                    problems,
                    "All".equals(String.valueOf(policy)),
                    name,
                    "its Connect cluster to allow consumer.override.* (connector.client.config.override.policy All)");
            require(
                    problems,
                    "true"
                            .equals(
                                    connect.getMetadata()
                                            .getAnnotations()
                                            .get("strimzi.io/use-connector-resources")),
                    name,
                    "its Connect cluster to use KafkaConnector resources");
            problems.addAll(providedSecrets(connect, config, secretTemplates));
        }
        for (KafkaTopic topic : topics) {
            require(
                    problems,
                    topic.getMetadata().getLabels() != null
                            && notBlank(topic.getMetadata().getLabels().get("strimzi.io/cluster")),
                    topic.getMetadata().getName(),
                    "label strimzi.io/cluster naming its Kafka cluster");
        }
        for (KafkaConnect connect : rendered.all(KafkaConnect.class)) {
            String name = connect.getMetadata().getName();
            var spec = connect.getSpec();
            // required by kafka.strimzi.io/v1 (the models do not check required fields)
            for (String required :
                    new String[] {
                        spec.getBootstrapServers(),
                        spec.getGroupId(),
                        spec.getConfigStorageTopic(),
                        spec.getOffsetStorageTopic(),
                        spec.getStatusStorageTopic()
                    }) {
                require(
                        problems,
                        notBlank(required),
                        name,
                        "bootstrapServers, groupId and the config, offset and status storage topics (required by kafka.strimzi.io/v1)");
            }
            var build = connect.getSpec().getBuild();
            require(problems, build != null, name, "a build of the Snowflake plugin");
            if (build != null) {
                boolean fromCentral =
                        build.getPlugins().stream()
                                .flatMap(p -> p.getArtifacts().stream())
                                .filter(DownloadableArtifact.class::isInstance)
                                .map(DownloadableArtifact.class::cast)
                                .anyMatch(
                                        a ->
                                                a.getUrl()
                                                                .startsWith(
                                                                        "https://repo1.maven.org/maven2/com/snowflake/snowflake-kafka-connector/")
                                                        && notBlank(a.getSha512sum()));
                require(
                        problems,
                        fromCentral,
                        name,
                        "the Snowflake connector from Maven Central with its sha512sum");
                if (build.getOutput() instanceof DockerOutput docker
                        && docker.getPushSecret() != null) {
                    require(
                            problems,
                            secretTemplates.containsKey(docker.getPushSecret()),
                            name,
                            "a template for its push Secret " + docker.getPushSecret());
                }
            }
        }
        return problems;
    }

    private static final Pattern DIRECTORY_REF =
            Pattern.compile("\\$\\{directory:([^:}]+):([^}]+)}");

    private static final Pattern ENV_REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

    /**
     * Keys of connect/config/snowflake-sink.json that a Strimzi KafkaConnector carries as fields of
     * its own: {@code name} is metadata.name, {@code connector.class} is spec.class, {@code
     * tasks.max} is spec.tasksMax (sized per overlay). Strimzi refuses them inside spec.config.
     */
    static final Set<String> STRIMZI_FIELDS = Set.of("connector.class", "tasks.max");

    /**
     * Values the KafkaConnector sets differently on purpose: the dead letter topic is a KafkaTopic
     * there, so the broker's default replication (-1) replaces the single local broker's 1.
     */
    static final Map<String, String> STRIMZI_VALUES =
            Map.of("errors.deadletterqueue.topic.replication.factor", "-1");

    /**
     * The KafkaConnector is connect/config/snowflake-sink.json in Strimzi's form: the same keys and
     * values, except {@link #STRIMZI_FIELDS}, {@link #STRIMZI_VALUES} and the {@code ${env:VAR}}
     * references, which become {@code ${directory:...}} references or, for names that are no
     * secret, the value .env.example gives VAR.
     */
    static List<String> snowflakeSinkMatches(
            KafkaConnector connector, JsonNode committed, Map<String, String> envExample) {
        List<String> problems = new ArrayList<>();
        String name = connector.getMetadata().getName();
        JsonNode expected = committed.path("config");
        require(
                problems,
                name.equals(committed.path("name").asText()),
                name,
                "metadata.name " + committed.path("name").asText());
        require(
                problems,
                expected.path("connector.class")
                        .asText()
                        .equals(connector.getSpec().getClassName()),
                name,
                "spec.class " + expected.path("connector.class").asText());
        require(
                problems,
                connector.getSpec().getTasksMax() != null && connector.getSpec().getTasksMax() > 0,
                name,
                "spec.tasksMax");
        Map<String, Object> config =
                Objects.requireNonNullElse(connector.getSpec().getConfig(), Map.of());
        Set<String> expectedKeys = new TreeSet<>();
        expected.fieldNames().forEachRemaining(expectedKeys::add);
        for (String key : expectedKeys) {
            String want = expected.path(key).asText();
            Object got = config.get(key);
            if (STRIMZI_FIELDS.contains(key)) {
                require(problems, got == null, name, key + " as a spec field, not in spec.config");
                continue;
            }
            if (got == null) {
                problems.add(name + " lacks " + key + " of connect/config/snowflake-sink.json");
                continue;
            }
            String value = String.valueOf(got);
            Matcher env = ENV_REF.matcher(want);
            if (STRIMZI_VALUES.containsKey(key)) {
                want = STRIMZI_VALUES.get(key);
            } else if (env.matches()) {
                String given = envExample.getOrDefault(env.group(1), "");
                require(
                        problems,
                        DIRECTORY_REF.matcher(value).matches()
                                || (!given.isEmpty() && given.equals(value)),
                        name,
                        key
                                + " from a ${directory:...} reference or as .env.example's "
                                + env.group(1)
                                + " ("
                                + (given.isEmpty() ? "empty there" : given)
                                + "), not "
                                + value);
                continue;
            }
            require(
                    problems,
                    want.equals(value),
                    name,
                    key
                            + " = "
                            + want
                            + (STRIMZI_VALUES.containsKey(key)
                                    ? " (its documented Strimzi value)"
                                    : " as in connect/config/snowflake-sink.json")
                            + ", not "
                            + value);
        }
        for (String key : new TreeSet<>(config.keySet())) {
            require(
                    problems,
                    expectedKeys.contains(key),
                    name,
                    "no " + key + ": connect/config/snowflake-sink.json has no such key");
        }
        return problems;
    }

    /**
     * The IngestionJob reads the landing folder under landing/ of the lake bucket (the warehouse's
     * bucket) and, if {@code restRequired}, polls an https exchange-rate API with a bearer token.
     */
    static List<String> ingestionSources(
            String where, IngestionConfig config, boolean restRequired) {
        List<String> problems = new ArrayList<>();
        FileSourceSettings files = config.files().orElse(null);
        require(problems, files != null, where, "the landing-folder file source (source.files.*)");
        if (files != null) {
            String warehouse =
                    String.valueOf(config.catalog().icebergProperties().get("warehouse"));
            require(
                    problems,
                    warehouse.startsWith("s3://" + files.bucket() + "/"),
                    where,
                    "source.files.uri in the lake bucket of catalog.warehouse "
                            + warehouse
                            + ", not in "
                            + files.bucket());
            require(
                    problems,
                    files.prefix().startsWith("landing/"),
                    where,
                    "source.files.uri under landing/, not " + files.prefix());
        }
        if (restRequired) {
            RestSourceSettings rest = config.rest().orElse(null);
            require(problems, rest != null, where, "the REST source switched on (source.rest.*)");
            if (rest != null) {
                require(
                        problems,
                        "exchange_rates".equals(rest.name()),
                        where,
                        "source.rest.name exchange_rates (silver reads that dataset)");
                require(
                        problems,
                        "https".equals(rest.url().getScheme()),
                        where,
                        "an https source.rest.url, not " + rest.url());
                require(
                        problems,
                        rest.auth() == RestSourceSettings.Auth.BEARER && notBlank(rest.token()),
                        where,
                        "bearer authentication with a token from the environment");
            }
        }
        return problems;
    }

    /** Every {@code ${directory:<dir>:<key>}} names a key of a Secret mounted at dir. */
    private static List<String> providedSecrets(
            KafkaConnect connect, Map<String, Object> config, Map<String, Secret> secretTemplates) {
        List<String> problems = new ArrayList<>();
        String providers = String.valueOf(connect.getSpec().getConfig().get("config.providers"));
        Map<String, String> secretByMount = new LinkedHashMap<>();
        var template = connect.getSpec().getTemplate();
        if (template != null
                && template.getConnectContainer() != null
                && template.getPod() != null) {
            for (VolumeMount mount : template.getConnectContainer().getVolumeMounts()) {
                for (AdditionalVolume volume : template.getPod().getVolumes()) {
                    if (volume.getName().equals(mount.getName()) && volume.getSecret() != null) {
                        secretByMount.put(mount.getMountPath(), volume.getSecret().getSecretName());
                    }
                }
            }
        }
        Set<String> secretKeys = new LinkedHashSet<>(List.of("snowflake.private.key"));
        for (Map.Entry<String, Object> entry : config.entrySet()) {
            String value = String.valueOf(entry.getValue());
            Matcher m = DIRECTORY_REF.matcher(value);
            if (secretKeys.contains(entry.getKey()) && !m.matches()) {
                problems.add(
                        entry.getKey()
                                + " must come from a config provider, not from the manifest");
            }
            m.reset();
            while (m.find()) {
                require(
                        problems,
                        List.of(providers.split(",")).contains("directory"),
                        entry.getKey(),
                        "the directory config provider on its Connect cluster");
                String secret = secretByMount.get(m.group(1));
                Secret tmpl = secret == null ? null : secretTemplates.get(secret);
                require(
                        problems,
                        tmpl != null && tmpl.getStringData().containsKey(m.group(2)),
                        entry.getKey(),
                        "key "
                                + m.group(2)
                                + " of a Secret with a template mounted at "
                                + m.group(1));
            }
        }
        return problems;
    }

    /** Every Secret template is a template: names and keys, no values. */
    static List<String> secretTemplate(Secret secret) {
        List<String> problems = new ArrayList<>();
        String name = secret.getMetadata().getName();
        require(
                problems,
                secret.getData() == null || secret.getData().isEmpty(),
                name,
                "no data (use stringData with empty values)");
        require(
                problems,
                secret.getStringData() != null && !secret.getStringData().isEmpty(),
                name,
                "its keys under stringData");
        if (secret.getStringData() != null) {
            secret.getStringData()
                    .forEach(
                            (k, v) ->
                                    require(
                                            problems,
                                            v == null || v.isEmpty(),
                                            name,
                                            "an empty value for " + k));
        }
        return problems;
    }

    static Container mainContainer(FlinkDeployment deployment) {
        var template = deployment.getSpec().getPodTemplate();
        if (template == null || template.getSpec() == null) {
            return null;
        }
        return template.getSpec().getContainers().stream()
                .filter(c -> MAIN_CONTAINER.equals(c.getName()))
                .findFirst()
                .orElse(null);
    }

    private static Volume volume(List<Volume> volumes, String name, String owner) {
        return volumes.stream()
                .filter(v -> v.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(owner + ": no volume " + name));
    }

    private static String topicName(KafkaTopic topic) {
        String name = topic.getSpec().getTopicName();
        return name != null ? name : topic.getMetadata().getName();
    }

    private static boolean hasResources(Resource resource) {
        return resource != null
                && resource.getCpu() != null
                && resource.getCpu() > 0
                && notBlank(resource.getMemory());
    }

    private static boolean onS3(String location) {
        return location != null && location.startsWith("s3://");
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static void require(List<String> problems, boolean ok, String where, String what) {
        if (!ok) {
            problems.add(where + " needs " + what);
        }
    }

    private static Path write(Path dir, String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
