package dev.lakestream.jobs.maintenance;

import dev.lakestream.catalog.DanglingDeletes;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.flink.TableLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the delete files of a table that apply to no data file any more ({@link
 * DanglingDeletes}), in one {@code replace} commit that adds nothing, so they stop weighing on
 * every scan plan and expiry deletes them with the snapshots that still list them. This is what
 * keeps the delete files of upserted tables bounded between full rewrites: after a compaction of
 * the partitions that changed, the deletes it applied are dangling, but Iceberg drops them only
 * once every data file of the table is newer. Metrics: {@code danglingDeleteRemovals}, {@code
 * danglingDeleteRemovalFailures}, {@code danglingDeleteFilesRemoved}.
 *
 * <p>It takes no lock: under the table's lock it starved, since on a busy upserted table the
 * compaction holds it most of the time (a 60-minute soak skipped 6 of 7 runs on gold), and it needs
 * none. A writer's files are newer than every existing delete, and a compaction's files take the
 * sequence number of its start, at least the lowest one of the live files it replaces, so no
 * concurrent commit makes a dangling delete apply again ({@link DanglingDeletes}); the deletes a
 * compaction removes are ones that applied to a file it replaced, never dangling ones. Only a full
 * rewrite may drop the same files first (Iceberg drops the deletes older than every data file in a
 * commit that removes data files); the removal then fails validation, lists them again and retries
 * once.
 */
final class DanglingDeleteRemover extends TickedTableTask {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DanglingDeleteRemover.class);

    private transient Counter removed;

    DanglingDeleteRemover(TableLoader tableLoader, int everyTicks) {
        super("danglingDeleteRemoval", tableLoader, null, everyTicks);
    }

    @Override
    void openMetrics() {
        removed = getRuntimeContext().getMetricGroup().counter("danglingDeleteFilesRemoved");
    }

    @Override
    void run(Table table, Snapshot current) {
        List<DeleteFile> dangling = DanglingDeletes.of(current, table.io(), table.specs());
        if (dangling.isEmpty()) {
            return;
        }
        counted(
                () -> {
                    try {
                        remove(table, current, dangling);
                    } catch (ValidationException e) {
                        // a full rewrite dropped some of them first: list them again, once
                        table.refresh();
                        Snapshot now = table.currentSnapshot();
                        List<DeleteFile> again = DanglingDeletes.of(now, table.io(), table.specs());
                        if (!again.isEmpty()) {
                            remove(table, now, again);
                        }
                    }
                });
    }

    private void remove(Table table, Snapshot base, List<DeleteFile> dangling) {
        long start = System.nanoTime();
        RewriteFiles rewrite = table.newRewrite().validateFromSnapshot(base.snapshotId());
        dangling.forEach(rewrite::deleteFile);
        rewrite.commit();
        removed.inc(dangling.size());
        LOG.info(
                "{}: removed {} delete files that applied to no data file, in {} ms",
                table.name(),
                dangling.size(),
                (System.nanoTime() - start) / 1_000_000);
    }
}
