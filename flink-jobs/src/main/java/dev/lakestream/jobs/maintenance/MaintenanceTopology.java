package dev.lakestream.jobs.maintenance;

import dev.lakestream.catalog.TableDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.maintenance.api.DeleteOrphanFiles;
import org.apache.iceberg.flink.maintenance.api.ExpireSnapshots;
import org.apache.iceberg.flink.maintenance.api.JdbcLockFactory;
import org.apache.iceberg.flink.maintenance.api.RewriteDataFiles;
import org.apache.iceberg.flink.maintenance.api.TableMaintenance;

/**
 * One Iceberg {@link TableMaintenance} pipeline per table, all in one Flink job.
 *
 * <pre>
 *  per table:  MonitorSource (new snapshots) --&gt; TriggerManager --tryLock--&gt; GuardedLockFactory
 *                 |                                               (JdbcLock per table)
 *                 +--&gt; [0] RewriteDataFiles (plan, rewrite, commit)   silver, gold, quarantine
 *                 +--&gt; [1] ExpireSnapshots (expire, delete files)     every table
 *                 +--&gt; [2] DeleteOrphanFiles (list, compare, delete)  every table
 *                 --&gt; LockRemover (unlock; one log line per run)
 * </pre>
 *
 * Compaction comes first: when several tasks are due, the TriggerManager starts from the first, and
 * expiry after a compaction removes the replaced files at once. One lock per table serialises the
 * tasks of that table, so an orphan listing never races a compaction of the same table. Manifests
 * need no task of their own: every table commits with manifest merging on ({@code
 * commit.manifest-merge.enabled}), which keeps the manifest count of a snapshot bounded (see the
 * README's "Table maintenance").
 *
 * <p>Operator ids derive from the table name ({@code uidSuffix}), so a savepoint restores each
 * table's trigger state; adding a table adds a pipeline without touching the others.
 */
public final class MaintenanceTopology {

    private MaintenanceTopology() {}

    /** A table and whether a streaming reader depends on its snapshots (bronze). */
    public record MaintainedTable(TableDefinition definition, boolean streamedFrom) {}

    public static void build(
            StreamExecutionEnvironment env,
            List<MaintainedTable> tables,
            Function<TableIdentifier, TableLoader> loaders,
            MaintenanceSettings settings) {
        for (MaintainedTable table : tables) {
            TableIdentifier id = table.definition().identifier();
            TableLoader loader = loaders.apply(id);
            JdbcLockFactory jdbc =
                    new JdbcLockFactory(
                            settings.lock().uri(),
                            lockId(settings.jobName(), id),
                            settings.lock().properties());
            GuardedLockFactory locks =
                    new GuardedLockFactory(
                            jdbc,
                            loaders.apply(id),
                            table.streamedFrom() && settings.consumerGuard(),
                            settings.snapshots().maxAge(),
                            settings.consumerGuardMargin());
            TableMaintenance.Builder maintenance =
                    TableMaintenance.forTable(env, loader, locks)
                            .uidSuffix(uidSuffix(id))
                            .rateLimit(settings.rateLimit())
                            .lockCheckDelay(settings.lockCheckDelay())
                            .parallelism(1);
            MaintenanceSettings.Compaction compaction = settings.compaction();
            if (compaction.enabled() && (!table.streamedFrom() || compaction.bronze())) {
                RewriteDataFiles.Builder rewrite =
                        RewriteDataFiles.builder()
                                .scheduleOnInterval(compaction.interval())
                                .targetFileSizeBytes(compaction.targetFileSizeBytes())
                                .minInputFiles(compaction.minInputFiles())
                                .deleteFileThreshold(compaction.deleteFileThreshold())
                                .rewriteAll(compaction.rewriteAll())
                                .partialProgressEnabled(true)
                                .partialProgressMaxCommits(4);
                if (compaction.commitCount() > 0) {
                    rewrite.scheduleOnCommitCount(compaction.commitCount());
                }
                maintenance.add(rewrite);
            }
            maintenance.add(
                    ExpireSnapshots.builder()
                            .scheduleOnInterval(settings.snapshots().interval())
                            .maxSnapshotAge(settings.snapshots().maxAge())
                            .retainLast(settings.snapshots().retainLast())
                            .cleanExpiredMetadata(true));
            if (settings.orphans().enabled()) {
                maintenance.add(
                        DeleteOrphanFiles.builder()
                                .scheduleOnInterval(settings.orphans().interval())
                                .minAge(settings.orphans().minAge())
                                // S3FileIO lists by prefix; there is no Hadoop S3 file system here
                                .usePrefixListing(true));
            }
            try {
                maintenance.append();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot set up maintenance of " + id, e);
            }
        }
    }

    /** Stable operator id suffix of a table's pipeline. Never change it. */
    static String uidSuffix(TableIdentifier id) {
        return "-" + id.toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "-");
    }

    /** Unique per job and table among the users of the lock database (at most 99 chars). */
    static String lockId(String jobName, TableIdentifier id) {
        String lockId = jobName + ":" + id;
        return lockId.length() < 100 ? lockId : lockId.substring(0, 99);
    }
}
