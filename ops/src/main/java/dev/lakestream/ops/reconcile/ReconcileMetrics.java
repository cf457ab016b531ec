package dev.lakestream.ops.reconcile;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last cycle's outcome as Prometheus gauges, served as text on {@code /metrics} (JDK
 * HttpServer, off unless {@code --metrics-port} is given):
 *
 * <pre>
 *  lakestream_reconcile_ranges{check,table,status}      ranges per status
 *  lakestream_reconcile_keys_drifting{check,table}      keys that drift
 *  lakestream_reconcile_last_run_timestamp_seconds      when the last cycle started
 *  lakestream_reconcile_duration_seconds                how long it took
 * </pre>
 *
 * Labels are bounded: a check, a table and a status, never a key.
 */
final class ReconcileMetrics implements AutoCloseable {

    private volatile String text = "";
    private HttpServer server;

    /** Starts serving on {@code port} (0: any free port, see {@link #port()}). */
    void serve(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext(
                "/metrics",
                exchange -> {
                    byte[] body = text.getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders()
                            .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Replaces the gauges with one cycle's. */
    void record(Instant runAt, Duration took, List<RangeResult> ranges) {
        text = render(runAt, took, ranges);
    }

    static String render(Instant runAt, Duration took, List<RangeResult> ranges) {
        Map<String, Long> perStatus = new TreeMap<>();
        Map<String, Long> drifting = new TreeMap<>();
        for (RangeResult r : ranges) {
            String labels = "check=\"" + r.check() + "\",table=\"" + r.table() + "\"";
            for (RangeResult.Status s : RangeResult.Status.values()) {
                perStatus.merge(labels + ",status=\"" + s.label() + "\"", 0L, Long::sum);
            }
            perStatus.merge(labels + ",status=\"" + r.status().label() + "\"", 1L, Long::sum);
            drifting.merge(labels, r.keysDiffering(), Long::sum);
        }
        StringBuilder s = new StringBuilder();
        s.append("# HELP lakestream_reconcile_ranges Key ranges of the last cycle per status.\n");
        s.append("# TYPE lakestream_reconcile_ranges gauge\n");
        perStatus.forEach(
                (l, v) ->
                        s.append("lakestream_reconcile_ranges{")
                                .append(l)
                                .append("} ")
                                .append(v)
                                .append('\n'));
        s.append("# HELP lakestream_reconcile_keys_drifting Keys that drift in the last cycle.\n");
        s.append("# TYPE lakestream_reconcile_keys_drifting gauge\n");
        drifting.forEach(
                (l, v) ->
                        s.append("lakestream_reconcile_keys_drifting{")
                                .append(l)
                                .append("} ")
                                .append(v)
                                .append('\n'));
        s.append(
                "# HELP lakestream_reconcile_last_run_timestamp_seconds When the last cycle"
                        + " started.\n");
        s.append("# TYPE lakestream_reconcile_last_run_timestamp_seconds gauge\n");
        s.append("lakestream_reconcile_last_run_timestamp_seconds ")
                .append(runAt.getEpochSecond())
                .append('\n');
        s.append("# HELP lakestream_reconcile_duration_seconds How long the last cycle took.\n");
        s.append("# TYPE lakestream_reconcile_duration_seconds gauge\n");
        s.append("lakestream_reconcile_duration_seconds ")
                .append(took.toMillis() / 1000.0)
                .append('\n');
        return s.toString();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
