package dev.lakestream.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakestream.catalog.DanglingDeletes;
import dev.lakestream.catalog.TableHealth;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.util.TimeUtils;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Runs the local stack for a long time under a steady workload and shows, interval by interval,
 * whether anything grows that should stay flat: checkpoint durations and state size, Iceberg commit
 * delay, commit -> gold latency, files, snapshots and metadata size per table, memory of every
 * process, disk and log bytes.
 *
 * <pre>
 *   java ... dev.lakestream.local.SoakBenchmark [--minutes 60] [--rate 100] [--report-every 5m]
 *       [--checkpoint-interval 10s] [--probe-every 3s] [--data DIR] [--out soak.csv]
 *
 *   sampler (every 5 s) -- Flink REST /jobs/overview, /jobs/ID/checkpoints --> completed checkpoints
 *   GoldProbe (every probe-every) -- order in PostgreSQL ... gold record on Kafka --> latencies
 *   report (every report-every) -- catalog, /proc, data folder --> table on stdout, row in --out
 * </pre>
 *
 * <p>Where the numbers come from: checkpoints from the MiniCluster's REST API (its history keeps
 * the last ten, so it is read every five seconds and remembered by id); commit delay is the time
 * from a checkpoint's last acknowledgement to the Iceberg snapshot that carries its id in {@code
 * flink.max-committed-checkpoint-id}; table counts from the current snapshot's summary ({@code
 * total-data-files}, {@code total-delete-files}) and {@code table.snapshots()}; memory is VmRSS of
 * this JVM and of the Kafka and S3Proxy JVMs (their pid files) and the PSS sum of the PostgreSQL
 * processes (they share their buffers; RSS would count them once per backend). Every job the
 * cluster runs gets a line, so a table-maintenance job shows up by itself once the stack runs one.
 *
 * <p>The summary compares the first and last interval of each series as growth per hour; the same
 * series go to a CSV file, rewritten after every interval so that an interrupted run keeps them.
 */
