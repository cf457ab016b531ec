package dev.lakestream.jobs.source.rest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lakestream.jobs.config.JobSettings;
import dev.lakestream.jobs.ingestion.OperatorIds;
import dev.lakestream.jobs.source.SourceRecord;
import dev.lakestream.verification.runtime.EmbeddedFlinkCluster;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;

/**
 * Records per second the REST source sustains on this machine: a local HTTP server holds {@code
 * --records} exchange rates (default 200,000) and serves them in pages of {@code --page-size}
 * (default 500); the source reads them all, in a Flink job on a MiniCluster, into a counting sink.
 * Also reports the poll loop alone (HTTP, parsing, de-duplication) without Flink.
 *
 * <pre>
 *   mvn -B -q -pl flink-jobs -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *       -Dmdep.outputFile=target/test-classpath.txt
 *   OPENS=$(sed -n 's:.*&lt;flink.jvm.opens&gt;\(.*\)&lt;/flink.jvm.opens&gt;.*:\1:p' pom.xml)
 *   java -Xmx2g $OPENS -cp flink-jobs/target/test-classes:flink-jobs/target/classes:$(cat \
 *       flink-jobs/target/test-classpath.txt) dev.lakestream.jobs.source.rest.RestSourceBenchmark \
 *       [--records 200000] [--page-size 500]
 * </pre>
 *
 * The rate cap is lifted (10,000 requests/s) so that the number is the source's, not the cap's.
 */
public final class RestSourceBenchmark {

    private RestSourceBenchmark() {}

    static final AtomicLong COUNT = new AtomicLong();

    public static void main(String[] args) throws Exception {
        // the JDK's HTTP server otherwise writes headers and body under Nagle's algorithm, and
        // the client's delayed ACK then costs 40 ms per page: a limit of the test server, not
        // of the source
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int records = 200_000;
        int pageSize = 500;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--records" -> records = Integer.parseInt(args[++i]);
                case "--page-size" -> pageSize = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Instant t0 = Instant.parse("2024-01-01T00:00:00Z");
        String[] json = new String[records];
        long[] cursors = new long[records];
        for (int i = 0; i < records; i++) {
            Instant updated = t0.plusMillis(i * 10L);
            cursors[i] = updated.toEpochMilli();
            json[i] =
                    String.format(
                            Locale.ROOT,
                            "{\"base\":\"EUR\",\"quote\":\"Q%06d\",\"date\":\"2024-01-01\","
                                    + "\"rate\":%d.%04d,\"updated_at\":\"%s\"}",
                            i,
                            1 + i % 7,
                            i % 10_000,
                            updated);
        }
        HttpServer server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/rates", exchange -> serve(exchange, json, cursors));
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/rates";
        Map<String, String> map = new HashMap<>();
        map.put("source.rest.enabled", "true");
        map.put("source.rest.url", url);
        map.put("source.rest.pagination.page-size", Integer.toString(pageSize));
        map.put("source.rest.max-requests-per-second", "10000");
        map.put("source.rest.poll-interval", "1h");
        RestSourceSettings settings =
                RestSourceSettings.from(
                        JobSettings.fromMap(map, RestSourceOptions.keys(), Set.of()));
        System.out.printf(
                "REST source benchmark: %,d records in pages of %d, %d pages per poll%n",
                records, pageSize, settings.maxPagesPerPoll());
        int status = 1;
        try {
            pollerAlone(settings, records);
            throughFlink(settings, records);
            status = 0;
        } catch (Exception e) {
            e.printStackTrace();
        } finally {
            server.stop(0);
        }
        // Flink's threads would keep the JVM alive
        System.exit(status);
    }

    private static void pollerAlone(RestSourceSettings settings, int records) throws Exception {
        try (RestPoller poller = new RestPoller(settings, new RestHttp(settings))) {
            long start = System.nanoTime();
            RestSplit split = RestSplit.initial(settings);
            long n = 0;
            while (n < records) {
                RestPoller.PollCycle cycle = poller.poll(split, settings.maxPagesPerPoll());
                n += cycle.records().size();
                split = cycle.next();
            }
            report("poll loop alone (HTTP + parse, no Flink)", n, System.nanoTime() - start);
        }
    }

    private static void throughFlink(RestSourceSettings settings, int records) throws Exception {
        Configuration cluster = new Configuration();
        // any free port for the web UI: 8081 may be taken by a running local stack
        cluster.set(org.apache.flink.configuration.RestOptions.BIND_PORT, "0");
        try (EmbeddedFlinkCluster flink = EmbeddedFlinkCluster.start(cluster, 1)) {
            StreamExecutionEnvironment env = new StreamExecutionEnvironment(new Configuration());
            env.setParallelism(1);
            env.fromSource(
                            new RestSource(settings),
                            WatermarkStrategy.noWatermarks(),
                            settings.source())
                    .uid(OperatorIds.recordSource(settings.source()))
                    .addSink(new CountingSink())
                    .disableChaining();
            COUNT.set(0);
            long start = System.nanoTime();
            JobID job = flink.submit(env, "rest-source-benchmark", Optional.empty());
            while (COUNT.get() < records) {
                Thread.sleep(1);
            }
            // from submission, job start included: a poll's records are emitted only once the
            // whole poll (up to max-pages-per-poll pages) is fetched, so there is no fair
            // "from the first record" figure
            report(
                    "Flink job (source -> counting sink), from submission",
                    COUNT.get(),
                    System.nanoTime() - start);
            flink.cancel(job);
        }
    }

    private static void report(String what, long n, long nanos) {
        double seconds = nanos / 1e9;
        System.out.printf(
                "  %-66s %,9d records in %6.2f s = %,10.0f records/s%n",
                what, n, seconds, n / seconds);
    }

    /** Counts what arrives. */
    static final class CountingSink implements SinkFunction<SourceRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public void invoke(SourceRecord value, Context context) {
            COUNT.incrementAndGet();
        }
    }

    private static void serve(HttpExchange exchange, String[] json, long[] cursors)
            throws IOException {
        try (exchange) {
            Map<String, String> params = new HashMap<>();
            for (String part : exchange.getRequestURI().getRawQuery().split("&")) {
                String[] kv = part.split("=", 2);
                params.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
            long since = Instant.parse(params.get("updated_since")).toEpochMilli();
            int size = Integer.parseInt(params.get("per_page"));
            int page = Integer.parseInt(params.get("page"));
            int first = Arrays.binarySearch(cursors, since);
            first = first < 0 ? -first - 1 : first;
            int from = Math.min(json.length, first + (page - 1) * size);
            int to = Math.min(json.length, from + size);
            StringBuilder body = new StringBuilder(128 * (to - from) + 16).append("{\"data\":[");
            for (int i = from; i < to; i++) {
                if (i > from) {
                    body.append(',');
                }
                body.append(json[i]);
            }
            byte[] bytes = body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
