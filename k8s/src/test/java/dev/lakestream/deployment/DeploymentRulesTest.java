package dev.lakestream.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.deployment.Kustomize.Rendered;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules of {@link DeploymentRules} catch what they are written for: broken on purpose. */
class DeploymentRulesTest {

    @TempDir Path scratch;
    private Rendered base;
    private Map<String, Secret> templates;

    @BeforeEach
    void renderBase() {
        base = Kustomize.render(Repo.BASE);
        templates = KustomizeOverlaysTest.secretTemplates();
    }

    private FlinkDeployment ingestion() {
        return base.get(FlinkDeployment.class, "lakestream-ingestion");
    }

    /** The rendered ConfigMap with ingestion.properties, to be broken by a test. */
    private ConfigMap ingestionConfig() {
        return base.all(ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().startsWith("lakestream-ingestion-config"))
                .findFirst()
                .orElseThrow();
    }

    private void assertRefusedByTheValidator(FlinkDeployment deployment, String... messageParts) {
        var refusal =
                assertThatThrownBy(
                                () ->
                                        DeploymentRules.jobConfiguration(
                                                base,
                                                deployment,
                                                templates,
                                                scratch,
                                                new ArrayList<>()))
                        .isInstanceOf(InvalidSettingException.class);
        for (String part : messageParts) {
            refusal.hasMessageContaining(part);
        }
    }

    @Test
    void aStatelessUpgradeIsRefused() {
        FlinkDeployment deployment = ingestion();
        deployment.getSpec().getJob().setUpgradeMode(UpgradeMode.STATELESS);

        assertThat(DeploymentRules.flinkDeployment(deployment))
                .containsExactly("lakestream-ingestion needs upgradeMode savepoint");
    }

    @Test
    void checkpointsOutsideS3WithoutHaOrRocksDbAreRefused() {
        FlinkDeployment deployment = ingestion();
        Map<String, String> flink = deployment.getSpec().getFlinkConfiguration();
        flink.put("execution.checkpointing.dir", "file:///tmp/checkpoints");
        flink.remove("high-availability.type");
        flink.put("state.backend.type", "hashmap");

        assertThat(DeploymentRules.flinkDeployment(deployment))
                .contains(
                        "lakestream-ingestion needs checkpoints on s3://",
                        "lakestream-ingestion needs Kubernetes HA (high-availability.type: kubernetes)",
                        "lakestream-ingestion needs the RocksDB state backend");
    }

    @Test
    void aMisspeltKeyInTheMountedConfigurationStopsTheBuild() {
        FlinkDeployment deployment = ingestion();
        ingestionConfig()
                .getData()
                .compute("ingestion.properties", (k, v) -> v.replace("slot-name=", "slotname="));

        assertRefusedByTheValidator(
                deployment, "source.postgres.slotname", "did you mean source.postgres.slot-name");
    }

    @Test
    void aSecretInTheMountedConfigurationStopsTheBuild() {
        FlinkDeployment deployment = ingestion();
        ingestionConfig()
                .getData()
                .compute("ingestion.properties", (k, v) -> v + "\ncatalog.jdbc.password=x\n");

        assertRefusedByTheValidator(deployment, "catalog.jdbc.password is a secret");
    }

    @Test
    void aMisspeltEnvironmentVariableIsReported() {
        FlinkDeployment deployment = ingestion();
        List<EnvVar> env = DeploymentRules.mainContainer(deployment).getEnv();
        env.set(
                0,
                new EnvVar("LAKESTREAM_SOURCE_POSTGRES_PASWORD_FILE", env.get(0).getValue(), null));
        List<String> problems = new ArrayList<>();

        // the job itself refuses a variable a letter or two off a setting's name
        assertThatThrownBy(
                        () ->
                                DeploymentRules.jobConfiguration(
                                        base, deployment, templates, scratch, problems))
                .isInstanceOf(dev.lakestream.catalog.InvalidSettingException.class)
                .hasMessageContaining(
                        "LAKESTREAM_SOURCE_POSTGRES_PASWORD_FILE names no setting (did you mean"
                                + " LAKESTREAM_SOURCE_POSTGRES_PASSWORD_FILE?)");
    }

    @Test
    void aVariableNoJobReadsIsReported() {
        FlinkDeployment deployment = ingestion();
        List<EnvVar> env = DeploymentRules.mainContainer(deployment).getEnv();
        // too far from any setting for the job to call it a typo: the deployment check catches it
        env.add(new EnvVar("LAKESTREAM_SOURCE_POSTGRES_REPLICATION_SLOT", "x", null));
        List<String> problems = new ArrayList<>();

        DeploymentRules.jobConfiguration(base, deployment, templates, scratch, problems);

        assertThat(problems)
                .containsExactly(
                        "lakestream-ingestion: LAKESTREAM_SOURCE_POSTGRES_REPLICATION_SLOT is read by"
                                + " no lakestream job (renamed or misspelt?)");
    }

    @Test
    void aSecretFileOutsideAMountedSecretIsReported() {
        FlinkDeployment deployment = ingestion();
        List<EnvVar> env = DeploymentRules.mainContainer(deployment).getEnv();
        env.get(0).setValue("/etc/shop-db-password");
        List<String> problems = new ArrayList<>();

        DeploymentRules.jobConfiguration(base, deployment, templates, scratch, problems);

        assertThat(problems).singleElement().asString().contains("pointing into a mounted Secret");
    }

    @Test
    void aGoldTopicThatIsNotCompactedOrASinkReadingUncommittedDataIsRefused() {
        KafkaTopic gold = base.get(KafkaTopic.class, "lakestream-gold-sales-daily-metrics");
        gold.getSpec().getConfig().put("cleanup.policy", "delete");
        KafkaConnector sink = base.get(KafkaConnector.class, "lakestream-snowflake-sink");
        sink.getSpec().getConfig().remove("consumer.override.isolation.level");
        sink.getSpec().getConfig().put("snowflake.private.key", "-----BEGIN PRIVATE KEY-----");

        assertThat(DeploymentRules.kafka(base, "lakestream.gold.sales_daily_metrics", templates))
                .contains(
                        "lakestream.gold.sales_daily_metrics needs cleanup.policy compact",
                        "lakestream-snowflake-sink needs consumer.override.isolation.level"
                                + " read_committed",
                        "snowflake.private.key must come from a config provider, not from the"
                                + " manifest");
    }

    @Test
    void aConnectClusterWithoutTheFieldsTheV1ApiRequiresIsRefused() {
        base.get(KafkaConnect.class, "lakestream-connect").getSpec().setGroupId(null);

        assertThat(DeploymentRules.kafka(base, "lakestream.gold.sales_daily_metrics", templates))
                .containsExactly(
                        "lakestream-connect needs bootstrapServers, groupId and the config, offset"
                                + " and status storage topics (required by kafka.strimzi.io/v1)");
    }

    @Test
    void aSecretTemplateWithAValueIsRefused() {
        Secret secret = templates.get("lakestream-shop-db");
        secret.getStringData().put("password", "hunter2");

        assertThat(DeploymentRules.secretTemplate(secret))
                .containsExactly("lakestream-shop-db needs an empty value for password");
    }
}
