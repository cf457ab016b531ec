package dev.lakestream.jobs.maintenance;

import dev.lakestream.catalog.DanglingDeletes;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the delete files of a table that apply to no data file any more ({@link
 * DanglingDeletes}), in one {@code replace} commit that adds nothing, so they stop weighing on
 * every scan plan and expiry deletes them with the snapshots that still list them. This is what
 * keeps the delete files of upserted tables bounded between full rewrites: after a compaction of
 * the partitions that changed, the deletes it applied are dangling, but Iceberg drops them only
 * once every data file of the table is newer. Metrics: {@code danglingDeleteRemovals}, {@code
 * danglingDeleteRemovalFailures}, {@code danglingDeleteRemovalsSkippedOnLock}, {@code
 * danglingDeleteFilesRemoved}.
 */
final class DanglingDeleteRemover extends LockedTableTask {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DanglingDeleteRemover.class);

    private transient Counter removed;

    DanglingDeleteRemover(TableLoader tableLoader, TriggerLockFactory lockFactory, int everyTicks) {
        super("danglingDeleteRemoval", tableLoader, lockFactory, everyTicks);
    }

    @Override
    void openMetrics() {
        removed = getRuntimeContext().getMetricGroup().counter("danglingDeleteFilesRemoved");
    }

    @Override
    void run(Table table, Snapshot current) {
        if (DanglingDeletes.of(current, table.io(), table.specs()).isEmpty()) {
            return;
        }
        underLock(
                table,
                () -> {
                    // again under the lock: a compaction may have committed in between
                    table.refresh();
                    Snapshot now = table.currentSnapshot();
                    List<DeleteFile> dangling = DanglingDeletes.of(now, table.io(), table.specs());
                    if (dangling.isEmpty()) {
                        return;
                    }
                    long start = System.nanoTime();
                    RewriteFiles rewrite =
                            table.newRewrite().validateFromSnapshot(now.snapshotId());
                    dangling.forEach(rewrite::deleteFile);
                    rewrite.commit();
                    removed.inc(dangling.size());
                    LOG.info(
                            "{}: removed {} delete files that applied to no data file, in {} ms",
                            table.name(),
                            dangling.size(),
                            (System.nanoTime() - start) / 1_000_000);
                });
    }
}
