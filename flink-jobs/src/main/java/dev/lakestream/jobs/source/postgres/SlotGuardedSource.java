package dev.lakestream.jobs.source.postgres;

import dev.lakestream.jobs.source.postgres.ReplicationSlots.SlotStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication-slot guardian: the Flink CDC PostgreSQL source, wrapped so that a lost slot stops
 * the job instead of silently losing the WAL it protected.
 *
 * <p>Flink CDC 3.5 creates the slot whenever it is missing, at the split enumerator's {@code
 * start()} and again whenever a reader opens its replication connection, and then resumes at the
 * checkpointed LSN: the changes between that LSN and the new slot's start are gone, without an
 * error. The guardian sits where both facts are known first:
 *
 * <pre>
 *  job restored (retained checkpoint, savepoint, operator last-state, global failover)
 *    SourceCoordinator --restoreEnumerator--> [guardian: slot in pg_replication_slots?]
 *                                               | missing or lost: fail, no restarts
 *                                               v present and not lost
 *                                  Flink CDC enumerator.start() (would create the slot)
 *                                               v
 *                         tasks deploy, readers resume at the checkpointed LSN
 *  running
 *    every source.postgres.slot-check-interval: [guardian] --missing or wal_status 'lost'--> fail
 *                                                         \--gauge replicationSlotLagBytes
 * </pre>
 *
 * The check runs in {@code restoreEnumerator}, before the wrapped enumerator exists and before any
 * task is deployed, so no reader can have recreated the slot yet; a fresh start ({@code
 * createEnumerator}, no checkpoint) is free to create it. Being the source itself rather than an
 * operator of its own, the guardian keeps the source's uid and the wrapped source's checkpoint
 * formats: existing checkpoints and savepoints restore unchanged.
 *
 * <p>Not covered: a slot dropped while the job runs (PostgreSQL only drops an inactive slot, so its
 * walsender must be terminated first) and recreated by a restarting reader within one check
 * interval looks like the old slot to the periodic check.
 */
