package dev.lakestream.verification.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * A Flink MiniCluster in this JVM that runs lakestream's jobs as a real cluster would: jobs are
 * submitted as job graphs, can be restored from a retained checkpoint, and share one web UI. Used
 * by the local stack and the integration tests; production runs the same job graphs on a Flink
 * cluster.
 */
public final class EmbeddedFlinkCluster implements AutoCloseable {

    private final MiniCluster miniCluster;
    private int liveTaskManager;

    private EmbeddedFlinkCluster(MiniCluster miniCluster) {
        this.miniCluster = miniCluster;
    }

    /**
     * Starts a cluster with one TaskManager.
     *
     * @param configuration cluster configuration ({@code rest.port} for the web UI, memory, ...)
     * @param slots task slots of the TaskManager
     */
    public static EmbeddedFlinkCluster start(Configuration configuration, int slots) {
        MiniClusterConfiguration config =
                new MiniClusterConfiguration.Builder()
                        .setConfiguration(configuration)
                        .setNumTaskManagers(1)
                        .setNumSlotsPerTaskManager(slots)
                        .build();
        MiniCluster cluster = new MiniCluster(config);
        try {
            cluster.start();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Flink MiniCluster did not start: " + e.getMessage(), e);
        }
        return new EmbeddedFlinkCluster(cluster);
    }

    /**
     * Submits the job built in {@code env}.
     *
     * @param restoreFrom a retained checkpoint or savepoint to resume from, if any
     */
    public JobID submit(
            StreamExecutionEnvironment env, String jobName, Optional<Path> restoreFrom) {
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(jobName);
        restoreFrom.ifPresent(
                path ->
                        graph.setSavepointRestoreSettings(
                                SavepointRestoreSettings.forPath(path.toUri().toString(), false)));
        JobGraph jobGraph = graph.getJobGraph();
        try {
            return miniCluster.submitJob(jobGraph).get().getJobID();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while submitting " + jobName, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not submit " + jobName + ": " + e.getCause(), e);
        }
    }

    public JobStatus status(JobID job) {
        try {
            return miniCluster.getJobStatus(job).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("No status for job " + job + ": " + e.getCause(), e);
        }
    }

    /** Cancels the job; with retained checkpoints its last checkpoint stays restorable. */
    public void cancel(JobID job) {
        try {
            miniCluster.cancelJob(job).get();
            miniCluster.requestJobResult(job).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not cancel job " + job + ": " + e.getCause(), e);
        }
    }

    /**
     * Stops the job with a final savepoint: every writer flushes and the Iceberg committers commit
     * on the savepoint's completion, so nothing is left pending. Returns the savepoint path.
     */
    public Path stopWithSavepoint(JobID job, Path savepointsDirectory) {
        try {
            String path =
                    miniCluster
                            .stopWithSavepoint(
                                    job,
                                    savepointsDirectory.toUri().toString(),
                                    false,
                                    org.apache.flink.core.execution.SavepointFormatType.CANONICAL)
                            .get();
            miniCluster.requestJobResult(job).get();
            return Path.of(URI.create(path));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Could not stop job " + job + " with a savepoint: " + e.getCause(), e);
        }
    }

    /**
     * The newest place to resume from: the latest retained checkpoint or savepoint, whichever was
     * written last.
     */
    public static Optional<Path> latestRestorePoint(Path checkpoints, Path savepoints) {
        Optional<Path> checkpoint = latestRetainedCheckpoint(checkpoints);
        Optional<Path> savepoint = Optional.empty();
        if (Files.isDirectory(savepoints)) {
            try (Stream<Path> entries = Files.list(savepoints)) {
                savepoint =
                        entries.filter(p -> Files.isRegularFile(p.resolve("_metadata")))
                                .max(Comparator.comparing(EmbeddedFlinkCluster::metadataTime));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (checkpoint.isEmpty()) {
            return savepoint;
        }
        if (savepoint.isEmpty()) {
            return checkpoint;
        }
        return metadataTime(savepoint.get()) >= metadataTime(checkpoint.get())
                ? savepoint
                : checkpoint;
    }

    /**
     * Kills the TaskManager (every running task fails) and starts a fresh one. The MiniCluster
     * keeps terminated TaskManagers in its list and appends new ones, so the live one is the last
     * started.
     */
    public synchronized void replaceTaskManager() {
        try {
            miniCluster.terminateTaskManager(liveTaskManager).get();
            miniCluster.startTaskManager();
            liveTaskManager++;
        } catch (Exception e) {
            throw new IllegalStateException("Could not replace the TaskManager: " + e, e);
        }
    }

    /** Checkpoints the job completed since it was submitted (restarts included). */
    public long completedCheckpoints(JobID job) {
        try {
            return miniCluster
                    .getExecutionGraph(job)
                    .get()
                    .getCheckpointStatsSnapshot()
                    .getCounts()
                    .getNumberOfCompletedCheckpoints();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the checkpoints of " + job, e);
        }
    }

    /**
     * How often the job's tasks restarted since it was submitted: the highest execution attempt
     * number of its subtasks (each restart of a task starts a new attempt). Also answers for a job
     * that ended.
     */
    public int restarts(JobID job) {
        try {
            int attempts = 0;
            for (var vertex : miniCluster.getExecutionGraph(job).get().getAllExecutionVertices()) {
                attempts =
                        Math.max(attempts, vertex.getCurrentExecutionAttempt().getAttemptNumber());
            }
            return attempts;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the attempts of " + job, e);
        }
    }

    public URI restAddress() {
        try {
            return miniCluster.getRestAddress().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    public MiniCluster miniCluster() {
        return miniCluster;
    }

    /**
     * The newest complete checkpoint under a checkpoint directory ({@code <dir>/<job-id>/chk-N}
     * with its {@code _metadata}), across all jobs that wrote there.
     */
    public static Optional<Path> latestRetainedCheckpoint(Path checkpointsDirectory) {
        if (!Files.isDirectory(checkpointsDirectory)) {
            return Optional.empty();
        }
        try (Stream<Path> jobs = Files.list(checkpointsDirectory)) {
            return jobs.filter(Files::isDirectory)
                    .flatMap(EmbeddedFlinkCluster::completeCheckpoints)
                    .max(
                            Comparator.comparing(EmbeddedFlinkCluster::metadataTime)
                                    .thenComparing(EmbeddedFlinkCluster::checkpointNumber));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<Path> completeCheckpoints(Path jobDirectory) {
        try (Stream<Path> entries = Files.list(jobDirectory)) {
            return entries
                    .filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .filter(p -> Files.isRegularFile(p.resolve("_metadata")))
                    .toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long metadataTime(Path checkpoint) {
        try {
            return Files.getLastModifiedTime(checkpoint.resolve("_metadata")).toMillis();
        } catch (IOException e) {
            return 0L;
        }
    }

    private static long checkpointNumber(Path checkpoint) {
        try {
            return Long.parseLong(checkpoint.getFileName().toString().substring(4));
        } catch (NumberFormatException e) {
            return -1L;
        }
    }

    @Override
    public void close() {
        try {
            miniCluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("Flink MiniCluster did not stop cleanly: " + e, e);
        }
    }
}
