package dev.lakestream.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakestream.deployment.Kustomize.Rendered;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.common.template.ContainerTemplate;
import io.strimzi.api.kafka.model.common.template.PodTemplate;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connect.KafkaConnectTemplate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkDeploymentSpec;
import org.apache.flink.kubernetes.operator.api.spec.Resource;

/**
 * The pods the rendered objects turn into, built the way the operators build them, and the rules of
 * the "restricted" Pod Security Standard checked on them.
 *
 * <pre>
 *   FlinkDeployment spec.podTemplate ──┬── merged with jobManager.podTemplate  ─▶ JobManager pod
 *                                      └── merged with taskManager.podTemplate ─▶ TaskManager pod
 *   KafkaConnect spec.template.pod + connectContainer + spec.resources ─▶ Connect pod
 *   KafkaConnect spec.build ─▶ Kaniko build pod (exempt: Kaniko runs as root)
 * </pre>
 *
 * <p>The merge is the Flink Kubernetes Operator's (FlinkUtils.mergePodTemplates, default
 * kubernetes.operator.pod-template.merge-arrays-by-name=false): objects field by field, arrays
 * element by element at the same index, anything else replaced. The operator then writes {@code
 * resource.ephemeralStorage} as request and limit of flink-main-container
 * (FlinkConfigBuilder.applyResourceToPodTemplate) and Flink labels the pods {@code app}, {@code
 * component} and {@code type}. Strimzi adds the /tmp emptyDir and its labels to the Connect pod.
 */
final class Pods {

    static final String FLINK_NATIVE = "flink-native-kubernetes";

    /** A pod as it will run: its owner, its role, the labels it carries, its spec. */
    record RenderedPod(
            String owner, String role, String namespace, Pod pod, Set<String> writablePaths) {

        String name() {
            return owner + " " + role;
        }

        Map<String, String> labels() {
            return pod.getMetadata().getLabels();
        }
    }

    /** A pod lakestream cannot run under the restricted standard, and why. */
    record Exemption(String owner, String role, String reason) {}

    /**
     * Pods that may not meet the restricted standard, each with its reason. A new entry is a
     * decision to document in k8s/README.md ("Pod security").
     */
    static final List<Exemption> EXEMPT =
            List.of(
                    new Exemption(
                            "lakestream-connect",
                            "build",
                            "Strimzi builds the Connect image with Kaniko, which must run as root"));

    private Pods() {}

    /** Every pod the rendered objects create, except the exempt ones. */
    static List<RenderedPod> all(Rendered rendered) {
        List<RenderedPod> pods = new ArrayList<>();
        for (FlinkDeployment deployment : rendered.all(FlinkDeployment.class)) {
            pods.add(flink(deployment, "jobmanager"));
            pods.add(flink(deployment, "taskmanager"));
        }
        for (KafkaConnect connect : rendered.all(KafkaConnect.class)) {
            pods.add(connect(connect));
        }
        return pods;
    }

    /** The exemptions the rendered objects need, each with the reason EXEMPT gives, or null. */
    static List<Exemption> exemptions(Rendered rendered) {
        List<Exemption> needed = new ArrayList<>();
        for (KafkaConnect connect : rendered.all(KafkaConnect.class)) {
            if (connect.getSpec().getBuild() != null) {
                needed.add(exemption(connect.getMetadata().getName(), "build"));
            }
        }
        return needed;
    }

    private static Exemption exemption(String owner, String role) {
        return EXEMPT.stream()
                .filter(e -> e.owner().equals(owner) && e.role().equals(role))
                .findFirst()
                .orElse(new Exemption(owner, role, null));
    }

