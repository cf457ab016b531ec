package dev.lakestream.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.deployment.Kustomize.Rendered;
import dev.lakestream.deployment.NetworkAccess.Peer;
import dev.lakestream.deployment.Pods.RenderedPod;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The NetworkPolicies of base and of every overlay select the pods that are deployed and let in
 * only what each component needs, tried connection by connection; broken on purpose too.
 */
class NetworkPoliciesTest {

    @ParameterizedTest
    @MethodSource(PodSecurityTest.KUSTOMIZATIONS)
    void everyPodIsClosedByDefaultAndOpenOnlyToWhatItNeeds(Path dir) {
        Rendered rendered = Kustomize.render(dir);

        assertThat(NetworkAccess.rules(rendered)).isEmpty();
        assertThat(rendered.all(NetworkPolicy.class))
                .extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder(
                        "lakestream-default-deny-ingress",
                        "lakestream-ingestion-flink",
                        "lakestream-transformation-flink",
                        "lakestream-maintenance-flink",
                        "lakestream-connect");
        // only ingress is governed: egress stays open (documented in network-policies.yaml)
        assertThat(rendered.all(NetworkPolicy.class))
                .allSatisfy(
                        p -> assertThat(p.getSpec().getPolicyTypes()).containsExactly("Ingress"));
    }

    @ParameterizedTest
    @MethodSource(PodSecurityTest.KUSTOMIZATIONS)
    void theJobsAreIsolatedFromEachOther(Path dir) {
        Rendered rendered = Kustomize.render(dir);
        RenderedPod ingestionJm =
                Pods.flink(
                        rendered.get(FlinkDeployment.class, "lakestream-ingestion"), "jobmanager");
        RenderedPod transformationTm =
                Pods.flink(
                        rendered.get(FlinkDeployment.class, "lakestream-transformation"),
                        "taskmanager");
        Peer fromTransformation =
                new Peer("transformation", transformationTm.labels(), transformationTm.namespace());

        assertThat(NetworkAccess.admits(rendered, fromTransformation, ingestionJm, 6123)).isFalse();
        assertThat(NetworkAccess.admits(rendered, fromTransformation, ingestionJm, 8081)).isFalse();
    }

    @Test
    void withoutTheDefaultDenyEveryPodIsReported() {
        Rendered base = Kustomize.render(Repo.BASE);
        base.objects().removeIf(p -> p.name().equals("lakestream-default-deny-ingress"));

        assertThat(NetworkAccess.rules(base))
                .filteredOn(p -> p.contains("default deny"))
                .hasSize(7);
    }

    @Test
    void aRestPortOpenToEveryoneIsReported() {
        Rendered base = Kustomize.render(Repo.BASE);
        base.get(NetworkPolicy.class, "lakestream-ingestion-flink")
                .getSpec()
                .getIngress()
                .add(
                        new NetworkPolicyIngressRuleBuilder()
                                .addNewPort()
                                .withProtocol("TCP")
                                .withPort(new IntOrString(8081))
                                .endPort()
                                .build());

        assertThat(NetworkAccess.rules(base))
                .contains(
                        "lakestream-ingestion jobmanager needs port 8081 closed to a pod of the"
                                + " same namespace",
                        "lakestream-ingestion jobmanager needs port 8081 closed to a pod of"
                                + " another namespace",
                        "lakestream-ingestion jobmanager needs port 8081 closed to"
                                + " lakestream-connect connect");
    }

    @Test
    void aRenamedJobThatNoPolicySelectsIsReported() {
        Rendered base = Kustomize.render(Repo.BASE);
        base.get(FlinkDeployment.class, "lakestream-maintenance")
                .getMetadata()
                .setName("lakestream-maintenance-v2");

        assertThat(NetworkAccess.rules(base))
                .contains(
                        "lakestream-maintenance-v2 jobmanager needs port 6123 open to"
                                + " lakestream-maintenance-v2 taskmanager",
                        "lakestream-maintenance-v2 taskmanager needs port 9249 (metrics) open to"
                                + " Prometheus",
                        "lakestream-maintenance-v2 jobmanager needs port 8081 (REST) open to the"
                                + " Flink Kubernetes Operator");
    }

    @Test
    void connectClosedToItsOperatorIsReported() {
        Rendered base = Kustomize.render(Repo.BASE);
        base.get(NetworkPolicy.class, "lakestream-connect")
                .getSpec()
                .getIngress()
                .get(0)
                .getFrom()
                .remove(1);

        assertThat(NetworkAccess.rules(base))
                .containsExactly(
                        "lakestream-connect connect needs port 8083 (REST) open to the Strimzi"
                                + " cluster operator");
    }

    @Test
    void selectorsFollowKubernetesSemantics() {
        var selector =
                new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
                        .addToMatchLabels("app", "a")
                        .addNewMatchExpression()
                        .withKey("component")
                        .withOperator("In")
                        .withValues("jobmanager")
                        .endMatchExpression()
                        .build();

        assertThat(NetworkAccess.matches(selector, Map.of("app", "a", "component", "jobmanager")))
                .isTrue();
        assertThat(NetworkAccess.matches(selector, Map.of("app", "a", "component", "taskmanager")))
                .isFalse();
        assertThat(NetworkAccess.matches(selector, Map.of("component", "jobmanager"))).isFalse();
        assertThat(
                        NetworkAccess.matches(
                                new io.fabric8.kubernetes.api.model.LabelSelector(), Map.of()))
                .isTrue();
    }
}
