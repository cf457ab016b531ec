package dev.lakestream.jobs.source.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.jobs.ingestion.OperatorIds;
import dev.lakestream.jobs.source.SourceRecord;
import dev.lakestream.jobs.source.rest.RatesServer.Rate;
import dev.lakestream.verification.runtime.EmbeddedFlinkCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST source in a Flink job on a MiniCluster, with checkpoints, failing in both ways a job
 * fails in practice while the API keeps publishing:
 *
 * <ol>
 *   <li>a task fails after a checkpoint, with records of the next poll already emitted: Flink
 *       restarts the job from the checkpoint;
 *   <li>the job is cancelled and a new one is submitted from its last retained checkpoint.
 * </ol>
 *
 * <pre>
 *   RatesServer --HTTP--> RestSource --> FailOnce --> CommittedSink (list in operator state,
 *                                                      published when its checkpoint completes)
 * </pre>
 *
 * The sink's view is what exactly-once lets through: only what a completed checkpoint holds. It
 * must equal, record for record and without a repeat, everything the API published, including a
 * rate published later with the same timestamp as the checkpointed cursor and a malformed one.
 */
class RestSourceFailoverITCase {

    private static final Instant T0 = Instant.parse("2024-05-01T16:00:00Z");
    private static final Duration WAIT = Duration.ofMinutes(1);

    private static EmbeddedFlinkCluster flink;

    @TempDir Path checkpoints;

    @BeforeAll
    static void startFlink() {
        Configuration cluster = new Configuration();
        cluster.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("16m"));
        cluster.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("32m"));
        cluster.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("32m"));
        flink = EmbeddedFlinkCluster.start(cluster, 2);
    }

    @AfterAll
    static void stopFlink() {
        flink.close();
    }

    @Test
    void restartsFromCheckpointsLoseAndRepeatNothing() throws Exception {
        try (RatesServer server = new RatesServer()) {
            List<String> published = new ArrayList<>();
            List<Rate> first = RatesServer.rates(30, T0);
            server.publish(first);
            first.forEach(r -> published.add(r.json()));

            RestSourceSettings settings =
                    RestTestSettings.of(
                            server.url(),
                            "source.rest.poll-interval",
                            "200ms",
                            "source.rest.max-pages-per-poll",
                            "2");
            JobID job = submit(settings, Optional.empty());
            awaitCommitted(published, job);

            // the next records: one at the checkpointed cursor (T0+29 s), more after; the
            // mapper fails in their midst, after a checkpoint holding the first 30
            FailOnce.failAfter.set(40);
            List<Rate> second = new ArrayList<>();
            second.add(new Rate("EUR", "AAA", "2024-05-02", "2.5", T0.plusSeconds(29).toString()));
            second.addAll(RatesServer.rates(50, T0).subList(30, 50));
            server.publish(second);
            second.forEach(r -> published.add(r.json()));
            await().atMost(WAIT).untilTrue(FailOnce.failed);
            awaitCommitted(published, job);

            flink.cancel(job);
            Path restorePoint =
                    EmbeddedFlinkCluster.latestRetainedCheckpoint(checkpoints).orElseThrow();
            // published while no job runs, one of them malformed (no quote)
            List<Rate> third = new ArrayList<>(RatesServer.rates(60, T0).subList(50, 60));
            third.add(new Rate("EUR", null, "2024-05-02", "9.9", T0.plusSeconds(60).toString()));
            server.publish(third);
            third.forEach(
                    r ->
                            published.add(
                                    r.quote() == null
                                            ? "refused: key field 'quote' is missing " + r.json()
                                            : r.json()));

            JobID resumed = submit(settings, Optional.of(restorePoint));
            awaitCommitted(published, resumed);
            flink.cancel(resumed);
        }
    }

    private JobID submit(RestSourceSettings settings, Optional<Path> restoreFrom) {
        Map<String, String> conf = new HashMap<>();
        conf.put("execution.checkpointing.interval", "200ms");
        conf.put(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
        conf.put("execution.checkpointing.dir", checkpoints.toUri().toString());
        conf.put("restart-strategy.type", "fixed-delay");
        conf.put("restart-strategy.fixed-delay.attempts", "3");
        conf.put("restart-strategy.fixed-delay.delay", "200ms");
        StreamExecutionEnvironment env =
                new StreamExecutionEnvironment(Configuration.fromMap(conf));
        env.setParallelism(1);
        CommittedSink.reset();
        env.fromSource(
                        new RestSource(settings),
                        WatermarkStrategy.noWatermarks(),
                        settings.source())
                .uid(OperatorIds.recordSource(settings.source()))
                .map(new FailOnce())
                .uid("fail-once")
                .addSink(new CommittedSink())
                .uid("committed-sink");
        return flink.submit(env, "rest-source-failover", restoreFrom);
    }

    /** Waits until the completed checkpoints hold exactly {@code expected}, in that order. */
    private static void awaitCommitted(List<String> expected, JobID job) {
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(
                        () -> {
                            assertThat(flink.status(job)).isNotIn(JobStatus.FAILED);
                            assertThat(CommittedSink.committed.get()).hasSize(expected.size());
                        });
        assertThat(CommittedSink.committed.get()).containsExactlyElementsOf(expected);
    }

    /** Fails the task once, at the n-th record it sees, when armed. */
    static final class FailOnce implements MapFunction<SourceRecord, SourceRecord> {
        private static final long serialVersionUID = 1L;
        static final AtomicLong failAfter = new AtomicLong(Long.MAX_VALUE);
        static final AtomicBoolean failed = new AtomicBoolean();
        private long seen;

        @Override
        public SourceRecord map(SourceRecord record) {
            seen++;
            if (seen >= failAfter.get() && failed.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after " + seen + " records");
            }
            return record;
        }
    }

    /**
     * Keeps what it received in operator state and, when a checkpoint completes, publishes what
     * that checkpoint holds: the records a transactional sink would have committed.
     */
    static final class CommittedSink
            implements SinkFunction<SourceRecord>, CheckpointedFunction, CheckpointListener {
        private static final long serialVersionUID = 1L;
        static final AtomicReference<List<String>> committed = new AtomicReference<>(List.of());
        private static final AtomicLong lastPublished = new AtomicLong(-1);

        private transient List<String> received;
        private transient Map<Long, List<String>> pending;
        private transient ListState<String> state;

        static void reset() {
            lastPublished.set(-1);
        }

        @Override
        public void invoke(SourceRecord record, Context context) {
            received.add(
                    record.rejected()
                            ? "refused: " + record.rejectReason() + " " + record.payload()
                            : record.payload());
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            state.update(received);
            pending.put(context.getCheckpointId(), List.copyOf(received));
        }

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            state =
                    context.getOperatorStateStore()
                            .getListState(new ListStateDescriptor<>("received", String.class));
            received = new ArrayList<>();
            state.get().forEach(received::add);
            pending = new HashMap<>();
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            List<String> view = pending.remove(checkpointId);
            pending.keySet().removeIf(id -> id < checkpointId);
            if (view != null
                    && lastPublished.getAndAccumulate(checkpointId, Math::max) < checkpointId) {
                committed.set(view);
            }
        }
    }
}
