package dev.lakestream.jobs.source.postgres;

import dev.lakestream.jobs.source.postgres.ReplicationSlots.SlotStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.InputStatus;
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
 * <p>With {@code source.postgres.on-missing-slot=RESNAPSHOT} a restore without its slot starts a
 * fresh enumerator instead (new slot, snapshot of every table). The readers' restored splits still
 * point at the lost WAL, so each reader holds them back until the enumerator's {@link
 * ResumeDecision} (sent when the reader registers, before any assignment): keep them, or drop them.
 * Until a checkpoint completes whose reader state no longer holds them, a reader restarted on its
 * own is told to drop them too.
 *
 * <pre>
 *  reader: restored splits --held--> [GuardedReader] <--ResumeDecision(drop?)-- [GuardedEnumerator]
 *                                          |  keep: hand them on; drop: forget them
 *                                          v
 *                              Flink CDC reader.start() --ResumeApplied--> enumerator
 * </pre>
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

    /** The slot's {@code wal_status} as {@link ReplicationSlots.SlotStatus#walStatusCode()}. */
    public static final String WAL_STATUS_GAUGE = "replicationSlotWalStatus";

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
        return new GuardedEnumerator<>(
                delegate.createEnumerator(context), context, settings, false);
    }

    @Override
    public SplitEnumerator<SplitT, EnumChkT> restoreEnumerator(
            SplitEnumeratorContext<SplitT> context, EnumChkT checkpoint) throws Exception {
        boolean ready;
        try {
            ready = slotReadyForRestore(settings);
        } catch (SuppressRestartsException refusal) {
            // Thrown from here, the failure can reach Flink before the scheduler runs (a restore
            // at submission happens while the job is being created) and be dropped: the job then
            // hangs without a source. The refusing enumerator fails it from the coordinator
            // thread instead, as soon as a reader registers.
            LOG.error("Refusing to resume: {}", refusal.getCause().getMessage());
            return new RefusingEnumerator<>(refusal);
        }
        if (ready) {
            return new GuardedEnumerator<>(
                    delegate.restoreEnumerator(context, checkpoint), context, settings, false);
        }
        // RESNAPSHOT: forget the checkpointed position; a fresh enumerator creates the slot and
        // snapshots every table, and the readers are told to drop the splits they restored
        LOG.warn(
                "Replication slot {} ({}) is gone or invalidated; {}=RESNAPSHOT: creating it again"
                        + " and taking a new snapshot of {} into bronze",
                settings.slotName(),
                PostgresSourceOptions.SLOT_NAME.key(),
                PostgresSourceOptions.ON_MISSING_SLOT.key(),
                settings.tables());
        return new GuardedEnumerator<>(delegate.createEnumerator(context), context, settings, true);
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
        return new GuardedReader<>(delegate.createReader(readerContext), readerContext);
    }

    @Override
    @SuppressWarnings("unchecked")
    public TypeInformation<T> getProducedType() {
        return ((ResultTypeQueryable<T>) delegate).getProducedType();
    }

    /**
     * True when the slot the checkpoint reads from is in place. Otherwise refuses the restore
     * ({@code FAIL}: restarting cannot bring the WAL back, so the failure suppresses Flink's
     * restarts) or returns false ({@code RESNAPSHOT}, after dropping an invalidated slot so that a
     * fresh one can be created). An unreachable server is left to Flink's restarts.
     */
    static boolean slotReadyForRestore(PostgresSourceSettings settings) {
        try (Connection connection = ReplicationSlots.connect(settings)) {
            Optional<SlotStatus> slot = ReplicationSlots.find(connection, settings.slotName());
            if (slot.isPresent() && !slot.get().lost()) {
                LOG.info(
                        "Replication slot {} is in place (wal_status {}, confirmed_flush_lsn {});"
                                + " resuming",
                        settings.slotName(),
                        slot.get().walStatus(),
                        slot.get().confirmedFlushLsn());
                return true;
            }
            boolean resnapshot =
                    settings.onMissingSlot() == PostgresSourceOptions.OnMissingSlot.RESNAPSHOT;
            if (!resnapshot) {
                String message =
                        slot.isEmpty()
                                ? missingOnRestore(settings)
                                : lost(settings, "the checkpoint resumes from");
                throw new SuppressRestartsException(new IllegalStateException(message));
            }
            if (slot.isPresent()) {
                try (var ps = connection.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                    ps.setString(1, settings.slotName());
                    ps.execute();
                }
            }
            return false;
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Cannot check replication slot '"
                            + settings.slotName()
                            + "' before resuming from the checkpoint ("
                            + e.getMessage()
                            + ")",
                    e);
        }
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
                + " them silently. Refusing to start. To recover, set "
                + PostgresSourceOptions.ON_MISSING_SLOT.key()
                + "=RESNAPSHOT (or start the job without its checkpoint or savepoint): the slot"
                + " is created again and every captured table is snapshotted again into bronze."
                + " Rows deleted in the meantime are not in that snapshot and stay in silver"
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
                + " max_slot_wal_keep_size. Those changes cannot be read any more. Set "
                + PostgresSourceOptions.ON_MISSING_SLOT.key()
                + "=RESNAPSHOT to take a new snapshot, or drop the slot (SELECT"
                + " pg_drop_replication_slot('"
                + settings.slotName()
                + "')) and start the job without its checkpoint.";
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
     * Stands in for the enumerator when the slot the checkpoint reads from is gone: it never
     * creates a slot and assigns nothing, and fails the job (without restarts) when a reader
     * registers or a checkpoint is taken. The readers hold their restored splits until the
     * enumerator decides, so none of them opens a replication connection either.
     */
    private static final class RefusingEnumerator<SplitT extends SourceSplit, EnumChkT>
            implements SplitEnumerator<SplitT, EnumChkT> {

        private final SuppressRestartsException refusal;

        RefusingEnumerator(SuppressRestartsException refusal) {
            this.refusal = refusal;
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {
            throw refusal;
        }

        @Override
        public void addSplitsBack(List<SplitT> splits, int subtaskId) {}

        @Override
        public void addReader(int subtaskId) {
            throw refusal;
        }

        @Override
        public EnumChkT snapshotState(long checkpointId) {
            throw refusal;
        }

        @Override
        public void close() {}
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
        // RESNAPSHOT in progress: readers must drop the splits they restored, until a checkpoint
        // completes whose reader state no longer holds them
        private boolean dropRestoredSplits;
        private final Set<Integer> readersNotYetDropped = new HashSet<>();
        private long firstCleanCheckpoint = Long.MAX_VALUE;
        private volatile long lagBytes = -1;
        private volatile int walStatus = -1;
        // coordinator thread only: report a lost slot once, not at every check until the
        // failover closes this enumerator
        private boolean reported;
        // only touched by the worker thread that runs the checks (and by close)
        private Connection connection;

        GuardedEnumerator(
                SplitEnumerator<SplitT, EnumChkT> delegate,
                SplitEnumeratorContext<SplitT> context,
                PostgresSourceSettings settings,
                boolean dropRestoredSplits) {
            this.delegate = delegate;
            this.context = context;
            this.settings = settings;
            this.dropRestoredSplits = dropRestoredSplits;
        }

        @Override
        public void start() {
            delegate.start();
            context.metricGroup().gauge(LAG_GAUGE, () -> lagBytes);
            context.metricGroup().gauge(WAL_STATUS_GAUGE, () -> walStatus);
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
                walStatus = -1;
                reported = true;
                throw new IllegalStateException(missingWhileRunning(settings));
            }
            walStatus = slot.get().walStatusCode();
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
            // before the wrapped enumerator can assign anything: events reach a reader in order
            context.sendEventToSourceReader(subtaskId, new ResumeDecision(dropRestoredSplits));
            if (dropRestoredSplits) {
                readersNotYetDropped.add(subtaskId);
            }
            delegate.addReader(subtaskId);
        }

        @Override
        public EnumChkT snapshotState(long checkpointId) throws Exception {
            // readers snapshot after the coordinator: once every reader has dropped its old
            // splits, this checkpoint's reader state is free of them
            if (dropRestoredSplits
                    && firstCleanCheckpoint == Long.MAX_VALUE
                    && readersNotYetDropped.isEmpty()
                    && context.registeredReaders().size() == context.currentParallelism()) {
                firstCleanCheckpoint = checkpointId;
            }
            return delegate.snapshotState(checkpointId);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            if (dropRestoredSplits && checkpointId >= firstCleanCheckpoint) {
                dropRestoredSplits = false;
                LOG.info(
                        "Re-snapshot of slot {}: checkpoint {} holds only new positions",
                        settings.slotName(),
                        checkpointId);
            }
            delegate.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            delegate.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
            if (sourceEvent instanceof ResumeApplied) {
                readersNotYetDropped.remove(subtaskId);
                return;
            }
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

    /** Tells a reader whether to resume the splits it restored or drop them (re-snapshot). */
    record ResumeDecision(boolean dropRestoredSplits) implements SourceEvent {}

    /** A reader has applied its {@link ResumeDecision}. */
    record ResumeApplied() implements SourceEvent {}

    /**
     * The wrapped reader, held back until the enumerator has said whether the splits restored from
     * the checkpoint still hold (the slot was there) or belong to a lost slot and must go. Restored
     * splits arrive before {@code start()}; they are kept aside (and in checkpoints) until then.
     */
    static final class GuardedReader<T, SplitT extends SourceSplit>
            implements SourceReader<T, SplitT> {

        private final SourceReader<T, SplitT> delegate;
        private final SourceReaderContext context;
        private final List<SplitT> restored = new ArrayList<>();
        private final CompletableFuture<Void> decided = new CompletableFuture<>();
        private boolean noMoreSplits;

        GuardedReader(SourceReader<T, SplitT> delegate, SourceReaderContext context) {
            this.delegate = delegate;
            this.context = context;
        }

        @Override
        public void start() {
            // the wrapped reader starts once the enumerator's decision is in
        }

        @Override
        public void handleSourceEvents(SourceEvent event) {
            if (!(event instanceof ResumeDecision decision)) {
                delegate.handleSourceEvents(event);
                return;
            }
            if (decided.isDone()) {
                return;
            }
            if (decision.dropRestoredSplits()) {
                LOG.warn(
                        "Re-snapshot: subtask {} drops {} split(s) restored from before the slot"
                                + " was lost",
                        context.getIndexOfSubtask(),
                        restored.size());
            } else if (!restored.isEmpty()) {
                delegate.addSplits(new ArrayList<>(restored));
            }
            restored.clear();
            delegate.start();
            if (noMoreSplits) {
                delegate.notifyNoMoreSplits();
            }
            decided.complete(null);
            context.sendSourceEventToCoordinator(new ResumeApplied());
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
            return decided.isDone() ? delegate.pollNext(output) : InputStatus.NOTHING_AVAILABLE;
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return decided.isDone() ? delegate.isAvailable() : decided;
        }

        @Override
        public void addSplits(List<SplitT> splits) {
            if (decided.isDone()) {
                delegate.addSplits(splits);
            } else {
                restored.addAll(splits);
            }
        }

        @Override
        public void notifyNoMoreSplits() {
            if (decided.isDone()) {
                delegate.notifyNoMoreSplits();
            } else {
                noMoreSplits = true;
            }
        }

        @Override
        public List<SplitT> snapshotState(long checkpointId) {
            return decided.isDone()
                    ? delegate.snapshotState(checkpointId)
                    : new ArrayList<>(restored);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            if (decided.isDone()) {
                delegate.notifyCheckpointComplete(checkpointId);
            }
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            if (decided.isDone()) {
                delegate.notifyCheckpointAborted(checkpointId);
            }
        }

        @Override
        public void pauseOrResumeSplits(
                java.util.Collection<String> splitsToPause,
                java.util.Collection<String> splitsToResume) {
            delegate.pauseOrResumeSplits(splitsToPause, splitsToResume);
        }

        @Override
        public void close() throws Exception {
            delegate.close();
        }
    }
}