public final class SlotGuardedSource<T, SplitT extends SourceSplit, EnumChkT>
        implements Source<T, SplitT, EnumChkT>, ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SlotGuardedSource.class);

    /** Name of the enumerator's gauge: WAL bytes the slot holds that the job has not confirmed. */
    public static final String LAG_GAUGE = "replicationSlotLagBytes";

    private final Source<T, SplitT, EnumChkT> delegate;
    private final PostgresSourceSettings settings;

    public SlotGuardedSource(
            Source<T, SplitT, EnumChkT> delegate, PostgresSourceSettings settings) {
        this.delegate = delegate;
        this.settings = settings;
    }

    @Override
    public Boundedness getBoundedness() {
        return delegate.getBoundedness();
    }

    @Override
    public SplitEnumerator<SplitT, EnumChkT> createEnumerator(
            SplitEnumeratorContext<SplitT> context) throws Exception {
        return new GuardedEnumerator<>(delegate.createEnumerator(context), context, settings);
    }

    @Override
    public SplitEnumerator<SplitT, EnumChkT> restoreEnumerator(
            SplitEnumeratorContext<SplitT> context, EnumChkT checkpoint) throws Exception {
        requireSlotForRestore(settings);
        return new GuardedEnumerator<>(
                delegate.restoreEnumerator(context, checkpoint), context, settings);
    }

    @Override
    public SimpleVersionedSerializer<SplitT> getSplitSerializer() {
        return delegate.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<EnumChkT> getEnumeratorCheckpointSerializer() {
        return delegate.getEnumeratorCheckpointSerializer();
    }

    @Override
    public SourceReader<T, SplitT> createReader(SourceReaderContext readerContext)
            throws Exception {
        return delegate.createReader(readerContext);
    }

    @Override
    @SuppressWarnings("unchecked")
    public TypeInformation<T> getProducedType() {
        return ((ResultTypeQueryable<T>) delegate).getProducedType();
    }

    /**
     * Refuses a restore whose slot is missing or invalidated. Restarting cannot bring the WAL back,
     * so the failure suppresses Flink's restarts; an unreachable server is left to them.
     */
    static void requireSlotForRestore(PostgresSourceSettings settings) {
        Optional<SlotStatus> slot;
        try (Connection connection = ReplicationSlots.connect(settings)) {
            slot = ReplicationSlots.find(connection, settings.slotName());
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Cannot check replication slot '"
                            + settings.slotName()
                            + "' before resuming from the checkpoint ("
                            + e.getMessage()
                            + ")",
                    e);
        }
        if (slot.isEmpty()) {
            throw new SuppressRestartsException(
                    new IllegalStateException(missingOnRestore(settings)));
        }
        if (slot.get().lost()) {
            throw new SuppressRestartsException(
                    new IllegalStateException(lost(settings, "the checkpoint resumes from")));
        }
        LOG.info(
                "Replication slot {} is in place (wal_status {}, confirmed_flush_lsn {}); resuming",
                settings.slotName(),
                slot.get().walStatus(),
                slot.get().confirmedFlushLsn());
    }

    static String missingOnRestore(PostgresSourceSettings settings) {
        return "Replication slot '"
                + settings.slotName()
                + "' ("
                + PostgresSourceOptions.SLOT_NAME.key()
                + ") does not exist in "
                + where(settings)
                + ", but the checkpoint or savepoint this job resumes from reads from it. It was"
                + " dropped (or the slot name changed) while the job was stopped; the changes made"
                + " since that checkpoint are no longer kept for this job, and resuming would skip"
                + " them silently. Refusing to start. To recover, start the job without its"
                + " checkpoint or savepoint: it creates the slot and takes a new snapshot into"
                + " bronze. Rows deleted in the meantime are not in that snapshot and stay in silver"
                + " until they are deleted again.";
    }

    static String missingWhileRunning(PostgresSourceSettings settings) {
        return "Replication slot '"
                + settings.slotName()
                + "' ("
                + PostgresSourceOptions.SLOT_NAME.key()
                + ") disappeared from "
                + where(settings)
                + " while the job was running: someone dropped it. Changes after the last"
                + " checkpoint may be lost; the job fails rather than recreate the slot and skip"
                + " them.";
    }

    static String lost(PostgresSourceSettings settings, String context) {
        return "Replication slot '"
                + settings.slotName()
                + "' ("
                + PostgresSourceOptions.SLOT_NAME.key()
                + ") in "
                + where(settings)
                + " is invalidated (wal_status = 'lost'): PostgreSQL removed WAL that "
                + context
                + " still needed, usually because the slot lagged more than"
                + " max_slot_wal_keep_size. Those changes cannot be read any more. Drop the slot"
                + " (SELECT pg_drop_replication_slot('"
                + settings.slotName()
                + "')) and start the job without its checkpoint to take a new snapshot.";
    }

    private static String where(PostgresSourceSettings settings) {
        return "database "
                + settings.database()
                + " on "
                + settings.hostname()
                + ":"
                + settings.port();
    }

    /**
     * The wrapped enumerator plus the periodic slot check. The check's query runs on the
     * coordinator's worker thread; its verdict is applied on the coordinator thread, where an
     * exception fails the job.
     */
    private static final class GuardedEnumerator<SplitT extends SourceSplit, EnumChkT>
            implements SplitEnumerator<SplitT, EnumChkT> {

        private final SplitEnumerator<SplitT, EnumChkT> delegate;
        private final SplitEnumeratorContext<SplitT> context;
        private final PostgresSourceSettings settings;
        private volatile long lagBytes = -1;
        // coordinator thread only: report a lost slot once, not at every check until the
        // failover closes this enumerator
        private boolean reported;
        // only touched by the worker thread that runs the checks (and by close)
        private Connection connection;

        GuardedEnumerator(
                SplitEnumerator<SplitT, EnumChkT> delegate,
                SplitEnumeratorContext<SplitT> context,
                PostgresSourceSettings settings) {
            this.delegate = delegate;
            this.context = context;
            this.settings = settings;
        }

        @Override
        public void start() {
            delegate.start();
            context.metricGroup().gauge(LAG_GAUGE, () -> lagBytes);
            long period = settings.slotCheckInterval().toMillis();
            context.callAsync(this::readSlot, this::judge, period, period);
        }

        private Optional<SlotStatus> readSlot() throws SQLException {
            try {
                if (connection == null || connection.isClosed()) {
                    connection = ReplicationSlots.connect(settings);
                }
                return ReplicationSlots.find(connection, settings.slotName());
            } catch (SQLException e) {
                closeConnection();
                throw e;
            }
        }

        private void judge(Optional<SlotStatus> slot, Throwable error) {
            if (reported) {
                return;
            }
            if (error != null) {
                // the CDC reader notices an unreachable server itself; the guardian only judges
                // the slot, so it says so and looks again next time
                LOG.warn(
                        "Could not check replication slot {} in {}:{}/{} ({}); next check in {}",
                        settings.slotName(),
                        settings.hostname(),
                        settings.port(),
                        settings.database(),
                        error.getMessage(),
                        settings.slotCheckInterval());
                return;
            }
            if (slot.isEmpty()) {
                lagBytes = -1;
                reported = true;
                throw new IllegalStateException(missingWhileRunning(settings));
            }
            if (slot.get().lost()) {
                lagBytes = -1;
                reported = true;
                throw new IllegalStateException(lost(settings, "the running job"));
            }
            lagBytes = slot.get().lagBytes();
        }

        private void closeConnection() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    LOG.debug("Closing the slot guardian's connection failed", e);
                }
                connection = null;
            }
        }

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {
            delegate.handleSplitRequest(subtaskId, requesterHostname);
        }

        @Override
        public void addSplitsBack(List<SplitT> splits, int subtaskId) {
            delegate.addSplitsBack(splits, subtaskId);
        }

        @Override
        public void addReader(int subtaskId) {
            delegate.addReader(subtaskId);
        }

        @Override
        public EnumChkT snapshotState(long checkpointId) throws Exception {
            return delegate.snapshotState(checkpointId);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            delegate.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            delegate.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
            delegate.handleSourceEvent(subtaskId, sourceEvent);
        }

        @Override
        public void close() throws java.io.IOException {
            try {
                delegate.close();
            } finally {
                closeConnection();
            }
        }
    }
}
