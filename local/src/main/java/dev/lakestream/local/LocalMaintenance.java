package dev.lakestream.local;

import dev.lakestream.catalog.IcebergCatalogs;
import dev.lakestream.catalog.SilverTables;
import dev.lakestream.catalog.TableHealth;
import dev.lakestream.jobs.maintenance.MaintenanceJob;
import dev.lakestream.jobs.maintenance.MaintenanceSettings;
import dev.lakestream.verification.runtime.EmbeddedFlinkCluster;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.catalog.Catalog;

/**
 * The MaintenanceJob of the local stack, with short intervals so that compaction and expiry are
 * seen within minutes, and a console line every {@link #SUMMARY_INTERVAL} with the state of two
 * upserted silver tables (data files, delete files, snapshots, manifests, metadata size).
 *
 * <p>It starts fresh each time (its only state is when each task last ran), so it is cancelled, not
 * savepointed, on the way out.
 */
final class LocalMaintenance implements AutoCloseable {

    static final Duration SUMMARY_INTERVAL = Duration.ofMinutes(2);
    private static final List<String> WATCHED =
            List.of(SilverTables.ORDERS, SilverTables.FOOT_TRAFFIC);

    private final EmbeddedFlinkCluster flink;
    private final JobID job;
    private final ScheduledExecutorService summaries;

    private LocalMaintenance(
            EmbeddedFlinkCluster flink, JobID job, ScheduledExecutorService summaries) {
        this.flink = flink;
        this.job = job;
        this.summaries = summaries;
    }

    /**
     * Submits the MaintenanceJob (when {@code run}) and prints the summary either way, so a run
     * with {@code --no-maintenance} shows what grows without it.
     */
    static LocalMaintenance start(
            EmbeddedFlinkCluster flink,
            Map<String, String> jobSettings,
            Path data,
            boolean run,
            PrintStream out)
            throws Exception {
        MaintenanceSettings settings = MaintenanceSettings.fromMap(settings(jobSettings, data));
        JobID job = null;
        if (run) {
            StreamExecutionEnvironment env =
                    new StreamExecutionEnvironment(settings.flinkConfiguration());
            MaintenanceJob.prepare(env, settings);
            job = flink.submit(env, settings.jobName(), Optional.empty());
        }
        Catalog catalog = IcebergCatalogs.load(settings.catalog());
        ScheduledExecutorService summaries =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "maintenance-summary");
                            t.setDaemon(true);
                            return t;
                        });
        long every = SUMMARY_INTERVAL.toSeconds();
        summaries.scheduleAtFixedRate(
                () -> summary(catalog, settings, run, out), every, every, TimeUnit.SECONDS);
        return new LocalMaintenance(flink, job, summaries);
    }

    /** The MaintenanceJob's configuration: the same keys a production deployment sets. */
    static Map<String, String> settings(Map<String, String> jobSettings, Path data) {
        Map<String, String> s = new HashMap<>();
        jobSettings.forEach(
                (k, v) -> {
                    if (k.startsWith("catalog.") || k.startsWith("s3.")) {
                        s.put(k, v);
                    }
                });
        s.put("job.name", "lakestream-maintenance");
        s.put("parallelism.default", "1");
        s.put("execution.checkpointing.interval", "30s");
        s.put(
                "execution.checkpointing.dir",
                data.resolve("checkpoints-maintenance").toUri().toString());
        s.put("maintenance.snapshot.max-age", "5m");
        s.put("maintenance.snapshot.retain-last", "5");
        s.put("maintenance.snapshot.interval", "1m");
        s.put("maintenance.compaction.interval", "1m");
        s.put("maintenance.compaction.commit-count", "20");
        s.put("maintenance.compaction.full-interval", "30m");
        s.put("maintenance.manifests.interval", "2m");
        s.put("maintenance.manifests.min-count", "10");
        s.put("maintenance.dangling-deletes.interval", "1m");
        s.put("maintenance.orphans.min-age", "1h");
        s.put("maintenance.orphans.interval", "30m");
        s.put("maintenance.rate-limit", "10s");
        s.put("maintenance.lock.check-delay", "10s");
        return s;
    }

    private static void summary(
            Catalog catalog, MaintenanceSettings settings, boolean run, PrintStream out) {
        for (String table : WATCHED) {
            try {
                TableHealth health =
                        TableHealth.of(
                                catalog.loadTable(
                                        SilverTables.definitionFor(
                                                        settings.silverNamespace(), table)
                                                .identifier()));
                out.println(
                        "  "
                                + LocalTime.now().truncatedTo(ChronoUnit.SECONDS)
                                + (run ? " maintenance " : " no maintenance ")
                                + health.describe());
            } catch (RuntimeException e) {
                out.println("  maintenance summary of " + table + " unavailable: " + e);
            }
        }
    }

    @Override
    public void close() {
        summaries.shutdownNow();
        if (job != null && !flink.status(job).isGloballyTerminalState()) {
            flink.cancel(job);
        }
    }
}
