package dev.lakestream.jobs.maintenance;

import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;
import org.apache.iceberg.util.PropertyUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites a table's small data manifests into few large ones, on each tick, under the same lock
 * the table's other maintenance tasks take (Iceberg's Flink maintenance API has no manifest task,
 * and its task builders cannot be extended from outside its package).
 *
 * <pre>
 *  tick --&gt; current snapshot: data manifests smaller than commit.manifest.target-size-bytes
 *             &lt; min-count --&gt; nothing to do
 *             &gt;= min-count --&gt; tryLock (JdbcLock of the table) --held--&gt; skipped until the next tick
 *                                 |
 *                                 +--&gt; RewriteManifests (small ones, clustered by partition spec)
 *                                      --&gt; commit --&gt; unlock; one log line
 * </pre>
 *
 * A manifest rewrite moves file entries between manifests and adds no data, so it is safe for
 * readers: an incremental streaming read of bronze skips the {@code replace} snapshot, and the
 * manifests it replaced stay until expiry removes the snapshots that list them. Equality and
 * position delete manifests are left alone; the periodic full compaction drops the delete files
 * they list.
 *
 * <p>The lock orders work, it does not make it correct: Iceberg's LockRemover releases a table's
 * lock whoever holds it when one of its tasks ends. A manifest rewrite that does overlap another
 * commit is settled by Iceberg's optimistic commit: it retries on the new metadata, and fails
 * rather than lose an entry when a manifest it replaces is gone.
 *
 * <p>A failed rewrite is logged, counted ({@code manifestRewriteFailures}) and retried on the next
 * tick; it never fails the job, like Iceberg's own tasks.
 */
final class ManifestRewriter extends ProcessFunction<Long, Void> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ManifestRewriter.class);

    private final TableLoader tableLoader;
    private final TriggerLockFactory lockFactory;
    private final int minCount;
    private transient Table table;
    private transient TriggerLockFactory.Lock lock;
    private transient Counter rewrites;
    private transient Counter failures;
    private transient Counter skipped;

    /**
     * @param lockFactory the unguarded lock factory of the table: the same lock id as its other
     *     tasks, so a rewrite never runs while a compaction or expiry of the table does
     * @param minCount small data manifests the current snapshot needs before a rewrite
     */
    ManifestRewriter(TableLoader tableLoader, TriggerLockFactory lockFactory, int minCount) {
        this.tableLoader = tableLoader;
        this.lockFactory = lockFactory;
        this.minCount = minCount;
    }

    @Override
    public void open(OpenContext context) {
        if (!tableLoader.isOpen()) {
            tableLoader.open();
        }
        table = tableLoader.loadTable();
        lockFactory.open();
        lock = lockFactory.createLock();
        rewrites = getRuntimeContext().getMetricGroup().counter("manifestRewrites");
        failures = getRuntimeContext().getMetricGroup().counter("manifestRewriteFailures");
        skipped = getRuntimeContext().getMetricGroup().counter("manifestRewritesSkippedOnLock");
    }

    @Override
    public void processElement(Long tick, Context context, Collector<Void> out) {
        try {
            rewriteIfNeeded();
        } catch (RuntimeException e) {
            failures.inc();
            LOG.warn(
                    "Manifest rewrite of {} failed; retried on the next run: {}",
                    table.name(),
                    e.toString(),
                    e);
        }
    }

    private void rewriteIfNeeded() {
        table.refresh();
        Snapshot current = table.currentSnapshot();
        if (current == null) {
            return;
        }
        long target =
                PropertyUtil.propertyAsLong(
                        table.properties(),
                        TableProperties.MANIFEST_TARGET_SIZE_BYTES,
                        TableProperties.MANIFEST_TARGET_SIZE_BYTES_DEFAULT);
        List<ManifestFile> data = current.dataManifests(table.io());
        long small = data.stream().filter(m -> m.length() < target).count();
        if (small < minCount) {
            LOG.debug("{}: {} small data manifests, below {}", table.name(), small, minCount);
            return;
        }
        if (!lock.tryLock()) {
            skipped.inc();
            LOG.info(
                    "{}: manifest rewrite skipped, another maintenance task holds the lock",
                    table.name());
            return;
        }
        try {
            long start = System.nanoTime();
            table.rewriteManifests()
                    .clusterBy(DataFile::specId)
                    .rewriteIf(m -> m.length() < target)
                    .commit();
            rewrites.inc();
            LOG.info(
                    "{}: rewrote {} small data manifests of {} in {} ms",
                    table.name(),
                    small,
                    data.size(),
                    (System.nanoTime() - start) / 1_000_000);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            lockFactory.close();
        } finally {
            tableLoader.close();
        }
    }
}
