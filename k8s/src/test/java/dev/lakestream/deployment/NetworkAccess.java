package dev.lakestream.deployment;

import dev.lakestream.deployment.Kustomize.Rendered;
import dev.lakestream.deployment.Pods.RenderedPod;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Evaluates the rendered NetworkPolicies the way Kubernetes does for ingress: a pod selected by no
 * policy of type Ingress accepts everything; a selected pod accepts a connection if any rule of any
 * selecting policy admits the peer and the port (rules and policies add up, nothing subtracts). A
 * peer is a pod given by its labels and namespace; a podSelector peer without a namespaceSelector
 * means the policy's own namespace, {@code namespaceSelector: {}} any. ipBlock peers are treated as
 * admitting no pod (they name addresses outside the cluster).
 */
final class NetworkAccess {

    /** A pod that opens a connection: its labels, its namespace and that namespace's labels. */
    record Peer(String description, Map<String, String> labels, String namespace) {

        /** Base renders without a namespace: "" is then the namespace of everything. */
        Peer {
            namespace = nonNull(namespace);
        }

        Map<String, String> namespaceLabels() {
            return Map.of("kubernetes.io/metadata.name", namespace);
        }
    }

    private NetworkAccess() {}

    /** Whether {@code from} may connect to {@code target} on TCP {@code port}. */
    static boolean admits(Rendered rendered, Peer from, RenderedPod target, int port) {
        List<NetworkPolicy> selecting = selecting(rendered, target);
        if (selecting.isEmpty()) {
            return true;
        }
        for (NetworkPolicy policy : selecting) {
            for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
                if (portAdmitted(rule.getPorts(), port, target)
                        && peerAdmitted(rule.getFrom(), from, namespace(policy))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The policies of type Ingress whose podSelector selects {@code target}. */
    static List<NetworkPolicy> selecting(Rendered rendered, RenderedPod target) {
        List<NetworkPolicy> selecting = new ArrayList<>();
        for (NetworkPolicy policy : rendered.all(NetworkPolicy.class)) {
            List<String> types = policy.getSpec().getPolicyTypes();
            boolean ingress = types == null || types.isEmpty() || types.contains("Ingress");
            if (ingress
                    && Objects.equals(namespace(policy), nonNull(target.namespace()))
                    && matches(policy.getSpec().getPodSelector(), target.labels())) {
                selecting.add(policy);
            }
        }
        return selecting;
    }

    private static boolean portAdmitted(
            List<NetworkPolicyPort> ports, int port, RenderedPod target) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPort p : ports) {
            if (p.getProtocol() != null && !"TCP".equals(p.getProtocol())) {
                continue;
            }
            IntOrString value = p.getPort();
            if (value == null) {
                return true;
            }
            if (value.getIntVal() != null) {
                int from = value.getIntVal();
                int to = p.getEndPort() == null ? from : p.getEndPort();
                if (port >= from && port <= to) {
                    return true;
                }
            } else if (namedPort(target, value.getStrVal()) == port) {
                return true;
            }
        }
        return false;
    }

    private static int namedPort(RenderedPod target, String name) {
        return target.pod().getSpec().getContainers().stream()
                .flatMap(c -> c.getPorts().stream())
                .filter(p -> name.equals(p.getName()))
                .mapToInt(p -> p.getContainerPort())
                .findFirst()
                .orElse(-1);
    }

    private static boolean peerAdmitted(
            List<NetworkPolicyPeer> peers, Peer from, String policyNamespace) {
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPeer peer : peers) {
            if (peer.getIpBlock() != null) {
                continue;
            }
            boolean namespaceOk =
                    peer.getNamespaceSelector() == null
                            ? Objects.equals(policyNamespace, nonNull(from.namespace()))
                            : matches(peer.getNamespaceSelector(), from.namespaceLabels());
            boolean podOk =
                    peer.getPodSelector() == null || matches(peer.getPodSelector(), from.labels());
            if (namespaceOk && podOk) {
                return true;
            }
        }
        return false;
    }

