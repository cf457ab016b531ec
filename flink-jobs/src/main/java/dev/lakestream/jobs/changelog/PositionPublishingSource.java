package dev.lakestream.jobs.changelog;

import dev.lakestream.catalog.ConsumerPositions;
import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.connector.source.SupportsHandleExecutionAttemptSourceEvent;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;
import org.apache.iceberg.Table;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.source.IcebergSource;
import org.apache.iceberg.flink.source.enumerator.IcebergEnumeratorState;
import org.apache.iceberg.flink.source.split.IcebergSourceSplit;
import org.apache.iceberg.flink.source.split.SplitRequestEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link IcebergSource} that tells table maintenance how far it has read, so that maintenance
 * never expires a snapshot, nor deletes a file, this reader still needs on restore.
 *
 * <pre>
 *  assign / add back / reader start (restored splits) / split request (finished splits)
 *                 --&gt; {@link ReadFloor}: which planned splits are not read yet
 *  checkpoint n:  enumerator.snapshotState(n) --&gt; position P(n), pending splits --&gt; floor F(n)
 *                 (every file added at or before F(n) is read), kept per checkpoint id
 *  complete n:    notifyCheckpointComplete(n) --&gt; F(n) --(at most once per publish interval,
 *                 on a background thread)--&gt; table properties lakestream.consumer.&lt;job&gt;.*
 *                 (see {@link ConsumerPositions})
 * </pre>
 *
 * <p>The floor published is the one of a checkpoint that has completed, so a restore (which uses
 * that checkpoint or a newer one) never reads a file added at or before it, and plans its next scan
 * from a snapshot no older than it. Publishing less often than every checkpoint only makes the
 * published floor older than the real one, which holds maintenance back a little longer: safe. A
 * failed publish is logged and retried at the next completed checkpoint; the job does not fail for
 * it.
 *
 * <p>The readers are wrapped only to report, when they start, the splits they restored (an event
 * the Iceberg enumerator never sees). Everything else, state and serializers included, is the
 * wrapped source's, so wrapping an existing source keeps its savepoints compatible.
 */
