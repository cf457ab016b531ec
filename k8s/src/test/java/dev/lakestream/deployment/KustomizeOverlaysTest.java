package dev.lakestream.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.deployment.JobConfigs.Job;
import dev.lakestream.deployment.JobConfigs.Loaded;
import dev.lakestream.deployment.Kustomize.Rendered;
import dev.lakestream.deployment.Manifests.ManifestException;
import dev.lakestream.deployment.Manifests.Parsed;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The base and every overlay render with {@code kubectl kustomize}; every rendered object binds
 * strictly to its model, follows lakestream's rules, and the job configuration each FlinkDeployment
 * hands its job passes that job's own validator.
 */
class KustomizeOverlaysTest {

    static Stream<Path> kustomizations() {
        return Stream.concat(
                Stream.of(Repo.BASE), Repo.overlays().stream().map(Repo.OVERLAYS::resolve));
    }

    static Stream<Path> overlays() {
        return Repo.overlays().stream().map(Repo.OVERLAYS::resolve);
    }

    static Map<String, Secret> secretTemplates() {
        Map<String, Secret> templates = new LinkedHashMap<>();
        for (Path file : Repo.manifestFiles()) {
            if (file.startsWith(Repo.SECRET_TEMPLATES)) {
                for (Parsed p : Manifests.parseAll(file)) {
                    templates.put(p.name(), p.as(Secret.class));
                }
            }
        }
        return templates;
    }