public final class SoakBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);

    private final LocalStack stack;
    private final Path data;
    private final Path out;
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI rest;

    /** Completed checkpoints per job name, by checkpoint id; REST keeps only the last ten. */
    private final Map<String, Map<Long, JsonNode>> checkpoints = new TreeMap<>();

    /** Last acknowledgement time of each completed checkpoint, by job id and checkpoint id. */
    private final Map<String, Long> ackedAt = new HashMap<>();

    private final Map<String, String> jobNames = new HashMap<>();
    private final Map<String, Long> checkpointsReported = new HashMap<>();
    private final List<Map<String, Double>> rows = new ArrayList<>();
    private final List<Long> rowTimes = new ArrayList<>();
    private final long start = System.currentTimeMillis();
    private long lastReport = start;

    private SoakBenchmark(LocalStack stack, Path data, Path out) {
        this.stack = stack;
        this.data = data;
        this.out = out;
        this.rest = stack.flinkRestAddress();
    }

    public static void main(String[] args) throws Exception {
        double minutes = 60;
        double rate = 100;
        Duration reportEvery = Duration.ofMinutes(5);
        Duration probeEvery = Duration.ofSeconds(3);
        String checkpointInterval = "10s";
        Path data = null;
        Path out = Path.of("soak-" + Instant.now().toString().replace(':', '-') + ".csv");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--minutes" -> minutes = Double.parseDouble(args[++i]);
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--report-every" -> reportEvery = TimeUtils.parseDuration(args[++i]);
                case "--probe-every" -> probeEvery = TimeUtils.parseDuration(args[++i]);
                case "--checkpoint-interval" -> checkpointInterval = args[++i];
                case "--data" -> data = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default ->
                        throw new IllegalArgumentException(
                                "unknown option "
                                        + args[i]
                                        + "; options: --minutes --rate --report-every --probe-every"
                                        + " --checkpoint-interval --data --out");
            }
        }
        boolean temporary = data == null;
        data = temporary ? Files.createTempDirectory("lakestream-soak") : data.toAbsolutePath();
        Files.createDirectories(data.resolve("logs"));
        System.setProperty("lakestream.log.dir", data.resolve("logs").toString());
        LocalOptions options =
                LocalOptions.parse(
                        new String[] {
                            "run",
                            "--data",
                            data.toString(),
                            "--rate",
                            Double.toString(rate),
                            "--ui-port",
                            "0",
                            "--metrics-port",
                            "0",
                            "--checkpoint-interval",
                            checkpointInterval
                        });
        System.out.printf(
                "SOAK %.0f min at %.0f tx/s, report every %s, data in %s, series to %s%n",
                minutes, rate, reportEvery, data, out.toAbsolutePath());
        int exit = 0;
        // the stack's own progress display would bury the report: only its steps get through
        PrintStream stackOut = new PrintStream(new StepsOnly(System.out), true);
        try (LocalStack stack = new LocalStack(options, data, stackOut)) {
            CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> run(stack));
            stack.awaitGeneratorStarted(Duration.ofMinutes(10));
            SoakBenchmark soak = new SoakBenchmark(stack, data, out);
            try (GoldProbe probe = new GoldProbe(stack)) {
                soak.run(
                        probe,
                        Duration.ofMillis((long) (minutes * 60_000)),
                        reportEvery,
                        probeEvery,
                        running);
            }
            soak.summary();
            stack.requestStop();
            running.join();
        } catch (Exception e) {
            System.err.println("SOAK failed: " + e);
            e.printStackTrace();
            exit = 1;
        } finally {
            if (temporary) {
                LocalStack.deleteRecursively(data);
            }
        }
        System.exit(exit);
    }

    private static int run(LocalStack stack) {
        try {
            return stack.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void run(
            GoldProbe probe,
            Duration length,
            Duration reportEvery,
            Duration probeEvery,
            CompletableFuture<Integer> running)
            throws Exception {
        long end = start + length.toMillis();
        long nextSample = start;
        long nextProbe = start;
        long nextReport = start + reportEvery.toMillis();
        List<Long> latencies = new ArrayList<>();
        while (true) {
            long now = System.currentTimeMillis();
            if (running.isDone()) {
                running.join(); // rethrows what stopped the stack
                throw new IllegalStateException("the local stack stopped during the soak");
            }
            if (now >= nextProbe) {
                probe.probe();
                nextProbe += probeEvery.toMillis();
            }
            if (now >= nextSample) {
                sampleCheckpoints();
                latencies.addAll(probe.drainLatencies());
                nextSample += SAMPLE_EVERY.toMillis();
            }
            if (now >= nextReport || now >= end) {
                report(now, latencies, probe.pending());
                latencies.clear();
                nextReport += reportEvery.toMillis();
                if (now >= end) {
                    return;
                }
            }
            long wake = Math.min(Math.min(nextProbe, nextSample), Math.min(nextReport, end));
            // pacing probes and samples; nothing to wait on but the clock
            Thread.sleep(Math.max(10, wake - System.currentTimeMillis()));
        }
    }

    // --- Flink ---------------------------------------------------------------------------

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(rest.resolve(path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private void sampleCheckpoints() throws IOException, InterruptedException {
        for (JsonNode job : get("/jobs/overview").path("jobs")) {
            if (!"RUNNING".equals(job.path("state").asText())) {
                continue;
            }
            String id = job.path("jid").asText();
            String name = job.path("name").asText();
            jobNames.put(id, name);
            Map<Long, JsonNode> seen = checkpoints.computeIfAbsent(name, n -> new TreeMap<>());
            for (JsonNode c : get("/jobs/" + id + "/checkpoints").path("history")) {
                if ("COMPLETED".equals(c.path("status").asText())) {
                    seen.putIfAbsent(c.path("id").asLong(), c);
                    ackedAt.put(
                            id + "/" + c.path("id").asLong(),
                            c.path("latest_ack_timestamp").asLong());
                }
            }
        }
    }

    // --- the report --------------------------------------------------------------------------

    private void report(long now, List<Long> latencies, long pendingProbes) throws Exception {
        sampleCheckpoints();
        Map<String, Double> row = new LinkedHashMap<>();
        StringBuilder text = new StringBuilder();
        text.append(
                String.format(
                        Locale.ROOT,
                        "%n== SOAK at %s (%d s since the last report) ==%n",
                        clock(now - start),
                        (now - lastReport) / 1000));

        text.append(
                String.format(
                        Locale.ROOT,
                        "%-28s %6s %9s %9s %11s %11s%n",
                        "job",
                        "ckpts",
                        "dur p50",
                        "dur max",
                        "state",
                        "ckpt'd max"));
        for (var job : checkpoints.entrySet()) {
            List<JsonNode> fresh = new ArrayList<>();
            for (JsonNode c : job.getValue().values()) {
                long ack = c.path("latest_ack_timestamp").asLong();
                if (ack > lastReport && ack <= now) {
                    fresh.add(c);
                }
            }
            List<Long> durations =
                    fresh.stream()
                            .map(c -> c.path("end_to_end_duration").asLong())
                            .sorted()
                            .toList();
            long state =
                    job.getValue().isEmpty()
                            ? 0
                            : Collections.max(job.getValue().entrySet(), Map.Entry.comparingByKey())
                                    .getValue()
                                    .path("state_size")
                                    .asLong();
            long checkpointedMax =
                    fresh.stream()
                            .mapToLong(c -> c.path("checkpointed_size").asLong())
                            .max()
                            .orElse(0);
            String key = "job." + job.getKey();
            row.put(key + ".checkpoints", (double) fresh.size());
            row.put(key + ".ckpt_p50_ms", (double) percentile(durations, 50));
            row.put(key + ".ckpt_max_ms", (double) percentile(durations, 100));
            row.put(key + ".state_bytes", (double) state);
            text.append(
                    String.format(
                            Locale.ROOT,
                            "%-28s %6d %7d ms %7d ms %11s %11s%n",
                            job.getKey(),
                            fresh.size(),
                            percentile(durations, 50),
                            percentile(durations, 100),
                            bytes(state),
                            bytes(checkpointedMax)));
        }

        List<Long> sorted = latencies.stream().sorted().toList();
        row.put("gold_latency.probes", (double) sorted.size());
        row.put("gold_latency.p50_ms", (double) percentile(sorted, 50));
        row.put("gold_latency.p99_ms", (double) percentile(sorted, 99));
        text.append(
                String.format(
                        Locale.ROOT,
                        "commit -> gold on Kafka: %d probes, p50 %.1f s, p99 %.1f s, max %.1f s"
                                + " (%d not yet visible)%n",
                        sorted.size(),
                        percentile(sorted, 50) / 1000.0,
                        percentile(sorted, 99) / 1000.0,
                        percentile(sorted, 100) / 1000.0,
                        pendingProbes));

        tables(now, row, text);
        processes(row, text);
        disk(row, text);

        System.out.print(text);
        System.out.flush();
        rows.add(row);
        rowTimes.add(now);
        lastReport = now;
        writeCsv();
    }

    private void tables(long now, Map<String, Double> row, StringBuilder text) {
        Catalog catalog = stack.catalog();
        text.append(
                String.format(
                        Locale.ROOT,
                        "%-34s %10s %8s %8s %6s %9s %9s %5s %16s%n",
                        "table",
                        "records",
                        "data f.",
                        "del. f.",
                        "dangl.",
                        "snapshots",
                        "manifests",
                        "new",
                        "commit p50/max"));
        Map<String, double[]> layers = new TreeMap<>();
        for (Namespace namespace : ((SupportsNamespaces) catalog).listNamespaces()) {
            for (TableIdentifier id : catalog.listTables(namespace)) {
                Table table = catalog.loadTable(id);
                TableHealth health = TableHealth.of(table);
                int dangling =
                        table.currentSnapshot() == null
                                ? 0
                                : DanglingDeletes.of(
                                                table.currentSnapshot(), table.io(), table.specs())
                                        .size();
                List<Long> commitDelays = new ArrayList<>();
                int fresh = 0;
                for (Snapshot s : table.snapshots()) {
                    if (s.timestampMillis() > lastReport && s.timestampMillis() <= now) {
                        fresh++;
                        Long acked =
                                ackedAt.get(
                                        s.summary().get("flink.job-id")
                                                + "/"
                                                + s.summary()
                                                        .get("flink.max-committed-checkpoint-id"));
                        if (acked != null) {
                            commitDelays.add(s.timestampMillis() - acked);
                        }
                    }
                }
                Collections.sort(commitDelays);
                String key = "table." + id;
                row.put(key + ".data_files", (double) health.dataFiles());
                row.put(key + ".delete_files", (double) health.deleteFiles());
                row.put(key + ".dangling_delete_files", (double) dangling);
                row.put(key + ".snapshots", (double) health.snapshots());
                row.put(key + ".manifests", (double) health.manifests());
                row.put(key + ".metadata_bytes", (double) health.metadataBytes());
                row.put(key + ".commit_p50_ms", (double) percentile(commitDelays, 50));
                double[] layer = layers.computeIfAbsent(namespace.toString(), n -> new double[6]);
                layer[0] += health.dataFiles();
                layer[1] += health.deleteFiles();
                layer[2] += health.snapshots();
                layer[3] += health.metadataBytes();
                layer[4] = Math.max(layer[4], percentile(commitDelays, 100));
                layer[5] += health.manifests();
                text.append(
                        String.format(
                                Locale.ROOT,
                                "%-34s %10d %8d %8d %6d %9d %9d %5d %7d/%6d ms  metadata.json %s%n",
                                id,
                                health.records(),
                                health.dataFiles(),
                                health.deleteFiles(),
                                dangling,
                                health.snapshots(),
                                health.manifests(),
                                fresh,
                                percentile(commitDelays, 50),
                                percentile(commitDelays, 100),
                                bytes(health.metadataBytes())));
            }
        }
        layers.forEach(
                (layer, v) -> {
                    String key = "layer." + layer;
                    row.put(key + ".data_files", v[0]);
                    row.put(key + ".delete_files", v[1]);
                    row.put(key + ".snapshots", v[2]);
                    row.put(key + ".manifests", v[5]);
                    row.put(key + ".metadata_bytes", v[3]);
                    row.put(key + ".commit_max_ms", v[4]);
                    text.append(
                            String.format(
                                    Locale.ROOT,
                                    "  %-10s %8.0f data files, %6.0f delete files, %6.0f snapshots,"
                                            + " %6.0f manifests, metadata.json %s in all, commit"
                                            + " max %.0f ms%n",
                                    layer,
                                    v[0],
                                    v[1],
                                    v[2],
                                    v[5],
                                    bytes((long) v[3]),
                                    v[4]));
                });
    }

    /** RSS of this JVM and of the Kafka and S3Proxy JVMs; PSS of all PostgreSQL processes. */
    private void processes(Map<String, Double> row, StringBuilder text) {
        long self = rss(ProcessHandle.current().pid());
        long kafka = pidFile(data.resolve("kafka/kafka.pid")).map(SoakBenchmark::rss).orElse(0L);
        long s3 = pidFile(data.resolve("s3/s3proxy.pid")).map(SoakBenchmark::rss).orElse(0L);
        long postgres =
                pidFile(data.resolve("postgres/postmaster.pid"))
                        .flatMap(ProcessHandle::of)
                        .map(p -> pss(p.pid()) + p.descendants().mapToLong(d -> pss(d.pid())).sum())
                        .orElse(0L);
        row.put("memory.lakestream_jvm_rss", (double) self);
        row.put("memory.kafka_rss", (double) kafka);
        row.put("memory.s3proxy_rss", (double) s3);
        row.put("memory.postgres_pss", (double) postgres);
        text.append(
                String.format(
                        Locale.ROOT,
                        "memory: lakestream JVM %s RSS, Kafka %s, S3Proxy %s, PostgreSQL %s PSS%n",
                        bytes(self),
                        bytes(kafka),
                        bytes(s3),
                        bytes(postgres)));
    }

    private void disk(Map<String, Double> row, StringBuilder text) throws IOException {
        Map<String, Long> folders = new TreeMap<>();
        long[] logs = new long[2]; // bytes, files
        // files come and go while we count (rolled logs, expired checkpoints): skip those, count
        // the rest; Files.walk would give up at the first one
        Files.walkFileTree(
                data,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path p, BasicFileAttributes attributes) {
                        Path relative = data.relativize(p);
                        String top =
                                relative.getNameCount() > 1 ? relative.getName(0).toString() : ".";
                        folders.merge(top, attributes.size(), Long::sum);
                        if (isLog(relative)) {
                            logs[0] += attributes.size();
                            logs[1]++;
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path p, IOException gone) {
                        return FileVisitResult.CONTINUE;
                    }
                });
        long logBytes = logs[0];
        long logFiles = logs[1];
        long total = folders.values().stream().mapToLong(Long::longValue).sum();
        row.put("disk.total_bytes", (double) total);
        StringBuilder parts = new StringBuilder();
        folders.forEach(
                (folder, size) -> {
                    row.put("disk." + folder + "_bytes", (double) size);
                    parts.append(' ').append(folder).append(' ').append(bytes(size)).append(',');
                });
        row.put("logs.bytes", (double) logBytes);
        text.append(
                String.format(
                        Locale.ROOT,
                        "data folder %s:%s%nlog files: %d, %s%n",
                        bytes(total),
                        parts.length() > 0 ? parts.substring(0, parts.length() - 1) : "",
                        logFiles,
                        bytes(logBytes)));
    }

    /**
     * Log files of the stack and of its services: {@code *.log}, {@code *.out} and their rolled
     * copies. Kafka's {@code kafka/logs/} is its data (topic segments are {@code .log} files).
     */
    static boolean isLog(Path relative) {
        String path = relative.toString().replace('\\', '/');
        if (path.startsWith("kafka/logs/")) {
            return false;
        }
        return relative.getFileName().toString().matches(".*\\.(log|out)(\\.\\d+)?(\\.gz)?");
    }

    // --- the summary ---------------------------------------------------------------------------

    private void summary() {
        if (rows.size() < 2) {
            System.out.println("SOAK summary needs two intervals; got " + rows.size());
            return;
        }
        double hours = (rowTimes.get(rowTimes.size() - 1) - rowTimes.get(0)) / 3_600_000.0;
        Map<String, Double> first = rows.get(0);
        Map<String, Double> last = rows.get(rows.size() - 1);
        System.out.printf(
                Locale.ROOT,
                "%n== SOAK summary: %d intervals over %s; growth per hour from the first interval"
                        + " to the last ==%n%-60s %14s %14s %14s%n",
                rows.size(),
                clock(rowTimes.get(rowTimes.size() - 1) - start),
                "series",
                "first",
                "last",
                "per hour");
        for (String series : seriesNames()) {
            Double a = first.get(series);
            Double b = last.get(series);
            if (a == null || b == null) {
                System.out.printf(Locale.ROOT, "%-60s %14s %14s %14s%n", series, a, b, "n/a");
                continue;
            }
            System.out.printf(
                    Locale.ROOT, "%-60s %14.0f %14.0f %+14.0f%n", series, a, b, (b - a) / hours);
        }
        System.out.println("series of every interval in " + out.toAbsolutePath());
    }

    private Set<String> seriesNames() {
        Set<String> names = new LinkedHashSet<>();
        rows.forEach(r -> names.addAll(r.keySet()));
        return names;
    }

    private void writeCsv() throws IOException {
        Set<String> names = seriesNames();
        StringBuilder csv = new StringBuilder("seconds");
        names.forEach(n -> csv.append(',').append(n));
        csv.append('\n');
        for (int i = 0; i < rows.size(); i++) {
            csv.append((rowTimes.get(i) - start) / 1000);
            for (String n : names) {
                Double v = rows.get(i).get(n);
                csv.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.0f", v));
            }
            csv.append('\n');
        }
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "soak", ".csv.tmp");
        Files.writeString(tmp, csv);
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    // --- small helpers -------------------------------------------------------------------------

    /** The p-th percentile (nearest rank) of sorted values; 0 when there are none. */
    static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private static Optional<Long> pidFile(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readAllLines(file).get(0).trim()));
        } catch (IOException | RuntimeException missing) {
            return Optional.empty();
        }
    }

    private static long rss(long pid) {
        return procKilobytes(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
    }

    private static long pss(long pid) {
        return procKilobytes(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:");
    }

    private static long procKilobytes(Path file, String field) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(field)) {
                    return 1024
                            * Long.parseLong(
                                    line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the process ended, or this is not Linux
        }
        return 0;
    }

    static String bytes(long n) {
        if (n < 10 * 1024) {
            return n + " B";
        }
        if (n < 10L * 1024 * 1024) {
            return n / 1024 + " KB";
        }
        return String.format(Locale.ROOT, "%.1f MB", n / 1024.0 / 1024.0);
    }

    private static String clock(long millis) {
        long s = millis / 1000;
        return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    /** Passes on the stack's step lines ("==> ...") and drops its periodic progress display. */
    private static final class StepsOnly extends OutputStream {
        private final PrintStream target;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        StepsOnly(PrintStream target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                if (text.startsWith("==>")) {
                    target.println("stack " + text);
                }
            } else {
                line.write(b);
            }
        }
    }
}