    /** Kubernetes label selector semantics; an empty selector matches everything. */
    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        Map<String, String> have = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(have.get(e.getKey()))) {
                    return false;
                }
            }
        }
        for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
            String value = have.get(r.getKey());
            boolean ok =
                    switch (r.getOperator()) {
                        case "In" -> value != null && r.getValues().contains(value);
                        case "NotIn" -> value == null || !r.getValues().contains(value);
                        case "Exists" -> value != null;
                        case "DoesNotExist" -> value == null;
                        default ->
                                throw new AssertionError(
                                        "unknown selector operator " + r.getOperator());
                    };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String namespace(NetworkPolicy policy) {
        return nonNull(policy.getMetadata().getNamespace());
    }

    private static String nonNull(String namespace) {
        return namespace == null ? "" : namespace;
    }

    /**
     * lakestream's ingress rules, checked by trying connections: every pod is selected by a policy
     * that denies by default; the pods of one FlinkDeployment reach each other on Flink's ports;
     * the Flink operator reaches the REST API and Prometheus the metrics port; Strimzi's cluster
     * operator and the other workers reach Connect's REST API; nothing else gets in, not even
     * another lakestream job or a pod of the same namespace.
     */
    static List<String> rules(Rendered rendered) {
        List<String> problems = new ArrayList<>();
        List<RenderedPod> pods = Pods.all(rendered);
        for (RenderedPod pod : pods) {
            boolean denyByDefault =
                    selecting(rendered, pod).stream()
                            .anyMatch(p -> p.getSpec().getIngress().isEmpty());
            require(
                    problems,
                    denyByDefault,
                    pod.name(),
                    "a NetworkPolicy that selects it and allows nothing (default deny)");
        }
        String ns = pods.isEmpty() ? "" : nonNull(pods.get(0).namespace());
        Peer stranger = new Peer("a pod of the same namespace", Map.of("app", "stranger"), ns);
        Peer anywhere = new Peer("a pod of another namespace", Map.of(), "elsewhere");
        Peer flinkOperator =
                new Peer(
                        "the Flink Kubernetes Operator",
                        Map.of("app.kubernetes.io/name", "flink-kubernetes-operator"),
                        "flink-operator");
        Peer prometheus =
                new Peer(
                        "Prometheus", Map.of("app.kubernetes.io/name", "prometheus"), "monitoring");
        Peer strimzi =
                new Peer(
                        "the Strimzi cluster operator",
                        Map.of("strimzi.io/kind", "cluster-operator"),
                        "strimzi");
        for (RenderedPod pod : pods) {
            boolean flink = Pods.FLINK_NATIVE.equals(pod.labels().get("type"));
            List<Integer> open = flink ? List.of(8081, 6123, 6124, 6122, 9249) : List.of(8083);
            for (int port : open) {
                for (Peer outsider : List.of(stranger, anywhere)) {
                    require(
                            problems,
                            !admits(rendered, outsider, pod, port),
                            pod.name(),
                            "port " + port + " closed to " + outsider.description());
                }
            }
            for (RenderedPod other : pods) {
                Peer peer = new Peer(other.name(), other.labels(), other.namespace());
                boolean sameFlinkCluster =
                        flink && Objects.equals(other.labels().get("app"), pod.labels().get("app"));
                boolean sameConnectCluster =
                        !flink
                                && Objects.equals(
                                        other.labels().get("strimzi.io/cluster"),
                                        pod.labels().get("strimzi.io/cluster"));
                if (sameFlinkCluster) {
                    // RPC, blob, and a random port (shuffle, metric queries)
                    for (int port : List.of(6123, 6124, 6122, 8081, 40123)) {
                        require(
                                problems,
                                admits(rendered, peer, pod, port),
                                pod.name(),
                                "port " + port + " open to " + other.name());
                    }
                } else if (sameConnectCluster) {
                    require(
                            problems,
                            admits(rendered, peer, pod, 8083),
                            pod.name(),
                            "port 8083 open to " + other.name());
                } else {
                    for (int port : open) {
                        require(
                                problems,
                                !admits(rendered, peer, pod, port),
                                pod.name(),
                                "port " + port + " closed to " + other.name());
                    }
                }
            }
            if (flink) {
                require(
                        problems,
                        admits(rendered, flinkOperator, pod, 8081),
                        pod.name(),
                        "port 8081 (REST) open to " + flinkOperator.description());
                require(
                        problems,
                        !admits(rendered, flinkOperator, pod, 6123),
                        pod.name(),
                        "port 6123 (RPC) closed to " + flinkOperator.description());
                require(
                        problems,
                        admits(rendered, prometheus, pod, 9249),
                        pod.name(),
                        "port 9249 (metrics) open to " + prometheus.description());
            } else {
                require(
                        problems,
                        admits(rendered, strimzi, pod, 8083),
                        pod.name(),
                        "port 8083 (REST) open to " + strimzi.description());
            }
        }
        return problems;
    }

    private static void require(List<String> problems, boolean ok, String where, String what) {
        if (!ok) {
            problems.add(where + " needs " + what);
        }
    }
}