    /** The JobManager or TaskManager pod of a FlinkDeployment, as the operator builds it. */
    static RenderedPod flink(FlinkDeployment deployment, String component) {
        FlinkDeploymentSpec spec = deployment.getSpec();
        String name = deployment.getMetadata().getName();
        boolean jobManager = "jobmanager".equals(component);
        PodTemplateSpec specific =
                jobManager
                        ? (spec.getJobManager() == null
                                ? null
                                : spec.getJobManager().getPodTemplate())
                        : (spec.getTaskManager() == null
                                ? null
                                : spec.getTaskManager().getPodTemplate());
        Resource resource =
                jobManager
                        ? (spec.getJobManager() == null ? null : spec.getJobManager().getResource())
                        : (spec.getTaskManager() == null
                                ? null
                                : spec.getTaskManager().getResource());
        PodTemplateSpec merged = merge(spec.getPodTemplate(), specific);
        PodBuilder pod =
                new PodBuilder()
                        .withMetadata(merged.getMetadata())
                        .withSpec(merged.getSpec() == null ? new PodSpec() : merged.getSpec());
        pod.editOrNewMetadata()
                .addToLabels("app", name)
                .addToLabels("component", component)
                .addToLabels("type", FLINK_NATIVE)
                .endMetadata();
        Pod built = pod.build();
        if (resource != null && resource.getEphemeralStorage() != null) {
            Container main = mainContainer(built);
            if (main != null) {
                ResourceRequirements r =
                        main.getResources() == null
                                ? new ResourceRequirements()
                                : main.getResources();
                Quantity storage = new Quantity(resource.getEphemeralStorage());
                r.getRequests().put("ephemeral-storage", storage);
                r.getLimits().put("ephemeral-storage", storage);
                main.setResources(r);
            }
        }
        return new RenderedPod(
                name,
                component,
                deployment.getMetadata().getNamespace(),
                built,
                flinkWritablePaths(spec.getFlinkConfiguration()));
    }

    /**
     * Where Flink writes, from its configuration (defaults of Flink 1.20): io.tmp.dirs and
     * web.tmpdir default to java.io.tmpdir (/tmp in the image), RocksDB works under io.tmp.dirs
     * unless state.backend.rocksdb.localdir says otherwise, logs go to kubernetes.flink.log.dir.
     */
    static Set<String> flinkWritablePaths(Map<String, String> flinkConfiguration) {
        Map<String, String> conf = Objects.requireNonNullElse(flinkConfiguration, Map.of());
        Set<String> paths = new LinkedHashSet<>();
        paths.add("/tmp");
        for (String key : List.of("io.tmp.dirs", "web.tmpdir", "state.backend.rocksdb.localdir")) {
            String value = conf.get(key);
            if (value != null) {
                for (String dir : value.split("[,:;]")) {
                    if (!dir.isBlank() && !dir.startsWith("file")) {
                        paths.add(dir.trim());
                    }
                }
            }
        }
        paths.add(conf.getOrDefault("kubernetes.flink.log.dir", "/opt/flink/log"));
        return paths;
    }

    /**
     * The Connect pod as Strimzi builds it: template.pod (metadata, securityContext, volumes),
     * template.connectContainer (securityContext, mounts), spec.resources, Strimzi's own labels and
     * its /tmp emptyDir.
     */
    static RenderedPod connect(KafkaConnect connect) {
        String name = connect.getMetadata().getName();
        KafkaConnectTemplate template = connect.getSpec().getTemplate();
        PodTemplate podTemplate = template == null ? null : template.getPod();
        ContainerTemplate containerTemplate =
                template == null ? null : template.getConnectContainer();
        Map<String, String> labels = new LinkedHashMap<>();
        if (podTemplate != null
                && podTemplate.getMetadata() != null
                && podTemplate.getMetadata().getLabels() != null) {
            labels.putAll(podTemplate.getMetadata().getLabels());
        }
        labels.put("strimzi.io/cluster", name);
        labels.put("strimzi.io/kind", "KafkaConnect");
        labels.put("strimzi.io/name", name + "-connect");
        ContainerBuilder container =
                new ContainerBuilder()
                        .withName(name + "-connect")
                        .withResources(connect.getSpec().getResources())
                        .addToVolumeMounts(
                                new VolumeMountBuilder()
                                        .withName("strimzi-tmp")
                                        .withMountPath("/tmp")
                                        .build());
        if (containerTemplate != null) {
            container.withSecurityContext(containerTemplate.getSecurityContext());
            if (containerTemplate.getVolumeMounts() != null) {
                container.addAllToVolumeMounts(containerTemplate.getVolumeMounts());
            }
        }
        PodBuilder pod =
                new PodBuilder()
                        .withNewMetadata()
                        .withLabels(labels)
                        .endMetadata()
                        .withNewSpec()
                        .withSecurityContext(
                                podTemplate == null ? null : podTemplate.getSecurityContext())
                        .addToContainers(container.build())
                        .addToVolumes(
                                new VolumeBuilder()
                                        .withName("strimzi-tmp")
                                        .withNewEmptyDir()
                                        .withMedium("Memory")
                                        .endEmptyDir()
                                        .build())
                        .endSpec();
        return new RenderedPod(
                name, "connect", connect.getMetadata().getNamespace(), pod.build(), Set.of("/tmp"));
    }

