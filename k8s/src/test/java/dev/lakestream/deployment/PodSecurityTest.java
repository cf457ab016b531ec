package dev.lakestream.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.deployment.Kustomize.Rendered;
import dev.lakestream.deployment.Pods.Exemption;
import dev.lakestream.deployment.Pods.RenderedPod;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pod of base and of every overlay, built as the operators build it, meets the "restricted"
 * Pod Security Standard; the one exemption is named with its reason; the JobManagers with standbys
 * have a disruption budget that still lets a node drain. Each rule is also broken on purpose.
 */
class PodSecurityTest {

    static final String KUSTOMIZATIONS =
            "dev.lakestream.deployment.KustomizeOverlaysTest#kustomizations";

    private static List<String> problems(Rendered rendered) {
        return Pods.all(rendered).stream().flatMap(p -> Pods.restricted(p).stream()).toList();
    }

    @ParameterizedTest
    @MethodSource(KUSTOMIZATIONS)
    void everyPodMeetsTheRestrictedStandard(Path dir) {
        Rendered rendered = Kustomize.render(dir);

        assertThat(Pods.all(rendered))
                .extracting(RenderedPod::name)
                .containsExactlyInAnyOrder(
                        "lakestream-ingestion jobmanager",
                        "lakestream-ingestion taskmanager",
                        "lakestream-transformation jobmanager",
                        "lakestream-transformation taskmanager",
                        "lakestream-maintenance jobmanager",
                        "lakestream-maintenance taskmanager",
                        "lakestream-connect connect");
        assertThat(problems(rendered)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource(KUSTOMIZATIONS)
    void theOnlyExemptionIsTheKanikoBuildWithItsReason(Path dir) {
        assertThat(Pods.exemptions(Kustomize.render(dir)))
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.owner() + " " + e.role())
                                    .isEqualTo("lakestream-connect build");
                            assertThat(e.reason()).contains("Kaniko");
                        });
    }

    @ParameterizedTest
    @MethodSource(KUSTOMIZATIONS)
    void flinkWritesOnlyToEmptyDirsAndTheRestOfTheFileSystemIsReadOnly(Path dir) {
        for (RenderedPod pod : Pods.all(Kustomize.render(dir))) {
            if (Pods.mainContainer(pod.pod()) != null) {
                assertThat(pod.writablePaths())
                        .as(pod.name())
                        .containsExactlyInAnyOrder("/tmp", "/opt/flink/log");
                assertThat(pod.pod().getSpec().getSecurityContext().getRunAsUser())
                        .as("the flink user of the official image")
                        .isEqualTo(9999L);
            }
        }
    }

    @ParameterizedTest
    @MethodSource(KUSTOMIZATIONS)
    void disruptionBudgetsProtectStandbyJobManagersWithoutBlockingDrains(Path dir) {
        Rendered rendered = Kustomize.render(dir);

        assertThat(Pods.disruptionBudgets(rendered)).isEmpty();
        assertThat(rendered.all(PodDisruptionBudget.class)).hasSize(dir.endsWith("prod") ? 3 : 0);
        assertThat(rendered.get(KafkaConnect.class, "lakestream-connect"))
                .extracting(
                        c -> c.getSpec().getTemplate().getPodDisruptionBudget().getMaxUnavailable())
                .isEqualTo(1);
    }

    // ---- broken on purpose ------------------------------------------------------------------

    private static FlinkDeployment ingestion(Rendered rendered) {
        return rendered.get(FlinkDeployment.class, "lakestream-ingestion");
    }

    @Test
    void privilegeEscalationAndAMissingSeccompProfileAreReportedOnBothFlinkPods() {
        Rendered base = Kustomize.render(Repo.BASE);
        FlinkDeployment deployment = ingestion(base);
        DeploymentRules.mainContainer(deployment)
                .getSecurityContext()
                .setAllowPrivilegeEscalation(true);
        deployment
                .getSpec()
                .getPodTemplate()
                .getSpec()
                .getSecurityContext()
                .setSeccompProfile(null);

        assertThat(problems(base))
                .containsExactlyInAnyOrder(
                        "lakestream-ingestion jobmanager needs seccompProfile.type RuntimeDefault",
                        "lakestream-ingestion jobmanager: container flink-main-container needs"
                                + " allowPrivilegeEscalation: false",
                        "lakestream-ingestion taskmanager needs seccompProfile.type RuntimeDefault",
                        "lakestream-ingestion taskmanager: container flink-main-container needs"
                                + " allowPrivilegeEscalation: false");
    }

    @Test
    void aJobManagerPodTemplateRunningAsRootIsReportedForTheJobManagerOnly() {
        Rendered base = Kustomize.render(Repo.BASE);
        PodTemplateSpec root =
                new PodTemplateSpecBuilder()
                        .withNewSpec()
                        .withNewSecurityContext()
                        .withRunAsUser(0L)
                        .endSecurityContext()
                        .endSpec()
                        .build();
        ingestion(base).getSpec().getJobManager().setPodTemplate(root);

        assertThat(problems(base))
                .containsExactly(
                        "lakestream-ingestion jobmanager needs a fixed runAsUser other than 0");
    }

    @Test
    void aTaskManagerPodTemplateWithItsOwnContainerListKeepsTheSharedSecurityContext() {
        Rendered base = Kustomize.render(Repo.BASE);
        // the operator merges container lists index by index: the shared settings stay
        PodTemplateSpec extraEnv =
                new PodTemplateSpecBuilder()
                        .withNewSpec()
                        .addToContainers(
                                new ContainerBuilder()
                                        .withName(DeploymentRules.MAIN_CONTAINER)
                                        .addNewEnv()
                                        .withName("JAVA_TOOL_OPTIONS")
                                        .withValue("-XX:+UseG1GC")
                                        .endEnv()
                                        .build())
                        .endSpec()
                        .build();
        ingestion(base).getSpec().getTaskManager().setPodTemplate(extraEnv);

        RenderedPod taskManager = Pods.flink(ingestion(base), "taskmanager");
        assertThat(Pods.restricted(taskManager)).isEmpty();
        assertThat(Pods.mainContainer(taskManager.pod()).getEnv())
                .extracting(e -> e.getName())
                .contains("JAVA_TOOL_OPTIONS", "LAKESTREAM_CATALOG_JDBC_PASSWORD_FILE");
    }

    @Test
    void aFlinkDirectoryOutsideTheWritableVolumesIsReported() {
        Rendered base = Kustomize.render(Repo.BASE);
        ingestion(base).getSpec().getFlinkConfiguration().put("io.tmp.dirs", "/data/flink-tmp");
        ingestion(base).getSpec().getTaskManager().getResource().setEphemeralStorage(null);

        assertThat(problems(base))
                .containsExactlyInAnyOrder(
                        "lakestream-ingestion jobmanager: container flink-main-container needs a"
                                + " writable emptyDir mounted at or above /data/flink-tmp",
                        "lakestream-ingestion taskmanager: container flink-main-container needs a"
                                + " writable emptyDir mounted at or above /data/flink-tmp",
                        "lakestream-ingestion taskmanager: container flink-main-container needs"
                                + " ephemeral-storage request and limit");
    }

    @Test
    void aConnectContainerWithoutItsSecurityContextIsReported() {
        Rendered base = Kustomize.render(Repo.BASE);
        KafkaConnect connect = base.get(KafkaConnect.class, "lakestream-connect");
        connect.getSpec().getTemplate().getConnectContainer().setSecurityContext(null);
        connect.getSpec().getTemplate().getPod().getSecurityContext().setRunAsNonRoot(null);

        assertThat(problems(base))
                .contains(
                        "lakestream-connect connect needs runAsNonRoot: true",
                        "lakestream-connect connect: container lakestream-connect-connect needs a"
                                + " securityContext",
                        "lakestream-connect connect: container lakestream-connect-connect needs"
                                + " readOnlyRootFilesystem: true");
    }

    @Test
    void aBuildOfAnotherConnectClusterHasNoExemption() {
        Rendered base = Kustomize.render(Repo.BASE);
        base.get(KafkaConnect.class, "lakestream-connect").getMetadata().setName("other-connect");

        assertThat(Pods.exemptions(base))
                .extracting(Exemption::reason)
                .containsExactly((String) null);
    }

    @Test
    void aBudgetThatBlocksEveryDrainOrAStandbyWithoutOneIsReported() {
        Rendered base = Kustomize.render(Repo.BASE);
        PodDisruptionBudget blocking =
                new PodDisruptionBudgetBuilder()
                        .withNewMetadata()
                        .withName("blocking")
                        .endMetadata()
                        .withNewSpec()
                        .withMinAvailable(new IntOrString(1))
                        .withNewSelector()
                        .withMatchLabels(
                                Map.of("app", "lakestream-ingestion", "component", "jobmanager"))
                        .endSelector()
                        .endSpec()
                        .build();
        base.objects()
                .add(new Manifests.Parsed("test", Manifests.YAML.valueToTree(blocking), blocking));
        ingestion(base).getSpec().getJobManager().setReplicas(1);
        base.get(FlinkDeployment.class, "lakestream-transformation")
                .getSpec()
                .getJobManager()
                .setReplicas(2);

        assertThat(Pods.disruptionBudgets(base))
                .containsExactlyInAnyOrder(
                        "blocking needs to allow one of the 1 JobManagers of lakestream-ingestion"
                                + " to be evicted",
                        "lakestream-transformation needs a PodDisruptionBudget for its 2"
                                + " JobManagers");
    }
}
