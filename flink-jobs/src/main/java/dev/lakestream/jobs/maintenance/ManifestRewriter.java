package dev.lakestream.jobs.maintenance;

import java.util.List;
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
 * Rewrites a table's small data manifests into few large ones once there are {@code min-count} of
 * them (smaller than {@code commit.manifest.target-size-bytes}), clustered by partition spec.
 * Metrics: {@code manifestRewrites}, {@code manifestRewriteFailures}, {@code
 * manifestRewritesSkippedOnLock}.
 *
 * <p>A manifest rewrite moves file entries between manifests and adds no data, so it is safe for
 * readers: an incremental streaming read of bronze skips the {@code replace} snapshot, and the
 * manifests it replaced stay until expiry removes the snapshots that list them. Delete manifests
 * are left alone; {@link DanglingDeleteRemover} and the compactions shrink them.
 */
final class ManifestRewriter extends TickedTableTask {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ManifestRewriter.class);

    private final int minCount;

    /**
     * @param minCount small data manifests the current snapshot needs before a rewrite
     */
    ManifestRewriter(
            TableLoader tableLoader, TriggerLockFactory lockFactory, int everyTicks, int minCount) {
        super("manifestRewrite", tableLoader, lockFactory, everyTicks);
        this.minCount = minCount;
    }

    @Override
    void run(Table table, Snapshot current) {
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
        underLock(
                table,
                () -> {
                    long start = System.nanoTime();
                    table.rewriteManifests()
                            .clusterBy(DataFile::specId)
                            .rewriteIf(m -> m.length() < target)
                            .commit();
                    LOG.info(
                            "{}: rewrote {} small data manifests of {} in {} ms",
                            table.name(),
                            small,
                            data.size(),
                            (System.nanoTime() - start) / 1_000_000);
                });
    }
}
