package dev.lakestream.jobs.silver;

import dev.lakestream.jobs.changelog.RowChange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Keeps a silver table's records of two schemas out of one checkpoint, so that a source schema
 * change never leaves a row twice in silver.
 *
 * <p>Iceberg's dynamic sink writes each schema of a table with its own writer, and commits what a
 * checkpoint wrote as one snapshot. An equality delete removes only rows of older snapshots: a key
 * upserted with the old schema and again with the new one within one checkpoint would keep both
 * rows (the same trap Flink CDC's Iceberg sink fixed in FLINK-38450). So, per table, the first
 * schema (drift, see {@code SchemaDrift}) a checkpoint sees passes; a record of another schema is
 * held, with every later record of its key (their order is kept), until the checkpoint's barrier
 * has passed, and then goes through the same rule again. Held records are in this operator's state,
 * so a restore re-emits them.
 *
 * <p>Almost always a table has one schema and nothing is held. Around an {@code ALTER TABLE} the
 * records of the new schema wait one checkpoint; while bronze still delivers old images of other
 * keys, a table may switch a few more times, a checkpoint each.
 */
final class SchemaSwitchGate extends AbstractStreamOperator<RowChange>
        implements OneInputStreamOperator<RowChange, RowChange> {

    private static final long serialVersionUID = 1L;
    private static final String NO_DRIFT = "";

    private transient Map<String, String> epochTypes;
    private transient Set<String> heldKeys;
    private transient List<RowChange> held;
    private transient ListState<RowChange> heldState;

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        epochTypes = new HashMap<>();
        heldKeys = new HashSet<>();
        held = new ArrayList<>();
        heldState =
                context.getOperatorStateStore()
                        .getListState(new ListStateDescriptor<>("held", RowChange.TYPE));
        for (RowChange change : heldState.get()) {
            held.add(change);
            heldKeys.add(change.table + change.key);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        if (!held.isEmpty()) {
            scheduleRelease();
        }
    }

    @Override
    public void processElement(StreamRecord<RowChange> element) {
        RowChange change = element.getValue();
        if (!admit(change)) {
            held.add(change);
        }
    }

    /** Emits the change when its table's schema in this checkpoint allows; false when held. */
    private boolean admit(RowChange change) {
        String key = change.table + change.key;
        if (heldKeys.contains(key)) {
            return false;
        }
        String types = change.types == null ? NO_DRIFT : change.types;
        String epoch = epochTypes.putIfAbsent(change.table, types);
        if (epoch != null && !epoch.equals(types)) {
            heldKeys.add(key);
            return false;
        }
        output.collect(new StreamRecord<>(change));
        return true;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        // none of these passed the barrier: a restore from this checkpoint emits them
        heldState.update(held);
        // a new checkpoint begins behind the barrier; release what waited, in a mailbox action
        epochTypes.clear();
        if (!held.isEmpty()) {
            scheduleRelease();
        }
    }

    private void scheduleRelease() {
        getProcessingTimeService()
                .registerTimer(
                        getProcessingTimeService().getCurrentProcessingTime(), t -> release());
    }

    private void release() {
        List<RowChange> waiting = new ArrayList<>(held);
        held.clear();
        heldKeys.clear();
        for (RowChange change : waiting) {
            if (!admit(change)) {
                held.add(change);
            }
        }
    }
}
