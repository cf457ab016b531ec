package dev.lakestream.local;

import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.jobs.ingestion.IngestionJob;
import dev.lakestream.jobs.transformation.TransformationConfig;
import dev.lakestream.jobs.transformation.TransformationJob;
import dev.lakestream.verification.runtime.EmbeddedFlinkCluster;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The jobs on the local stack's Flink MiniCluster: each submitted from its newest retained
 * checkpoint or savepoint (or fresh), watched while the stack runs, and stopped with a savepoint
 * that replaces the older ones. The MaintenanceJob is {@link LocalMaintenance}'s.
 */
final class LocalJobs implements AutoCloseable {

    private final LocalOptions options;
    private final Path data;
    private final PrintStream out;

    private EmbeddedFlinkCluster flink;
    private int metricsPort;
    private JobID ingestion;
    private JobID transformation;
    private LocalMaintenance maintenance;

    LocalJobs(LocalOptions options, Path data, PrintStream out) {
        this.options = options;
        this.data = data;
        this.out = out;
    }

    /** Starts the MiniCluster (with its web UI) on an empty RocksDB working folder. */
    void startCluster() throws IOException {
        step("Flink MiniCluster");
        // RocksDB's working copy of the state: scratch, rebuilt from the checkpoints on restore
        Path rocksDb = LocalJobSettings.rocksDbDirectory(data);
        if (Files.exists(rocksDb)) {
            LocalStack.deleteRecursively(rocksDb);
        }
        Files.createDirectories(rocksDb);
        // one slot more for the MaintenanceJob, whose operators are all non-parallel
        Configuration cluster = LocalJobSettings.cluster(options);
        metricsPort = LocalMetrics.configure(cluster, options.metricsPort());
        flink =
                EmbeddedFlinkCluster.start(
                        cluster, options.parallelism() * 2 + (options.maintenance() ? 1 : 0));
        out.println("  web UI: " + flink.restAddress());
        out.println("  Prometheus metrics: " + metricsEndpoint());
    }

    void submitIngestion(IngestionConfig config) {
        StreamExecutionEnvironment env =
                new StreamExecutionEnvironment(config.flinkConfiguration());
        IngestionJob.prepare(env, config);
        Optional<Path> restore =
                EmbeddedFlinkCluster.latestRestorePoint(
                        data.resolve("checkpoints"), data.resolve("savepoints"));
        step(
                "IngestionJob "
                        + restore.map(p -> "resuming from " + data.relativize(p))
                                .orElse("(first start: snapshot, then stream)"));
        ingestion = flink.submit(env, config.jobName(), restore);
    }

    void submitTransformation(TransformationConfig config) throws IOException {
        StreamExecutionEnvironment env =
                new StreamExecutionEnvironment(config.flinkConfiguration());
        TransformationJob.prepare(env, config);
        Optional<Path> restore =
                EmbeddedFlinkCluster.latestRestorePoint(
                        data.resolve("checkpoints-transformation"),
                        data.resolve("savepoints-transformation"));
        TransformationStateLayout.check(data, restore);
        step(
                "TransformationJob (silver, gold, Kafka) "
                        + restore.map(p -> "resuming from " + data.relativize(p))
                                .orElse("(first start)"));
        transformation = flink.submit(env, config.jobName(), restore);
    }

    /** Starts the MaintenanceJob when {@code --maintenance} asks for it. */
    void startMaintenance(Map<String, String> jobSettings) throws Exception {
        step(
                options.maintenance()
                        ? "MaintenanceJob (compaction, snapshot expiry)"
                        : "no MaintenanceJob");
        maintenance = LocalMaintenance.start(flink, jobSettings, data, options.maintenance(), out);
    }

    String ingestionStatus() {
        return flink.status(ingestion).toString();
    }

    /** Whether the IngestionJob was submitted and has not ended. */
    boolean ingestionRunning() {
        return running(ingestion);
    }

    boolean transformationSubmitted() {
        return transformation != null;
    }

    /** Whether the TransformationJob was submitted and has not ended. */
    boolean transformationRunning() {
        return running(transformation);
    }

    /** Fails naming the job when the IngestionJob or the TransformationJob has ended. */
    void failIfEnded() {
        for (JobID job : new JobID[] {ingestion, transformation}) {
            if (job == null) {
                continue;
            }
            JobStatus status = flink.status(job);
            if (status.isGloballyTerminalState()) {
                throw new IllegalStateException(
                        (job.equals(ingestion) ? "the IngestionJob" : "the TransformationJob")
                                + " ended with status "
                                + status
                                + "; see the log and the web UI");
            }
        }
    }

    /** Where Prometheus scrapes the jobs' metrics. */
    URI metricsEndpoint() {
        return LocalMetrics.endpoint(metricsPort);
    }

    /** The MiniCluster's REST API (the web UI's). */
    URI restAddress() {
        return flink.restAddress();
    }

    void stopMaintenance() {
        if (maintenance != null) {
            maintenance.close();
        }
    }

    void stopIngestionWithSavepoint() {
        step("stopping the IngestionJob with a savepoint (commits everything pending)");
        stopWithSavepoint(ingestion, data.resolve("savepoints"));
    }

    void stopTransformationWithSavepoint() {
        step("stopping the TransformationJob with a savepoint");
        stopWithSavepoint(transformation, data.resolve("savepoints-transformation"));
    }

    private void stopWithSavepoint(JobID job, Path savepoints) {
        try {
            Path savepoint = flink.stopWithSavepoint(job, savepoints);
            out.println("  savepoint " + data.relativize(savepoint));
            pruneSavepoints(savepoint);
        } catch (RuntimeException e) {
            out.println(
                    "  no savepoint ("
                            + e.getMessage()
                            + "); the next start resumes from the last checkpoint");
        }
    }

    private boolean running(JobID job) {
        return flink != null && job != null && !flink.status(job).isGloballyTerminalState();
    }

    private void pruneSavepoints(Path keep) {
        try (Stream<Path> entries = Files.list(keep.getParent())) {
            for (Path p : entries.filter(p -> !p.equals(keep)).toList()) {
                LocalStack.deleteRecursively(p);
            }
        } catch (IOException ignored) {
            // old savepoints only cost disk space
        }
    }

    /** Stops the MiniCluster. */
    @Override
    public void close() {
        if (flink != null) {
            flink.close();
        }
    }

    private void step(String what) {
        out.println("==> " + what);
    }
}
