package dev.lakestream.connect.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of the Kafka Connect REST API that deploy, status and replay use, as plain JSON.
 *
 * <p>Why no typed model: the API's answers gain fields from release to release and the tools print
 * them for operators, so a {@link JsonNode} is passed through instead of a schema that would have
 * to follow Kafka's. Every call that Connect answers with an error status throws a {@link
 * ConnectRestException} carrying Connect's own message (e.g. why a config is refused).
 *
 * <p>Offsets API (KIP-875, Kafka 3.6+): a connector's offsets can only be changed while it is
 * {@code STOPPED} (not merely paused), and for a sink the offsets are those of its consumer group,
 * addressed as {@code {"kafka_topic","kafka_partition"} -> {"kafka_offset"}}.
 */
public final class ConnectRestClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(150);

    private final URI base;
    private final HttpClient http;

    public ConnectRestClient(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    public URI base() {
        return base;
    }

    /** {@code GET /}: the worker's Kafka version and the Kafka cluster id. */
    public JsonNode worker() {
        return send("GET", "/", null).orElseThrow();
    }

    /** {@code GET /connectors}. */
    public List<String> connectors() {
        JsonNode names = send("GET", "/connectors", null).orElseThrow();
        return JSON.convertValue(
                names, JSON.getTypeFactory().constructCollectionType(List.class, String.class));
    }

    /** {@code GET /connectors/{name}/config}, empty if there is no such connector. */
    public Optional<Map<String, String>> config(String name) {
        return sendAllowingNotFound("GET", connector(name) + "/config", null)
                .map(
                        config ->
                                JSON.convertValue(
                                        config,
                                        JSON.getTypeFactory()
                                                .constructMapType(
                                                        Map.class, String.class, String.class)));
    }

    /** {@code PUT /connectors/{name}/config}: creates the connector or replaces its config. */
    public JsonNode putConfig(String name, Map<String, String> config) {
        return send("PUT", connector(name) + "/config", JSON.valueToTree(config)).orElseThrow();
    }

    /** {@code GET /connectors/{name}/status}, empty if there is no such connector. */
    public Optional<JsonNode> status(String name) {
        return sendAllowingNotFound("GET", connector(name) + "/status", null);
    }

    /** {@code GET /connector-plugins?connectorsOnly=true}. */
    public JsonNode connectorPlugins() {
        return send("GET", "/connector-plugins?connectorsOnly=true", null).orElseThrow();
    }

    /**
     * {@code PUT /connector-plugins/{class}/config/validate}: the connector's own validation of a
     * configuration, one entry per key with its errors.
     */
    public JsonNode validate(String connectorClass, Map<String, String> config) {
        String simpleName = connectorClass.substring(connectorClass.lastIndexOf('.') + 1);
        return send(
                        "PUT",
                        "/connector-plugins/" + encode(simpleName) + "/config/validate",
                        JSON.valueToTree(config))
                .orElseThrow();
    }

    /** {@code PUT /connectors/{name}/stop} (KIP-875): tasks shut down, offsets may be changed. */
    public void stop(String name) {
        send("PUT", connector(name) + "/stop", null);
    }

    /** {@code PUT /connectors/{name}/resume}: from paused or stopped back to running. */
    public void resume(String name) {
        send("PUT", connector(name) + "/resume", null);
    }

    /** {@code POST /connectors/{name}/restart?includeTasks=true&onlyFailed=true}. */
    public void restartFailed(String name) {
        send("POST", connector(name) + "/restart?includeTasks=true&onlyFailed=true", null);
    }

    /** {@code GET /connectors/{name}/offsets}. */
    public JsonNode offsets(String name) {
        return send("GET", connector(name) + "/offsets", null).orElseThrow();
    }

    /**
     * {@code PATCH /connectors/{name}/offsets} with sink offsets, {@code topic -> partition ->
     * offset}.
     */
    public JsonNode alterSinkOffsets(String name, Map<String, Map<Integer, Long>> offsets) {
        return send("PATCH", connector(name) + "/offsets", sinkOffsets(offsets)).orElseThrow();
    }

    /**
     * The body of {@code PATCH /connectors/{name}/offsets} for a sink connector (KIP-875): {@code
     * {"offsets":[{"partition":{"kafka_topic":..,"kafka_partition":..},"offset":{"kafka_offset":..}}]}}.
     * Strimzi's {@code alterOffsets.fromConfigMap} passes its {@code offsets.json} to the same
     * endpoint, so the Strimzi replay writes exactly this.
     */
    public static ObjectNode sinkOffsets(Map<String, ? extends Map<Integer, Long>> offsets) {
        ObjectNode body = JSON.createObjectNode();
        var list = body.putArray("offsets");
        offsets.forEach(
                (topic, partitions) ->
                        partitions.forEach(
                                (partition, offset) -> {
                                    ObjectNode entry = list.addObject();
                                    entry.putObject("partition")
                                            .put("kafka_topic", topic)
                                            .put("kafka_partition", partition);
                                    entry.putObject("offset").put("kafka_offset", offset);
                                }));
        return body;
    }

    private static String connector(String name) {
        return "/connectors/" + encode(name);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private Optional<JsonNode> sendAllowingNotFound(String method, String path, JsonNode body) {
        try {
            return send(method, path, body);
        } catch (ConnectRestException e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private Optional<JsonNode> send(String method, String path, JsonNode body) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(REQUEST_TIMEOUT)
                        .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Kafka Connect at " + base + " did not answer " + method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during " + method + " " + path, e);
        }
        JsonNode answer = parse(response.body());
        if (response.statusCode() >= 400) {
            String message =
                    answer != null && answer.hasNonNull("message")
                            ? answer.get("message").asText()
                            : response.body();
            throw new ConnectRestException(method, path, response.statusCode(), message);
        }
        return Optional.ofNullable(answer);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(body);
        }
    }
}