    static Container mainContainer(Pod pod) {
        return pod.getSpec().getContainers().stream()
                .filter(c -> DeploymentRules.MAIN_CONTAINER.equals(c.getName()))
                .findFirst()
                .orElse(null);
    }

    /**
     * What keeps {@code pod} out of a namespace that enforces the "restricted" Pod Security
     * Standard (https://kubernetes.io/docs/concepts/security/pod-security-standards/), and what
     * lakestream adds to it: fixed user and groups, a read-only root file system with a writable
     * emptyDir wherever the software writes, and ephemeral storage requests and limits.
     */
    static List<String> restricted(RenderedPod rendered) {
        List<String> problems = new ArrayList<>();
        String where = rendered.name();
        PodSpec spec = rendered.pod().getSpec();
        PodSecurityContext pod = spec.getSecurityContext();
        require(problems, pod != null, where, "a pod securityContext");
        if (pod == null) {
            pod = new PodSecurityContext();
        }
        require(problems, Boolean.TRUE.equals(pod.getRunAsNonRoot()), where, "runAsNonRoot: true");
        require(
                problems,
                pod.getRunAsUser() != null && pod.getRunAsUser() != 0,
                where,
                "a fixed runAsUser other than 0");
        require(problems, pod.getRunAsGroup() != null, where, "a fixed runAsGroup");
        require(problems, pod.getFsGroup() != null, where, "a fixed fsGroup");
        require(
                problems,
                seccompConfined(pod.getSeccompProfile(), true),
                where,
                "seccompProfile.type RuntimeDefault");
        require(
                problems,
                !Boolean.TRUE.equals(spec.getHostNetwork())
                        && !Boolean.TRUE.equals(spec.getHostPID())
                        && !Boolean.TRUE.equals(spec.getHostIPC()),
                where,
                "no host network, PID or IPC namespace");
        for (Volume volume : spec.getVolumes()) {
            require(
                    problems,
                    volume.getHostPath() == null,
                    where,
                    "no hostPath volume (" + volume.getName() + ")");
        }
        List<Container> containers = new ArrayList<>(spec.getInitContainers());
        containers.addAll(spec.getContainers());
        require(problems, !containers.isEmpty(), where, "a container");
        for (Container container : containers) {
            String at = where + ": container " + container.getName();
            SecurityContext sc = container.getSecurityContext();
            require(problems, sc != null, at, "a securityContext");
            if (sc == null) {
                sc = new SecurityContext();
            }
            require(
                    problems,
                    Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation()),
                    at,
                    "allowPrivilegeEscalation: false");
            require(problems, !Boolean.TRUE.equals(sc.getPrivileged()), at, "privileged unset");
            Capabilities caps = sc.getCapabilities();
            require(
                    problems,
                    caps != null && caps.getDrop().contains("ALL"),
                    at,
                    "capabilities.drop [ALL]");
            require(
                    problems,
                    caps == null
                            || caps.getAdd().isEmpty()
                            || caps.getAdd().equals(List.of("NET_BIND_SERVICE")),
                    at,
                    "no added capabilities but NET_BIND_SERVICE");
            require(
                    problems,
                    !Boolean.FALSE.equals(sc.getRunAsNonRoot())
                            && !Long.valueOf(0).equals(sc.getRunAsUser()),
                    at,
                    "not to run as root (runAsNonRoot false or runAsUser 0)");
            require(
                    problems,
                    seccompConfined(sc.getSeccompProfile(), false),
                    at,
                    "seccompProfile RuntimeDefault or Localhost, if set");
            require(
                    problems,
                    container.getPorts().stream().allMatch(p -> p.getHostPort() == null),
                    at,
                    "no hostPort");
            require(
                    problems,
                    Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem()),
                    at,
                    "readOnlyRootFilesystem: true");
            ResourceRequirements resources = container.getResources();
            require(
                    problems,
                    resources != null
                            && resources.getRequests().containsKey("ephemeral-storage")
                            && resources.getLimits().containsKey("ephemeral-storage"),
                    at,
                    "ephemeral-storage request and limit");
        }
        // the container that runs the software: Flink's main container, or Connect's only one
        Container writer = mainContainer(rendered.pod());
        if (writer == null && !spec.getContainers().isEmpty()) {
            writer = spec.getContainers().get(0);
        }
        if (writer != null) {
            for (String path : rendered.writablePaths()) {
                require(
                        problems,
                        writableEmptyDir(spec, writer, path),
                        where + ": container " + writer.getName(),
                        "a writable emptyDir mounted at or above " + path);
            }
        }
        return problems;
    }

    private static boolean seccompConfined(SeccompProfile profile, boolean required) {
        if (profile == null) {
            return !required;
        }
        return "RuntimeDefault".equals(profile.getType())
                || (!required && "Localhost".equals(profile.getType()));
    }

    private static boolean writableEmptyDir(PodSpec spec, Container container, String path) {
        Path wanted = Path.of(path).normalize();
        for (VolumeMount mount : container.getVolumeMounts()) {
            if (Boolean.TRUE.equals(mount.getReadOnly())
                    || !wanted.startsWith(Path.of(mount.getMountPath()).normalize())) {
                continue;
            }
            boolean emptyDir =
                    spec.getVolumes().stream()
                            .anyMatch(
                                    v ->
                                            v.getName().equals(mount.getName())
                                                    && v.getEmptyDir() != null);
            if (emptyDir) {
                return true;
            }
        }
        return false;
    }

    /**
     * Budgets that protect the JobManagers of a FlinkDeployment with standbys, and none that blocks
     * every eviction (minAvailable as high as the replicas, or maxUnavailable 0).
     */
    static List<String> disruptionBudgets(Rendered rendered) {
        List<String> problems = new ArrayList<>();
        List<PodDisruptionBudget> budgets = rendered.all(PodDisruptionBudget.class);
        for (FlinkDeployment deployment : rendered.all(FlinkDeployment.class)) {
            String name = deployment.getMetadata().getName();
            RenderedPod jobManager = flink(deployment, "jobmanager");
            int replicas =
                    deployment.getSpec().getJobManager() == null
                            ? 1
                            : Math.max(1, deployment.getSpec().getJobManager().getReplicas());
            List<PodDisruptionBudget> selecting =
                    budgets.stream()
                            .filter(
                                    b ->
                                            NetworkAccess.matches(
                                                    b.getSpec().getSelector(), jobManager.labels()))
                            .toList();
            if (replicas > 1) {
                require(
                        problems,
                        !selecting.isEmpty(),
                        name,
                        "a PodDisruptionBudget for its " + replicas + " JobManagers");
            }
            for (PodDisruptionBudget budget : selecting) {
                var spec = budget.getSpec();
                Integer minAvailable =
                        spec.getMinAvailable() == null ? null : spec.getMinAvailable().getIntVal();
                Integer maxUnavailable =
                        spec.getMaxUnavailable() == null
                                ? null
                                : spec.getMaxUnavailable().getIntVal();
                require(
                        problems,
                        (minAvailable == null || minAvailable < replicas)
                                && (maxUnavailable == null || maxUnavailable > 0),
                        budget.getMetadata().getName(),
                        "to allow one of the "
                                + replicas
                                + " JobManagers of "
                                + name
                                + " to be evicted");
            }
        }
        return problems;
    }

    /** The operator's pod template merge: objects by field, arrays by index, values replaced. */
    static PodTemplateSpec merge(PodTemplateSpec common, PodTemplateSpec specific) {
        if (common == null && specific == null) {
            return new PodTemplateSpec();
        }
        JsonNode to = Manifests.YAML.valueToTree(common == null ? specific : common);
        if (common != null && specific != null) {
            mergeInto(to, Manifests.YAML.valueToTree(specific));
        }
        try {
            return Manifests.YAML.treeToValue(to, PodTemplateSpec.class);
        } catch (IOException e) {
            throw new AssertionError("merged pod template does not bind: " + e.getMessage(), e);
        }
    }

    private static void mergeInto(JsonNode to, JsonNode from) {
        Iterator<String> names = from.fieldNames();
        while (names.hasNext()) {
            String field = names.next();
            JsonNode toChild = to.get(field);
            JsonNode fromChild = from.get(field);
            if (toChild != null && toChild.isArray() && fromChild.isArray()) {
                // as the operator does: an element at an index both have is merged if both are
                // objects and otherwise left as it was; further elements are appended
                for (int i = 0; i < fromChild.size(); i++) {
                    if (toChild.size() <= i) {
                        ((ArrayNode) toChild).add(fromChild.get(i));
                    } else {
                        mergeInto(toChild.get(i), fromChild.get(i));
                    }
                }
            } else if (toChild != null && toChild.isObject()) {
                mergeInto(toChild, fromChild);
            } else if (to instanceof ObjectNode object) {
                object.replace(field, fromChild);
            }
        }
    }

    private static void require(List<String> problems, boolean ok, String where, String what) {
        if (!ok) {
            problems.add(where + " needs " + what);
        }
    }
}
