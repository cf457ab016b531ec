package dev.lakestream.ops.reconcile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;

/**
 * One consistent cut through tables one Flink job writes: Iceberg's Flink sinks (the silver dynamic
 * sink's {@code DynamicCommitter} included, checked in Iceberg 1.10.1) write {@code
 * flink.max-committed-checkpoint-id} and {@code flink.job-id} into each snapshot's summary. The cut
 * is the newest checkpoint every table has committed, C = min over tables of their newest
 * checkpoint; each table is read at its newest snapshot of a checkpoint at most C. A table without
 * a snapshot for a later checkpoint had nothing to commit then (a sink skips empty commits), so its
 * snapshot of an earlier checkpoint is its state at C.
 *
 * <p>Only snapshots of the newest job id count (a job started without its state numbers its
 * checkpoints from 1 again); snapshots without the property (maintenance rewrites) are skipped,
 * they change no rows.
 */
final class CheckpointCut {

    static final String CHECKPOINT = "flink.max-committed-checkpoint-id";
    static final String JOB = "flink.job-id";

    /** The cut: checkpoint C of job, and each table's snapshot id for it (null: empty then). */
    record Cut(long checkpoint, String job, Map<String, Long> snapshots) {}

    private CheckpointCut() {}

    /** The cut through these tables, or empty when one of them has no checkpoint of the job. */
    static Optional<Cut> of(Map<String, Table> tables) {
        String job = null;
        long newestCommit = Long.MIN_VALUE;
        for (Table t : tables.values()) {
            t.refresh();
            for (Snapshot s : ancestors(t)) {
                String j = s.summary().get(JOB);
                if (j != null && s.summary().get(CHECKPOINT) != null) {
                    if (s.timestampMillis() > newestCommit) {
                        newestCommit = s.timestampMillis();
                        job = j;
                    }
                    break;
                }
            }
        }
        if (job == null) {
            return Optional.empty();
        }
        long cut = Long.MAX_VALUE;
        for (Table t : tables.values()) {
            long newest = -1;
            for (Snapshot s : ancestors(t)) {
                if (job.equals(s.summary().get(JOB)) && s.summary().get(CHECKPOINT) != null) {
                    newest = Math.max(newest, Long.parseLong(s.summary().get(CHECKPOINT)));
                }
            }
            if (newest < 0) {
                return Optional.empty();
            }
            cut = Math.min(cut, newest);
        }
        Map<String, Long> snapshots = new LinkedHashMap<>();
        for (Map.Entry<String, Table> e : tables.entrySet()) {
            Long chosen = null;
            for (Snapshot s : ancestors(e.getValue())) {
                String cp = s.summary().get(CHECKPOINT);
                if (cp == null) {
                    continue; // a maintenance rewrite: no rows changed, maybe after C
                }
                // this job's snapshot at or before C, or the last one of the job before it
                if (!job.equals(s.summary().get(JOB)) || Long.parseLong(cp) <= cut) {
                    chosen = s.snapshotId();
                    break;
                }
            }
            snapshots.put(e.getKey(), chosen);
        }
        return Optional.of(new Cut(cut, job, snapshots));
    }

    /** The main branch's snapshots, newest first. */
    private static List<Snapshot> ancestors(Table t) {
        Snapshot current = t.currentSnapshot();
        SnapshotRef main = t.refs().get(SnapshotRef.MAIN_BRANCH);
        if (main != null) {
            current = t.snapshot(main.snapshotId());
        }
        List<Snapshot> out = new java.util.ArrayList<>();
        while (current != null) {
            out.add(current);
            current = current.parentId() == null ? null : t.snapshot(current.parentId());
        }
        return out;
    }
}
