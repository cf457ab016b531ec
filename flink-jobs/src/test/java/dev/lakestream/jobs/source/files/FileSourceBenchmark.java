package dev.lakestream.jobs.source.files;

import static org.awaitility.Awaitility.await;

import dev.lakestream.embedded.S3ProxyServer;
import dev.lakestream.jobs.config.JobSettings;
import dev.lakestream.jobs.source.SourceRecord;
import dev.lakestream.verification.runtime.EmbeddedFlinkCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Rows per second the landing file source sustains from S3Proxy on this machine: uploads {@code
 * files} generated foot-traffic CSV files of {@code rows} rows each, runs the source with {@code
 * parallelism} readers into a discarding sink on a MiniCluster, and times from the first row to the
 * last. Not a test: run it by hand.
 *
 * <pre>
 * mvn -B -ntp -q -pl flink-jobs -am test-compile
 * mvn -B -ntp -q -pl flink-jobs dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=/tmp/flink-jobs.cp
 * java -Xmx1g --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
 *     -cp flink-jobs/target/test-classes:flink-jobs/target/classes:$(cat /tmp/flink-jobs.cp) \
 *     dev.lakestream.jobs.source.files.FileSourceBenchmark 10 100000 2
 * </pre>
 */
public final class FileSourceBenchmark {

    private static final AtomicLong ROWS = new AtomicLong();
    private static final AtomicLong FIRST_NANOS = new AtomicLong();
    private static final AtomicLong LAST_NANOS = new AtomicLong();

    private FileSourceBenchmark() {}

    public static void main(String[] args) throws Exception {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        long rows = args.length > 1 ? Long.parseLong(args[1]) : 100_000;
        int parallelism = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        long total = files * rows;
        Path work = Files.createTempDirectory("lakestream-files-bench");
        Configuration cluster = new Configuration();
        cluster.set(RestOptions.BIND_PORT, "0");
        try (S3ProxyServer s3 = S3ProxyServer.start(work.resolve("s3"), 0, "warehouse");
                EmbeddedFlinkCluster flink = EmbeddedFlinkCluster.start(cluster, parallelism)) {
            FileSourceSettings settings =
                    FileSourceSettings.from(
                                    JobSettings.fromMap(
                                            Map.of(
                                                    "source.files.enabled", "true",
                                                    "source.files.uri",
                                                            "s3://warehouse/landing/foot_traffic/",
                                                    "source.files.discovery-interval", "1s",
                                                    "source.files.settle-time", "0s",
                                                    "s3.endpoint", s3.endpoint(),
                                                    "s3.path-style-access", "true",
                                                    "s3.access-key-id", s3.accessKey(),
                                                    "s3.secret-access-key", s3.secretKey()),
                                            FileSourceOptions.knownKeys(),
                                            Set.of()))
                            .orElseThrow();
            try (S3Client client = settings.s3().newClient()) {
                for (int f = 0; f < files; f++) {
                    GeneratedFiles.uploadCsv(
                            client, "warehouse", settings.prefix() + "counts-" + f + ".csv", rows);
                }
            }
            System.out.printf(
                    "uploaded %d files x %d rows (%.1f MB)%n",
                    files, rows, files * GeneratedFiles.length(rows) / 1e6);

            Configuration conf = new Configuration();
            conf.setString("execution.checkpointing.interval", "5s");
            StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
            env.setParallelism(parallelism);
            env.fromSource(
                            new LandingFileSource(settings),
                            WatermarkStrategy.noWatermarks(),
                            settings.sourceName())
                    .map(new Count())
                    .sinkTo(new DiscardingSink<>());
            JobID job = flink.submit(env, "file-source-benchmark", Optional.empty());
            await().atMost(Duration.ofMinutes(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> ROWS.get() >= total);
            flink.cancel(job);
            double seconds = (LAST_NANOS.get() - FIRST_NANOS.get()) / 1e9;
            System.out.printf(
                    "%d rows in %.2f s (first to last row): %.0f rows/s with parallelism %d%n",
                    ROWS.get(), seconds, ROWS.get() / seconds, parallelism);
        }
    }

    /** Counts rows and notes when the first and the latest arrived (one JVM: static counters). */
    private static final class Count implements MapFunction<SourceRecord, SourceRecord> {
        @Override
        public SourceRecord map(SourceRecord record) {
            long now = System.nanoTime();
            FIRST_NANOS.compareAndSet(0L, now);
            if (record.rejected()) {
                throw new IllegalStateException("unexpected rejection: " + record.rejectReason());
            }
            ROWS.incrementAndGet();
            LAST_NANOS.accumulateAndGet(now, Math::max);
            return record;
        }
    }
}
