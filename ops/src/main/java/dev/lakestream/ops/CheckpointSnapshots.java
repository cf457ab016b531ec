package dev.lakestream.ops;

import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;

/**
 * Which snapshot of a table belongs to a Flink job's checkpoint. Iceberg's Flink sinks (the silver
 * dynamic sink's {@code DynamicCommitter} included, checked in Iceberg 1.10.1) write {@code
 * flink.job-id} and {@code flink.max-committed-checkpoint-id} into each snapshot's summary. Used by
 * lineage (the snapshot that holds a checkpoint's data) and reconciliation (a table as of a
 * checkpoint).
 */
public final class CheckpointSnapshots {

    public static final String JOB_ID = "flink.job-id";
    public static final String MAX_COMMITTED_CHECKPOINT = "flink.max-committed-checkpoint-id";

    private CheckpointSnapshots() {}

    /**
     * The snapshot that committed checkpoint {@code checkpoint} of {@code job}: the oldest of that
     * job on the main branch whose highest committed checkpoint is at least it (a commit that
     * failed is retried with the next one, which then carries both); null when not kept.
     */
    public static Long holding(Table table, String job, long checkpoint) {
        List<Snapshot> newestFirst = ancestors(table);
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            Snapshot s = newestFirst.get(i);
            String cp = s.summary().get(MAX_COMMITTED_CHECKPOINT);
            if (cp != null
                    && job.equals(s.summary().get(JOB_ID))
                    && Long.parseLong(cp) >= checkpoint) {
                return s.snapshotId();
            }
        }
        return null;
    }

    /**
     * The table's state at checkpoint {@code checkpoint} of {@code job}: walking back from the
     * newest snapshot, the first one of this job at or before it (or of an earlier job), unless a
     * snapshot without the property (a compaction, or a write from outside the job, such as a
     * manual fix or a re-injection) followed it before the job's next checkpoint: that snapshot
     * holds the state then. A checkpoint that changed nothing in the table made no snapshot there.
     * Null when the table had nothing.
     */
    public static Long asOf(Table table, String job, long checkpoint) {
        Long foreign = null;
        for (Snapshot s : ancestors(table)) {
            String cp = s.summary().get(MAX_COMMITTED_CHECKPOINT);
            if (cp == null) {
                if (foreign == null) {
                    foreign = s.snapshotId();
                }
                continue;
            }
            if (job.equals(s.summary().get(JOB_ID)) && Long.parseLong(cp) > checkpoint) {
                foreign = null; // what followed includes this later checkpoint
                continue;
            }
            return foreign != null ? foreign : s.snapshotId();
        }
        return foreign;
    }

    /** The main branch's snapshots, newest first. */
    public static List<Snapshot> ancestors(Table t) {
        Snapshot current = t.currentSnapshot();
        SnapshotRef main = t.refs().get(SnapshotRef.MAIN_BRANCH);
        if (main != null) {
            current = t.snapshot(main.snapshotId());
        }
        List<Snapshot> out = new ArrayList<>();
        while (current != null) {
            out.add(current);
            current = current.parentId() == null ? null : t.snapshot(current.parentId());
        }
        return out;
    }
}
