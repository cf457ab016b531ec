package dev.lakestream.shop.feeds;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP exchange-rate API over {@code feeds.exchange_rates}, for the local stack and the
 * tests: what a REST source meets in the wild, paginated, authenticated, and failing now and then.
 *
 * <pre>
 *  GET /v1/rates?updated_since=2026-11-29T00:00:00Z[&amp;cursor=TOKEN][&amp;limit=100]
 *      Authorization: Bearer &lt;token&gt;        (when the server has one)
 *  200 {"data":[{"base_currency":"EUR","quote_currency":"USD","rate_date":"2026-11-29",
 *                "rate":"1.087000","updated_at":"2026-11-29T16:00:00.123456Z"}, ...],
 *       "next_cursor":"TOKEN" | null}
 *  429 Retry-After: 1        (when switched on, at the configured share of requests)
 *  500                       (likewise)
 * </pre>
 *
 * Rates come in {@code updated_at} order with {@code updated_since} inclusive; pages are keyset
 * pages (the cursor token names the last row served), so a rate corrected while a client pages
 * moves to the end instead of shifting a page boundary and being skipped. Rates are served as JSON
 * strings so that no client parses them as doubles.
 */
public final class ExchangeRateApi implements AutoCloseable {

    public static final String PATH = "/v1/rates";

    static {
        // the JDK server otherwise waits for Nagle's algorithm: ~40 ms per page on loopback
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ConnectionSource connections;
    private final String bearerToken;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failuresServed = new AtomicLong();
    private volatile double share429;
    private volatile double share500;

    private ExchangeRateApi(HttpServer server, ConnectionSource connections, String token) {
        this.server = server;
        this.connections = connections;
        this.bearerToken = token;
    }

    /**
     * Starts serving on {@code 127.0.0.1:port} (0 for any free port).
     *
     * @param connections opens a connection to the database holding {@code feeds.exchange_rates}
     * @param bearerToken required in {@code Authorization}, or null for none
     */
    public static ExchangeRateApi start(int port, ConnectionSource connections, String bearerToken)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        ExchangeRateApi api = new ExchangeRateApi(server, connections, bearerToken);
        server.createContext(PATH, api::handle);
        server.setExecutor(
                Executors.newFixedThreadPool(
                        2,
                        r -> {
                            Thread t = new Thread(r, "exchange-rate-api");
                            t.setDaemon(true);
                            return t;
                        }));
        server.start();
        return api;
    }

    /** The URL of the rates endpoint. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** Answer this share of requests with 429 and that share with 500 (0 switches them off). */
    public void failures(double share429, double share500) {
        this.share429 = share429;
        this.share500 = share500;
    }

    public long requests() {
        return requests.get();
    }

    public long failuresServed() {
        return failuresServed.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "{\"error\":\"only GET\"}");
                return;
            }
            if (bearerToken != null
                    && !("Bearer " + bearerToken)
                            .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                send(exchange, 401, "{\"error\":\"missing or wrong bearer token\"}");
                return;
            }
            double dice = ThreadLocalRandom.current().nextDouble();
            if (dice < share429) {
                failuresServed.incrementAndGet();
                exchange.getResponseHeaders().set("Retry-After", "1");
                send(exchange, 429, "{\"error\":\"slow down\"}");
                return;
            }
            if (dice < share429 + share500) {
                failuresServed.incrementAndGet();
                send(exchange, 500, "{\"error\":\"internal error\"}");
                return;
            }
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            Instant since;
            int limit;
            try {
                since = Instant.parse(query.getOrDefault("updated_since", "1970-01-01T00:00:00Z"));
                limit =
                        Math.min(
                                500,
                                Math.max(1, Integer.parseInt(query.getOrDefault("limit", "100"))));
            } catch (DateTimeParseException | NumberFormatException e) {
                send(exchange, 400, "{\"error\":\"bad updated_since or limit\"}");
                return;
            }
            send(exchange, 200, page(since, query.get("cursor"), limit));
        } catch (SQLException e) {
            send(exchange, 503, "{\"error\":\"rates store unavailable\"}");
        }
    }

    private String page(Instant since, String cursor, int limit) throws SQLException {
        // keyset: (updated_at, quote, date) after the cursor's row, all base EUR
        String after = cursor;
        String sql =
                "SELECT base_currency, quote_currency, rate_date, rate, updated_at FROM "
                        + FeedSchema.SCHEMA
                        + ".exchange_rates WHERE updated_at >= ?"
                        + (after == null
                                ? ""
                                : " AND (updated_at, base_currency, quote_currency, rate_date)"
                                        + " > (?::timestamptz, ?, ?, ?::date)")
                        + " ORDER BY updated_at, base_currency, quote_currency, rate_date LIMIT ?";
        StringBuilder json = new StringBuilder("{\"data\":[");
        String last = null;
        int n = 0;
        try (Connection c = connections.open();
                PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setTimestamp(i++, Timestamp.from(since));
            if (after != null) {
                String[] parts = after.split("\\|");
                ps.setString(i++, parts[0]);
                ps.setString(i++, parts[1]);
                ps.setString(i++, parts[2]);
                ps.setString(i++, parts[3]);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant updated = rs.getTimestamp(5).toInstant();
                    if (n++ > 0) {
                        json.append(',');
                    }
                    json.append("{\"base_currency\":\"")
                            .append(rs.getString(1))
                            .append("\",\"quote_currency\":\"")
                            .append(rs.getString(2))
                            .append("\",\"rate_date\":\"")
                            .append(rs.getDate(3).toLocalDate())
                            .append("\",\"rate\":\"")
                            .append(rs.getBigDecimal(4).toPlainString())
                            .append("\",\"updated_at\":\"")
                            .append(updated)
                            .append("\"}");
                    last =
                            updated
                                    + "|"
                                    + rs.getString(1)
                                    + "|"
                                    + rs.getString(2)
                                    + "|"
                                    + rs.getDate(3).toLocalDate();
                }
            }
        }
        json.append("],\"next_cursor\":");
        if (n < limit || last == null) {
            json.append("null");
        } else {
            json.append('"').append(last).append('"');
        }
        return json.append('}').toString();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
