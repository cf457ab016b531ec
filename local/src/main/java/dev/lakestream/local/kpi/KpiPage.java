package dev.lakestream.local.kpi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The live KPI page of the local stack: gold {@code sales_daily_metrics} as the Kafka topic has it
 * now, in a browser, updated as the transformation job commits.
 *
 * <pre>
 *  gold topic --read_committed--> GoldTopicFollower --> CurrentGold (row per key, highest version)
 *                                        |                  |
 *                                        v                  v
 *                 GET /events  <-- KpiEventStream     GET /api/kpis (snapshot)
 *                 GET /        the page (kpi-page.html): loads the snapshot, then applies the events
 * </pre>
 *
 * <p>Plain JDK HTTP server on 127.0.0.1 and one static HTML file with its CSS and JavaScript
 * inline: no frontend toolchain, nothing fetched from the internet. Usage:
 *
 * <pre>{@code
 * try (KpiPage page = KpiPage.start(bootstrapServers, "lakestream.gold.sales_daily_metrics", 8090)) {
 *     System.out.println("KPI page: " + page.address());
 *     ...
 * }
 * }</pre>
 */
public final class KpiPage implements AutoCloseable {

    /** The port asked for unless {@code --kpi-port} says otherwise. */
    public static final int DEFAULT_PORT = 8090;

    /** Ports tried after the requested one when it is taken (as for the metrics endpoint). */
    private static final int NEXT_PORTS = 20;

    private static final String PAGE = "kpi-page.html";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService handlers;
    private final KpiEventStream events;
    private final CurrentGold gold;
    private final GoldTopicFollower follower;
    private final String topic;
    private final byte[] page;

    private KpiPage(HttpServer server, String bootstrapServers, String topic) {
        this.server = server;
        this.topic = topic;
        this.page = loadPage();
        this.gold = new CurrentGold();
        this.events = new KpiEventStream();
        this.follower =
                new GoldTopicFollower(
                        bootstrapServers,
                        topic,
                        gold,
                        update -> events.publish("gold", toJson(update)));
        this.handlers =
                Executors.newFixedThreadPool(
                        2,
                        r -> {
                            Thread t = new Thread(r, "kpi-page-http");
                            t.setDaemon(true);
                            return t;
                        });
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
    }

    /**
     * Serves the page on 127.0.0.1 and starts following the topic.
     *
     * @param requestedPort the port asked for ({@code --kpi-port}); when taken, the next free of
     *     the following {@value #NEXT_PORTS}; 0 for any free one
     */
    public static KpiPage start(String bootstrapServers, String topic, int requestedPort) {
        KpiPage kpi = new KpiPage(bind(requestedPort), bootstrapServers, topic);
        kpi.server.start();
        kpi.follower.start();
        return kpi;
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8090}. */
    public URI address() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        boolean streaming = false;
        try {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                respond(exchange, 405, "text/plain", "GET only\n");
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/", "/index.html" -> respond(exchange, 200, "text/html", page);
                case "/api/kpis" ->
                        respond(exchange, 200, "application/json", toJson(gold.snapshot()));
                case "/events" -> {
                    events.open(exchange);
                    streaming = true; // the stream outlives this call
                }
                default -> respond(exchange, 404, "text/plain", "not found: try / or /api/kpis\n");
            }
        } finally {
            if (!streaming) {
                exchange.close();
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, String body)
            throws IOException {
        respond(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** {@code {"sequence":..,"rows":[..],"publishedAt":..,"now":..,"topic":..}} */
    private String toJson(CurrentGold.Snapshot snapshot) {
        ObjectNode json = envelope(snapshot.sequence(), snapshot.newestPublished());
        json.put("topic", topic);
        json.putArray("rows").addAll(snapshot.rows());
        return write(json);
    }

    /** {@code {"sequence":..,"rows":[changed rows],"deleted":[keys],"publishedAt":..,"now":..}} */
    private static String toJson(CurrentGold.Update update) {
        ObjectNode json = envelope(update.sequence(), update.newestPublished());
        json.putArray("rows").addAll(update.rows());
        update.deletedKeys().forEach(json.putArray("deleted")::add);
        return write(json);
    }

    private static ObjectNode envelope(long sequence, Long newestPublished) {
        ObjectNode json = JSON.createObjectNode();
        json.put("sequence", sequence);
        // when the newest record was published (Kafka timestamp), and the server's clock to
        // measure the age with
        json.put("publishedAt", newestPublished);
        json.put("now", System.currentTimeMillis());
        return json;
    }

    private static String write(JsonNode json) {
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the KPI JSON", e);
        }
    }

    private static byte[] loadPage() {
        try (InputStream in = KpiPage.class.getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new IllegalStateException(PAGE + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpServer bind(int requested) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        int last = requested == 0 ? 0 : Math.min(65535, requested + NEXT_PORTS);
        for (int port = requested; port <= last; port++) {
            try {
                return HttpServer.create(new InetSocketAddress(loopback, port), 0);
            } catch (BindException taken) {
                // try the next one
            } catch (IOException e) {
                throw new UncheckedIOException("could not serve the KPI page on port " + port, e);
            }
        }
        throw new IllegalStateException(
                "--kpi-port: ports "
                        + requested
                        + " to "
                        + last
                        + " are all taken; pass a free one, or 0 for any");
    }

    /** Stops following the topic, ends the browsers' event streams and the server. */
    @Override
    public void close() {
        try {
            follower.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.close();
        server.stop(0);
        handlers.shutdownNow();
    }
}
