package dev.lakestream.local.kpi;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The page's server-sent events ({@code text/event-stream}): every browser that opened {@code
 * /events} gets each update as one {@code gold} event, in order. The handler only registers the
 * response stream and returns; the writes come from the follower's thread, and a comment line every
 * 15 s finds the browsers that went away (the write fails) and keeps proxies from timing out.
 */
final class KpiEventStream implements AutoCloseable {

    private final List<OutputStream> browsers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService keepAlive =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "kpi-events-keep-alive");
                        t.setDaemon(true);
                        return t;
                    });

    KpiEventStream() {
        keepAlive.scheduleAtFixedRate(() -> send(": keep-alive\n\n"), 15, 15, TimeUnit.SECONDS);
    }

    /** Answers {@code GET /events}: headers now, events as they come. */
    void open(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, 0);
        OutputStream body = exchange.getResponseBody();
        // the browser reconnects after 2 s when the stream breaks (a restart of the stack)
        write(body, "retry: 2000\n\n");
        browsers.add(body);
    }

    /**
     * Sends one event with a JSON payload (one line: JSON has no raw newlines) to every browser.
     */
    void publish(String event, String json) {
        send("event: " + event + "\ndata: " + json + "\n\n");
    }

    int browsers() {
        return browsers.size();
    }

    private void send(String text) {
        for (OutputStream body : browsers) {
            try {
                write(body, text);
            } catch (IOException gone) {
                browsers.remove(body);
                closeQuietly(body);
            }
        }
    }

    private static void write(OutputStream body, String text) throws IOException {
        synchronized (body) {
            body.write(text.getBytes(StandardCharsets.UTF_8));
            body.flush();
        }
    }

    private static void closeQuietly(OutputStream body) {
        try {
            body.close();
        } catch (IOException ignored) {
            // the browser is gone already
        }
    }

    @Override
    public void close() {
        keepAlive.shutdownNow();
        browsers.forEach(KpiEventStream::closeQuietly);
        browsers.clear();
    }
}
