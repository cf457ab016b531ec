package dev.lakestream.ops.reconcile;

import dev.lakestream.ops.CheckpointSnapshots;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * One consistent cut through tables one Flink job writes. Iceberg's Flink sinks (the silver dynamic
 * sink's {@code DynamicCommitter} included, checked in Iceberg 1.10.1) write {@code
 * flink.max-committed-checkpoint-id} and {@code flink.job-id} into each snapshot's summary; each
 * table is read at its newest snapshot of a checkpoint at most C.
 *
 * <p>Choosing C: a sink commits nothing for a checkpoint in which its table got no rows (silver's
 * dynamic sink not even the periodic empty commit), so "the newest checkpoint every table
 * committed" can lag far behind (a store table that never changes would pin it at the first
 * checkpoint). Instead C is the newest checkpoint any of the tables committed at least {@code
 * settle} ago: every committer of the job commits a completed checkpoint within seconds, so by then
 * a table without a snapshot for C had nothing to commit for it, and its older snapshot is its
 * state at C. {@code settle} is the cycle's grace, which must exceed the pipeline's lag anyway.
 *
 * <p>Only snapshots of the newest job id count (a job started without its state numbers its
 * checkpoints from 1 again). A snapshot without the property (a compaction, a fix written from
 * outside the job) belongs to the checkpoint before it: it is read when no later checkpoint of the
 * job followed it up to C, so a row corrupted by hand is seen.
 */
final class CheckpointCut {

    static final String CHECKPOINT = CheckpointSnapshots.MAX_COMMITTED_CHECKPOINT;
    static final String JOB = CheckpointSnapshots.JOB_ID;

    /**
     * The cut: checkpoint C of the job, the newest checkpoint committed anywhere, and each table's
     * snapshot id at C (null: the table was empty then).
     */
    record Cut(long checkpoint, long newest, String job, Map<String, Long> snapshots) {}

    private CheckpointCut() {}

    /** The cut through these tables, or empty when no checkpoint of the job settled yet. */
    static Optional<Cut> of(Map<String, Table> tables, Instant now, Duration settle) {
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
        long settledBefore = now.minus(settle).toEpochMilli();
        long cut = -1;
        long newest = -1;
        for (Table t : tables.values()) {
            for (Snapshot s : ancestors(t)) {
                String cp = s.summary().get(CHECKPOINT);
                if (cp != null && job.equals(s.summary().get(JOB))) {
                    newest = Math.max(newest, Long.parseLong(cp));
                    if (s.timestampMillis() <= settledBefore) {
                        cut = Math.max(cut, Long.parseLong(cp));
                    }
                }
            }
        }
        if (cut < 0) {
            return Optional.empty();
        }
        Map<String, Long> snapshots = new LinkedHashMap<>();
        for (Map.Entry<String, Table> e : tables.entrySet()) {
            snapshots.put(e.getKey(), snapshotAt(e.getValue(), job, cut));
        }
        return Optional.of(new Cut(cut, newest, job, snapshots));
    }

    /** The table's state at checkpoint C ({@link CheckpointSnapshots#asOf}). */
    static Long snapshotAt(Table table, String job, long cut) {
        return CheckpointSnapshots.asOf(table, job, cut);
    }

    private static List<Snapshot> ancestors(Table t) {
        return CheckpointSnapshots.ancestors(t);
    }
}
