package dev.lakestream.jobs.source.rest;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on the loopback interface serving daily exchange rates the way a typical
 * incremental API does: {@code GET /rates?updated_since=...} returns the rates updated at or after
 * the cursor, oldest first, paged in any of the styles the source supports. Faults (statuses,
 * stalls, malformed bodies) can be queued for the next requests, and every request is recorded with
 * its arrival time and headers.
 */
final class RatesServer implements AutoCloseable {

    static {
        // answer without Nagle's delay, as a production server does
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** One published rate. */
    record Rate(String base, String quote, String date, String rate, String updatedAt) {
        /** The rate as the API writes it; a null field is left out (a malformed record). */
        String json() {
            StringBuilder b = new StringBuilder("{\"base\":\"").append(base).append('"');
            if (quote != null) {
                b.append(",\"quote\":\"").append(quote).append('"');
            }
            b.append(",\"date\":\"").append(date).append("\",\"rate\":").append(rate);
            return b.append(",\"updated_at\":\"").append(updatedAt).append("\"}").toString();
        }

        Instant updated() {
            return Instant.parse(updatedAt);
        }
    }

    /** A request as it arrived. */
    record Seen(long arrivalNanos, String path, Map<String, String> params, Headers headers) {}

    /** What the next request gets instead of (or before) the normal answer. */
    interface Fault {
        /** Answers the exchange, or returns false to let the normal answer follow. */
        boolean apply(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Rate> rates = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile RestSourceSettings.Pagination style = RestSourceSettings.Pagination.PAGE;
    private volatile String wrapper = "data";

    RatesServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/rates", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/rates");
    }

    RatesServer style(RestSourceSettings.Pagination style) {
        this.style = style;
        return this;
    }

    /** Name of the field holding the array; null to answer with a bare array. */
    RatesServer wrapper(String field) {
        this.wrapper = field;
        return this;
    }

    RatesServer publish(Rate... more) {
        rates.addAll(List.of(more));
        return this;
    }

    RatesServer publish(List<Rate> more) {
        rates.addAll(more);
        return this;
    }

    RatesServer fault(Fault fault) {
        faults.add(fault);
        return this;
    }

    List<Seen> requests() {
        return List.copyOf(seen);
    }

    static Fault status(int code, Map<String, String> headers, String body) {
        return exchange -> {
            headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            send(exchange, code, body);
            return true;
        };
    }

    static Fault body(String raw) {
        return status(200, Map.of("Content-Type", "application/json"), raw);
    }

    /** Waits before answering normally: longer than the read time-out, the client gives up. */
    static Fault stall(Duration wait) {
        return exchange -> {
            try {
                TimeUnit.MILLISECONDS.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        };
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> params = params(exchange.getRequestURI().getRawQuery());
            seen.add(
                    new Seen(
                            System.nanoTime(),
                            exchange.getRequestURI().getPath(),
                            params,
                            exchange.getRequestHeaders()));
            Fault fault = faults.poll();
            if (fault != null && fault.apply(exchange)) {
                return;
            }
            answer(exchange, params);
        } catch (IOException e) {
            // the client went away (e.g. it timed out): nothing to answer
        }
    }

    private void answer(HttpExchange exchange, Map<String, String> params) throws IOException {
        Instant since = Instant.parse(params.getOrDefault("updated_since", "1970-01-01T00:00:00Z"));
        List<Rate> matching =
                rates.stream()
                        .filter(r -> !r.updated().isBefore(since))
                        .sorted(
                                Comparator.comparing(Rate::updated)
                                        .thenComparing(Rate::base)
                                        .thenComparing(
                                                Rate::quote,
                                                Comparator.nullsFirst(Comparator.naturalOrder()))
                                        .thenComparing(Rate::date))
                        .toList();
        int from = 0;
        int to = matching.size();
        String next = null;
        String link = null;
        switch (style) {
            case NONE -> {}
            case PAGE, LINK -> {
                int size = Integer.parseInt(params.getOrDefault("per_page", "100"));
                int page = Integer.parseInt(params.getOrDefault("page", "1"));
                from = Math.min(matching.size(), (page - 1) * size);
                to = Math.min(matching.size(), from + size);
                if (style == RestSourceSettings.Pagination.LINK && to < matching.size()) {
                    link =
                            "<"
                                    + url()
                                    + "?updated_since="
                                    + params.get("updated_since")
                                    + "&page="
                                    + (page + 1)
                                    + "&per_page="
                                    + size
                                    + ">; rel=\"next\", <"
                                    + url()
                                    + "?page=1>; rel=\"first\"";
                }
            }
            case OFFSET -> {
                int limit = Integer.parseInt(params.getOrDefault("limit", "100"));
                from =
                        Math.min(
                                matching.size(),
                                Integer.parseInt(params.getOrDefault("offset", "0")));
                to = Math.min(matching.size(), from + limit);
            }
            case CURSOR -> {
                int size = Integer.parseInt(params.getOrDefault("per_page", "100"));
                String token = params.get("cursor");
                from = token == null ? 0 : Integer.parseInt(token.substring(1));
                from = Math.min(from, matching.size());
                to = Math.min(matching.size(), from + size);
                next = to < matching.size() ? "t" + to : null;
            }
        }
        StringBuilder array = new StringBuilder("[");
        for (int i = from; i < to; i++) {
            if (i > from) {
                array.append(',');
            }
            array.append(matching.get(i).json());
        }
        array.append(']');
        String body;
        if (wrapper == null) {
            body = array.toString();
        } else {
            body =
                    "{\""
                            + wrapper
                            + "\":"
                            + array
                            + (style == RestSourceSettings.Pagination.CURSOR
                                    ? ",\"next_cursor\":"
                                            + (next == null ? "null" : "\"" + next + "\"")
                                    : "")
                            + "}";
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (link != null) {
            exchange.getResponseHeaders().add("Link", link);
        }
        send(exchange, 200, body);
    }

    private static void send(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static Map<String, String> params(String rawQuery) {
        Map<String, String> out = new HashMap<>();
        if (rawQuery == null) {
            return out;
        }
        for (String part : rawQuery.split("&")) {
            String[] kv = part.split("=", 2);
            out.put(
                    URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return out;
    }

    /** {@code n} rates of one base currency against made-up quotes, one second apart. */
    static List<Rate> rates(int n, Instant firstUpdate) {
        List<Rate> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(
                    new Rate(
                            "EUR",
                            "Q" + String.format("%05d", i),
                            "2024-05-01",
                            "1.0" + (i % 1000),
                            firstUpdate.plusSeconds(i).toString()));
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
