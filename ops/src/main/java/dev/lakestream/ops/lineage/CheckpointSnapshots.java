package dev.lakestream.ops.lineage;

import java.util.OptionalLong;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * Which snapshot of a table a job's checkpoint committed. Iceberg's Flink sinks write {@code
 * flink.job-id} and {@code flink.max-committed-checkpoint-id} into every snapshot summary; a
 * checkpoint's data is in the first snapshot of that job whose highest committed checkpoint is at
 * least it (a commit that failed is retried with the next one, which then carries both).
 */
final class CheckpointSnapshots {

    static final String JOB_ID = "flink.job-id";
    static final String MAX_COMMITTED_CHECKPOINT = "flink.max-committed-checkpoint-id";

    private CheckpointSnapshots() {}

    /**
     * The table as it was when checkpoint {@code checkpointId} of job {@code jobId} had committed:
     * its newest snapshot from that job at or below that checkpoint (a checkpoint that changed
     * nothing in the table made no snapshot), or empty when that job wrote none.
     */
    static OptionalLong asOf(Table table, String jobId, long checkpointId) {
        Snapshot found = null;
        for (Snapshot s : table.snapshots()) {
            String max = s.summary().get(MAX_COMMITTED_CHECKPOINT);
            if (jobId.equals(s.summary().get(JOB_ID))
                    && max != null
                    && Long.parseLong(max) <= checkpointId
                    && (found == null || s.sequenceNumber() > found.sequenceNumber())) {
                found = s;
            }
        }
        return found == null ? OptionalLong.empty() : OptionalLong.of(found.snapshotId());
    }

    /** The snapshot holding checkpoint {@code checkpointId} of job {@code jobId}, if kept. */
    static OptionalLong of(Table table, String jobId, long checkpointId) {
        Snapshot found = null;
        for (Snapshot s : table.snapshots()) {
            String job = s.summary().get(JOB_ID);
            String max = s.summary().get(MAX_COMMITTED_CHECKPOINT);
            if (jobId.equals(job)
                    && max != null
                    && Long.parseLong(max) >= checkpointId
                    && (found == null || s.sequenceNumber() < found.sequenceNumber())) {
                found = s;
            }
        }
        return found == null ? OptionalLong.empty() : OptionalLong.of(found.snapshotId());
    }
}
