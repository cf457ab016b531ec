package dev.lakestream.jobs.transformation;

import dev.lakestream.catalog.ConsumerPositions;
import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SupportsHandleExecutionAttemptSourceEvent;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.iceberg.Table;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.source.IcebergSource;
import org.apache.iceberg.flink.source.enumerator.IcebergEnumeratorState;
import org.apache.iceberg.flink.source.split.IcebergSourceSplit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link IcebergSource} that tells table maintenance how far it has read, so that maintenance
 * never expires a snapshot this reader needs on restore.
 *
 * <pre>
 *  checkpoint n:  enumerator.snapshotState(n) --&gt; IcebergEnumeratorState (position P(n)) --&gt; kept
 *                 in memory per checkpoint id
 *  complete n:    notifyCheckpointComplete(n) --&gt; P(n) --(at most once per publish interval,
 *                 on a background thread)--&gt; table properties lakestream.consumer.&lt;job&gt;.*
 *                 (see {@link ConsumerPositions})
 * </pre>
 *
 * <p>The position published is the one inside a checkpoint that has completed, so a restore (which
 * uses that checkpoint or a newer one) never starts before it. Publishing less often than every
 * checkpoint only makes the published position older than the real one, which holds expiry back a
 * little longer: safe. A failed publish is logged and retried at the next completed checkpoint; the
 * job does not fail for it.
 *
 * <p>Everything else, state and serializers included, is the wrapped source's, so wrapping an
 * existing source keeps its savepoints compatible.
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
        return inner.createReader(context);
    }

    @Override
    public SplitEnumerator<IcebergSourceSplit, IcebergEnumeratorState> createEnumerator(
            SplitEnumeratorContext<IcebergSourceSplit> context) throws Exception {
        return new Enumerator(inner.createEnumerator(context));
    }

    @Override
    public SplitEnumerator<IcebergSourceSplit, IcebergEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<IcebergSourceSplit> context, IcebergEnumeratorState state)
            throws Exception {
        return new Enumerator(inner.restoreEnumerator(context, state));
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
        private final TreeMap<Long, Position> byCheckpoint = new TreeMap<>();
        private ExecutorService publisher;
        private Table table;
        private volatile Position published;
        private long lastPublishMillis;

        private final TableLoader loader = tableLoader.clone();

        Enumerator(SplitEnumerator<IcebergSourceSplit, IcebergEnumeratorState> delegate) {
            this.delegate = delegate;
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
            Position position = Position.of(state);
            if (position != null) {
                byCheckpoint.put(checkpointId, position);
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
            delegate.addSplitsBack(splits, subtaskId);
        }

        @Override
        public void addReader(int subtaskId) {
            delegate.addReader(subtaskId);
        }

        @Override
        public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
            delegate.handleSourceEvent(subtaskId, sourceEvent);
        }

        @Override
        public void handleSourceEvent(int subtaskId, int attemptNumber, SourceEvent sourceEvent) {
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
}