public final class PositionPublishingSource<T>
        implements Source<T, IcebergSourceSplit, IcebergEnumeratorState> {

    private static final long serialVersionUID = 1L;

    private final IcebergSource<T> inner;
    private final TableLoader tableLoader;
    private final String consumer;
    private final long publishIntervalMillis;

    /**
     * @param inner the streaming Iceberg source
     * @param tableLoader the table {@code inner} reads, for publishing
     * @param consumer the reading job's name, part of the property key
     * @param publishInterval at most one metadata commit per this interval (the first completed
     *     checkpoint always publishes)
     */
    public PositionPublishingSource(
            IcebergSource<T> inner,
            TableLoader tableLoader,
            String consumer,
            Duration publishInterval) {
        this.inner = inner;
        this.tableLoader = tableLoader;
        this.consumer = consumer;
        this.publishIntervalMillis = publishInterval.toMillis();
    }

    @Override
    public Boundedness getBoundedness() {
        return inner.getBoundedness();
    }

    @Override
    public SourceReader<T, IcebergSourceSplit> createReader(SourceReaderContext context)
            throws Exception {
        return new ReportingReader<>(inner.createReader(context), context);
    }

    @Override
    public SplitEnumerator<IcebergSourceSplit, IcebergEnumeratorState> createEnumerator(
            SplitEnumeratorContext<IcebergSourceSplit> context) throws Exception {
        RecordingContext recording = new RecordingContext(context);
        return new Enumerator(inner.createEnumerator(recording), recording);
    }

    @Override
    public SplitEnumerator<IcebergSourceSplit, IcebergEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<IcebergSourceSplit> context, IcebergEnumeratorState state)
            throws Exception {
        RecordingContext recording = new RecordingContext(context);
        return new Enumerator(inner.restoreEnumerator(recording, state), recording);
    }

    @Override
    public SimpleVersionedSerializer<IcebergSourceSplit> getSplitSerializer() {
        return inner.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<IcebergEnumeratorState> getEnumeratorCheckpointSerializer() {
        return inner.getEnumeratorCheckpointSerializer();
    }

    /** A snapshot id and its commit time, as the enumerator's state holds it. */
    record Position(long snapshotId, long timestampMillis) {

        /**
         * Reads the enumerator's position. Iceberg keeps {@code IcebergEnumeratorPosition}'s
         * accessors package-private; the state hands the object out publicly, so it is read by
         * reflection here. {@code PositionPublishingSourceTest} fails if an Iceberg upgrade renames
         * them.
         */
        static Position of(IcebergEnumeratorState state) {
            Object position = state.lastEnumeratedPosition();
            if (position == null) {
                return null;
            }
            try {
                Method id = position.getClass().getDeclaredMethod("snapshotId");
                Method ts = position.getClass().getDeclaredMethod("snapshotTimestampMs");
                id.setAccessible(true);
                ts.setAccessible(true);
                Long snapshotId = (Long) id.invoke(position);
                Long timestamp = (Long) ts.invoke(position);
                return snapshotId == null || timestamp == null
                        ? null
                        : new Position(snapshotId, timestamp);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(
                        "Cannot read the Iceberg enumerator position (Iceberg upgraded?)", e);
            }
        }
    }

    private final class Enumerator
            implements SplitEnumerator<IcebergSourceSplit, IcebergEnumeratorState>,
                    SupportsHandleExecutionAttemptSourceEvent {

        private final Logger log = LoggerFactory.getLogger(PositionPublishingSource.class);
        private final SplitEnumerator<IcebergSourceSplit, IcebergEnumeratorState> delegate;
        private final ReadFloor floor;
        private final TreeMap<Long, Position> byCheckpoint = new TreeMap<>();
        private ExecutorService publisher;
        private Table table;
        private volatile Position published;
        private long lastPublishMillis;

        private final TableLoader loader = tableLoader.clone();

        Enumerator(
                SplitEnumerator<IcebergSourceSplit, IcebergEnumeratorState> delegate,
                RecordingContext context) {
            this.delegate = delegate;
            this.floor = context.floor;
        }

        @Override
        public void start() {
            publisher =
                    Executors.newSingleThreadExecutor(
                            r -> {
                                Thread t = new Thread(r, "consumer-position-" + consumer);
                                t.setDaemon(true);
                                return t;
                            });
            delegate.start();
        }

        @Override
        public IcebergEnumeratorState snapshotState(long checkpointId) throws Exception {
            IcebergEnumeratorState state = delegate.snapshotState(checkpointId);
            Position read =
                    floor.checkpoint(
                            Position.of(state),
                            state.pendingSplits().stream()
                                    .map(pending -> pending.split().splitId())
                                    .toList());
            if (read != null) {
                byCheckpoint.put(checkpointId, read);
            }
            return state;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            delegate.notifyCheckpointComplete(checkpointId);
            Map.Entry<Long, Position> entry = byCheckpoint.floorEntry(checkpointId);
            byCheckpoint.headMap(checkpointId, true).clear();
            if (entry == null || entry.getValue().equals(published)) {
                return;
            }
            long now = System.currentTimeMillis();
            if (published != null && now - lastPublishMillis < publishIntervalMillis) {
                return;
            }
            Position position = entry.getValue();
            published = position;
            lastPublishMillis = now;
            publisher.execute(() -> publish(position));
        }

        private void publish(Position position) {
            try {
                if (table == null) {
                    loader.open();
                    table = loader.loadTable();
                }
                table.refresh();
                ConsumerPositions.publish(
                        table, consumer, position.snapshotId(), position.timestampMillis());
                log.debug("{} of {} at snapshot {}", consumer, table.name(), position);
            } catch (RuntimeException e) {
                // maintenance then sees an older position and holds expiry back: safe to go on
                published = null;
                log.warn(
                        "Could not publish the read position of {} (retried at the next"
                                + " checkpoint): {}",
                        consumer,
                        e.toString());
            }
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            byCheckpoint.remove(checkpointId);
            delegate.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {
            delegate.handleSplitRequest(subtaskId, requesterHostname);
        }

        @Override
        public void addSplitsBack(List<IcebergSourceSplit> splits, int subtaskId) {
            floor.addedBack(splits.stream().map(IcebergSourceSplit::splitId).toList(), subtaskId);
            delegate.addSplitsBack(splits, subtaskId);
        }

        @Override
        public void addReader(int subtaskId) {
            floor.readerRegistered(subtaskId);
            delegate.addReader(subtaskId);
        }

        @Override
        public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
            if (observed(subtaskId, sourceEvent)) {
                delegate.handleSourceEvent(subtaskId, sourceEvent);
            }
        }

        /** Feeds the read floor; false for this wrapper's own event, which stays here. */
        private boolean observed(int subtaskId, SourceEvent sourceEvent) {
            if (sourceEvent instanceof ReaderStarted started) {
                floor.readerStarted(subtaskId, started.restoredSplitIds());
                return false;
            }
            if (sourceEvent instanceof SplitRequestEvent request) {
                floor.finished(request.finishedSplitIds());
            }
            return true;
        }

        @Override
        public void handleSourceEvent(int subtaskId, int attemptNumber, SourceEvent sourceEvent) {
            if (!observed(subtaskId, sourceEvent)) {
                return;
            }
            if (delegate instanceof SupportsHandleExecutionAttemptSourceEvent attempts) {
                attempts.handleSourceEvent(subtaskId, attemptNumber, sourceEvent);
            } else {
                delegate.handleSourceEvent(subtaskId, sourceEvent);
            }
        }

        @Override
        public void close() throws IOException {
            if (publisher != null) {
                publisher.shutdown();
                try {
                    // let a publish in flight finish, so a stop-with-savepoint leaves its position
                    publisher.awaitTermination(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                delegate.close();
            } finally {
                loader.close();
            }
        }
    }

    /** Sent by a reader when it starts: the splits it holds from its restored state. */
    record ReaderStarted(List<String> restoredSplitIds) implements SourceEvent {
        private static final long serialVersionUID = 1L;
    }

    /** The enumerator's context, recording every split assignment in the read floor. */
    private static final class RecordingContext
            implements SplitEnumeratorContext<IcebergSourceSplit> {

        private final SplitEnumeratorContext<IcebergSourceSplit> context;
        private final ReadFloor floor;

        RecordingContext(SplitEnumeratorContext<IcebergSourceSplit> context) {
            this.context = context;
            this.floor = new ReadFloor(context.currentParallelism());
        }

        @Override
        public SplitEnumeratorMetricGroup metricGroup() {
            return context.metricGroup();
        }

        @Override
        public void sendEventToSourceReader(int subtaskId, SourceEvent event) {
            context.sendEventToSourceReader(subtaskId, event);
        }

        @Override
        public void sendEventToSourceReader(int subtaskId, int attemptNumber, SourceEvent event) {
            context.sendEventToSourceReader(subtaskId, attemptNumber, event);
        }

        @Override
        public int currentParallelism() {
            return context.currentParallelism();
        }

        @Override
        public Map<Integer, ReaderInfo> registeredReaders() {
            return context.registeredReaders();
        }

        @Override
        public Map<Integer, Map<Integer, ReaderInfo>> registeredReadersOfAttempts() {
            return context.registeredReadersOfAttempts();
        }

        @Override
        public void assignSplits(SplitsAssignment<IcebergSourceSplit> assignment) {
            assignment.assignment().values().stream()
                    .flatMap(List::stream)
                    .forEach(split -> floor.assigned(split.splitId()));
            context.assignSplits(assignment);
        }

        @Override
        public void assignSplit(IcebergSourceSplit split, int subtask) {
            floor.assigned(split.splitId());
            context.assignSplit(split, subtask);
        }

        @Override
        public void signalNoMoreSplits(int subtask) {
            context.signalNoMoreSplits(subtask);
        }

        @Override
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler) {
            context.callAsync(callable, handler);
        }

        @Override
        public <T> void callAsync(
                Callable<T> callable,
                BiConsumer<T, Throwable> handler,
                long initialDelayMillis,
                long periodMillis) {
            context.callAsync(callable, handler, initialDelayMillis, periodMillis);
        }

        @Override
        public void runInCoordinatorThread(Runnable runnable) {
            context.runInCoordinatorThread(runnable);
        }

        @Override
        public void setIsProcessingBacklog(boolean isProcessingBacklog) {
            context.setIsProcessingBacklog(isProcessingBacklog);
        }
    }

    /**
     * The Iceberg reader, reporting the splits of its restored state when it starts (Flink adds
     * them before {@code start()}, and allows events from {@code start()} on).
     */
    private static final class ReportingReader<T> implements SourceReader<T, IcebergSourceSplit> {

        private final SourceReader<T, IcebergSourceSplit> reader;
        private final SourceReaderContext context;
        private final List<String> restored = new ArrayList<>();
        private boolean started;

        ReportingReader(SourceReader<T, IcebergSourceSplit> reader, SourceReaderContext context) {
            this.reader = reader;
            this.context = context;
        }

        @Override
        public void start() {
            started = true;
            context.sendSourceEventToCoordinator(new ReaderStarted(List.copyOf(restored)));
            restored.clear();
            reader.start();
        }

        @Override
        public void addSplits(List<IcebergSourceSplit> splits) {
            if (!started) {
                splits.forEach(split -> restored.add(split.splitId()));
            }
            reader.addSplits(splits);
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
            return reader.pollNext(output);
        }

        @Override
        public List<IcebergSourceSplit> snapshotState(long checkpointId) {
            return reader.snapshotState(checkpointId);
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return reader.isAvailable();
        }

        @Override
        public void notifyNoMoreSplits() {
            reader.notifyNoMoreSplits();
        }

        @Override
        public void handleSourceEvents(SourceEvent sourceEvent) {
            reader.handleSourceEvents(sourceEvent);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            reader.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            reader.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void pauseOrResumeSplits(
                Collection<String> splitsToPause, Collection<String> splitsToResume) {
            reader.pauseOrResumeSplits(splitsToPause, splitsToResume);
        }

        @Override
        public void close() throws Exception {
            reader.close();
        }
    }
}