    @Test
    void hasADevAndAProductionOverlay() {
        assertThat(Repo.overlays()).contains("dev", "prod");
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void rendersIntoObjectsOfKnownApis(Path dir) {
        Rendered rendered = Kustomize.render(dir);

        assertThat(rendered.objects())
                .extracting(Parsed::kind)
                .contains(
                        "FlinkDeployment",
                        "KafkaConnect",
                        "KafkaConnector",
                        "KafkaTopic",
                        "ConfigMap",
                        "ServiceAccount");
        assertThat(rendered.all(FlinkDeployment.class)).hasSize(3);
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void flinkDeploymentsCanBeUpgradedThroughSavepointsAndRecover(Path dir) {
        Rendered rendered = Kustomize.render(dir);

        for (FlinkDeployment deployment : rendered.all(FlinkDeployment.class)) {
            assertThat(DeploymentRules.flinkDeployment(deployment)).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void jobConfigurationsPassTheJobsOwnValidators(Path dir, @TempDir Path scratch) {
        Rendered rendered = Kustomize.render(dir);
        List<String> problems = new ArrayList<>();

        List<Job> jobs = new ArrayList<>();
        for (FlinkDeployment deployment : rendered.all(FlinkDeployment.class)) {
            Loaded loaded =
                    DeploymentRules.jobConfiguration(
                            rendered, deployment, secretTemplates(), scratch, problems);
            jobs.add(loaded.job());
        }

        assertThat(problems).isEmpty();
        assertThat(jobs)
                .containsExactlyInAnyOrder(Job.INGESTION, Job.TRANSFORMATION, Job.MAINTENANCE);
    }

    /**
     * Every rendering reads the landing folder of its own lake bucket; the overlays also poll their
     * exchange-rate API (the base leaves it off: the endpoint is per environment), and the
     * TransformationJob reports in a currency.
     */
    @ParameterizedTest
    @MethodSource("kustomizations")
    void theIngestionJobReadsTheLandingFolderAndTheOverlaysPollTheRateApi(
            Path dir, @TempDir Path scratch) {
        Rendered rendered = Kustomize.render(dir);
        boolean overlay = !dir.equals(Repo.BASE);
        List<String> problems = new ArrayList<>();

        Loaded ingestion = load(rendered, "lakestream-ingestion", scratch, problems);
        Loaded transformation = load(rendered, "lakestream-transformation", scratch, problems);
        IngestionConfig config = (IngestionConfig) ingestion.config();
        problems.addAll(DeploymentRules.ingestionSources(dir.toString(), config, overlay));

        assertThat(problems).isEmpty();
        assertThat(config.rest().isPresent()).as("REST source on").isEqualTo(overlay);
        assertThat(transformation.transformation().reportingCurrency()).isEqualTo("EUR");
    }

    private static Loaded load(
            Rendered rendered, String deployment, Path scratch, List<String> problems) {
        return DeploymentRules.jobConfiguration(
                rendered,
                rendered.get(FlinkDeployment.class, deployment),
                secretTemplates(),
                scratch,
                problems);
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void kafkaConnectTheSnowflakeSinkAndTheGoldTopicFitTogether(Path dir, @TempDir Path scratch) {
        Rendered rendered = Kustomize.render(dir);
        FlinkDeployment transformation =
                rendered.get(FlinkDeployment.class, "lakestream-transformation");
        List<String> problems = new ArrayList<>();
        String goldTopic =
                DeploymentRules.jobConfiguration(
                                rendered, transformation, secretTemplates(), scratch, problems)
                        .transformation()
                        .kafkaTopic();

        problems.addAll(DeploymentRules.kafka(rendered, goldTopic, secretTemplates()));

        assertThat(problems).isEmpty();
        assertThat(rendered.all(KafkaConnect.class)).hasSize(1);
        assertThat(rendered.all(KafkaConnector.class)).hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void overlaysPutEverythingInANamespaceAndPinTheJobImage(Path dir) {
        Rendered rendered = Kustomize.render(dir);

        assertThat(rendered.objects())
                .allSatisfy(
                        p ->
                                assertThat(p.tree().path("metadata").path("namespace").asText())
                                        .as(p.kind() + " " + p.name())
                                        .isNotBlank());
        assertThat(rendered.all(FlinkDeployment.class))
                .allSatisfy(
                        d ->
                                assertThat(d.getSpec().getImage())
                                        .matches(".+:[A-Za-z0-9._-]+")
                                        .doesNotEndWith(":latest"));
        assertThat(rendered.all(ConfigMap.class))
                .extracting(c -> c.getMetadata().getName())
                .anySatisfy(n -> assertThat(n).startsWith("lakestream-environment-"));
    }

    @Test
    void anOverlayThatDoesNotRenderFailsWithKubectlsMessage() throws Exception {
        Path overlay = scratchOverlay();
        Files.writeString(
                overlay.resolve("kustomization.yaml"),
                "resources:\n  - " + overlay.relativize(Repo.BASE) + "\n  - flink-extra.yaml\n");

        assertThatThrownBy(() -> Kustomize.render(overlay))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("kubectl kustomize")
                .hasMessageContaining("flink-extra.yaml");
    }

    @Test
    void anOverlayPatchWithAMisspeltFieldFailsOnTheRenderedObject() throws Exception {
        Path overlay = scratchOverlay();
        Files.writeString(
                overlay.resolve("kustomization.yaml"),
                String.join(
                        "\n",
                        "resources:",
                        "  - " + overlay.relativize(Repo.BASE),
                        "patches:",
                        "  - target:",
                        "      kind: FlinkDeployment",
                        "    patch: |-",
                        "      apiVersion: flink.apache.org/v1beta1",
                        "      kind: FlinkDeployment",
                        "      metadata:",
                        "        name: any",
                        "      spec:",
                        "        job:",
                        "          parallelsim: 8",
                        ""));

        assertThatThrownBy(() -> Kustomize.render(overlay))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("/spec/job/parallelsim");
    }

    /** kustomize takes bases by relative path only: a scratch overlay inside k8s/target. */
    private static Path scratchOverlay() throws Exception {
        Path target = Files.createDirectories(Repo.K8S.resolve("target/scratch-overlays"));
        return Files.createTempDirectory(target, "overlay");
    }

    @Test
    void secretTemplatesCarryKeysButNoValues() {
        Map<String, Secret> templates = secretTemplates();

        assertThat(templates)
                .containsKeys(
                        "lakestream-shop-db",
                        "lakestream-catalog-db",
                        "lakestream-snowflake",
                        "lakestream-s3",
                        "lakestream-registry-push",
                        "lakestream-rest-source");
        for (Secret secret : templates.values()) {
            assertThat(DeploymentRules.secretTemplate(secret)).isEmpty();
        }
    }
}
