package dev.lakestream.jobs.maintenance;

import dev.lakestream.catalog.TableDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
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
 *                                                                  (bronze: BronzeCompactor)
 *                 +--&gt; [1] ExpireSnapshots (expire, delete files)     every table
 *                 +--&gt; [2] DeleteOrphanFiles (list, compare, delete)  every table, optional
 *                 +--&gt; [3] RewriteDataFiles, every file (full-interval) silver, gold, quarantine
 *                 --&gt; LockRemover (unlock; one log line per run)
 *
 *  one tick source (shortest interval) --+--&gt; per table: ManifestRewriter (same JdbcLock)
 *                                        +--&gt; bronze: BronzeCompactor (same JdbcLock)
 *                                        +--&gt; per table: DanglingDeleteRemover (no lock)
 * </pre>
 *
 * Compaction comes first: when several tasks are due, the TriggerManager starts from the first, and
 * expiry after a compaction removes the replaced files at once. One lock per table serialises the
 * tasks of that table, so an orphan listing never races a compaction of the same table. Iceberg
 * keeps one trigger time per task in the TriggerManager's state, so a different task list needs a
 * fresh start of the job (README, "Table maintenance"). The full rewrite exists for the delete
 * files: the regular compaction rewrites the files deletes apply to, but Iceberg drops a delete
 * file only once every data file of the table is newer, and a file no delete applies to (an old day
 * of gold, a product nobody updates) keeps its old sequence number until something rewrites it.
 * Between full rewrites, {@link DanglingDeleteRemover} drops the deletes each compaction left
 * applying to nothing. Iceberg's maintenance API has no manifest or dangling delete task, so {@link
 * ManifestRewriter} (under the same lock) and {@link DanglingDeleteRemover} (safe without it) run
 * beside it.
 *
 * <p>Operator ids derive from the table name ({@code uidSuffix}), so a savepoint restores each
 * table's trigger state; adding a table adds a pipeline without touching the others.
 */
final class MaintenanceTopology {

    /**
     * Partial progress with at most this many commits per run: as many as there are file groups, so
     * each rewritten group is committed on its own, at once. Iceberg's commit service
     * (BaseCommitService, 1.10.1) busy-waits while a group waits for the rest of its commit and
     * while a commit is in progress (apache/iceberg#12086); with a commit per group it spins only
     * through the commits, not through the rewrites. A commit per group also keeps a failed group
     * from undoing the others.
     */
    static final int COMMIT_EVERY_GROUP = 10_000;

    private MaintenanceTopology() {}

    /** A table and whether a streaming reader depends on its snapshots (bronze). */
    public record MaintainedTable(TableDefinition definition, boolean streamedFrom) {}

    public static void build(
            StreamExecutionEnvironment env,
            List<MaintainedTable> tables,
            Function<TableIdentifier, TableLoader> loaders,
            MaintenanceSettings settings) {
        Duration tick = tickPeriod(settings);
        DataStream<Long> ticks = tick == null ? null : ticks(env, tick);
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
            // a table a streaming reader consumes is compacted up to its read floor only
            boolean compacted = compaction.enabled() && !table.streamedFrom();
            if (compacted) {
                RewriteDataFiles.Builder rewrite =
                        rewrite(compaction)
                                .scheduleOnInterval(compaction.interval())
                                .minInputFiles(compaction.minInputFiles())
                                .deleteFileThreshold(compaction.deleteFileThreshold())
                                .rewriteAll(compaction.rewriteAll());
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
            if (compacted && compaction.fullRewrite()) {
                maintenance.add(
                        rewrite(compaction)
                                .scheduleOnInterval(compaction.fullInterval())
                                .rewriteAll(true));
            }
            try {
                maintenance.append();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot set up maintenance of " + id, e);
            }
            if (settings.manifests().enabled()) {
                MaintenanceSettings.Manifests manifests = settings.manifests();
                appendTicked(
                        ticks,
                        id,
                        "manifest-rewriter",
                        "RewriteManifests",
                        new ManifestRewriter(
                                loaders.apply(id),
                                jdbc,
                                ticksPer(manifests.interval(), tick),
                                manifests.minCount()));
            }
            if (table.streamedFrom() && bronzeCompacted(settings)) {
                appendTicked(
                        ticks,
                        id,
                        "bronze-compactor",
                        "CompactReadFiles",
                        new BronzeCompactor(
                                loaders.apply(id),
                                jdbc,
                                ticksPer(compaction.interval(), tick),
                                compaction.targetFileSizeBytes(),
                                compaction.minInputFiles()));
            }
            if (settings.danglingDeletes().enabled()) {
                appendTicked(
                        ticks,
                        id,
                        "dangling-delete-remover",
                        "RemoveDanglingDeletes",
                        new DanglingDeleteRemover(
                                loaders.apply(id),
                                ticksPer(settings.danglingDeletes().interval(), tick)));
            }
        }
    }

    /** What the regular compaction and the full rewrite share. */
    private static RewriteDataFiles.Builder rewrite(MaintenanceSettings.Compaction compaction) {
        return RewriteDataFiles.builder()
                .targetFileSizeBytes(compaction.targetFileSizeBytes())
                .partialProgressEnabled(true)
                .partialProgressMaxCommits(COMMIT_EVERY_GROUP);
    }

    /**
     * The period of the one tick source all {@link TickedTableTask}s share: the shortest interval
     * of the enabled ones (each task runs on every n-th tick). One source for the job rather than
     * one per table and task: every source has a coordinator thread and logs each checkpoint.
     */
    static Duration tickPeriod(MaintenanceSettings settings) {
        Duration tick = null;
        if (bronzeCompacted(settings)) {
            tick = settings.compaction().interval();
        }
        if (settings.manifests().enabled()) {
            Duration m = settings.manifests().interval();
            tick = tick == null || m.compareTo(tick) < 0 ? m : tick;
        }
        if (settings.danglingDeletes().enabled()) {
            Duration d = settings.danglingDeletes().interval();
            tick = tick == null || d.compareTo(tick) < 0 ? d : tick;
        }
        return tick;
    }

    private static boolean bronzeCompacted(MaintenanceSettings settings) {
        return settings.compaction().enabled() && settings.compaction().bronze();
    }

    /** Every how many ticks a task with this interval runs (at least every tick). */
    static int ticksPer(Duration interval, Duration tick) {
        return (int) Math.max(1, Math.round((double) interval.toMillis() / tick.toMillis()));
    }

    private static DataStream<Long> ticks(StreamExecutionEnvironment env, Duration period) {
        DataGeneratorSource<Long> ticks =
                new DataGeneratorSource<>(
                        index -> index,
                        Long.MAX_VALUE,
                        RateLimiterStrategy.perSecond(1000.0 / period.toMillis()),
                        Types.LONG);
        return env.fromSource(ticks, WatermarkStrategy.noWatermarks(), "Maintenance ticks")
                .uid("maintenance-ticks")
                .setParallelism(1);
    }

    /** A {@link TickedTableTask} of one table, in a thread of its own, on the shared ticks. */
    private static void appendTicked(
            DataStream<Long> ticks,
            TableIdentifier id,
            String taskUid,
            String name,
            TickedTableTask task) {
        String suffix = uidSuffix(id);
        ticks.process(task)
                .name(name + " " + id)
                .uid(taskUid + suffix)
                .setParallelism(1)
                // not chained to the ticks: one table's slow task must not hold up the others
                .startNewChain()
                .sinkTo(new DiscardingSink<>())
                .name(name + " done " + id)
                .uid(taskUid + "-sink" + suffix)
                .setParallelism(1);
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
