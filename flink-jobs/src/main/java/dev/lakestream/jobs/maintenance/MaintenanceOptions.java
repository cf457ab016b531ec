package dev.lakestream.jobs.maintenance;

import dev.lakestream.jobs.config.ConfigKeys;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/** Settings of the MaintenanceJob ({@code maintenance.*}). */
public final class MaintenanceOptions {

    private MaintenanceOptions() {}

    public static final ConfigOption<String> JOB_NAME =
            ConfigOptions.key("job.name")
                    .stringType()
                    .defaultValue("lakestream-maintenance")
                    .withDescription("Name of the Flink job; also part of the lock ids.");

    public static final ConfigOption<Duration> SNAPSHOT_MAX_AGE =
            ConfigOptions.key("maintenance.snapshot.max-age")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "Snapshots older than this are expired (time travel and replay from a"
                                    + " snapshot reach back this far). Bronze snapshots a"
                                    + " streaming reader still needs are kept whatever their"
                                    + " age.");

    public static final ConfigOption<Integer> SNAPSHOT_RETAIN_LAST =
            ConfigOptions.key("maintenance.snapshot.retain-last")
                    .intType()
                    .defaultValue(10)
                    .withDescription("Snapshots always kept, however old.");

    public static final ConfigOption<Duration> SNAPSHOT_INTERVAL =
            ConfigOptions.key("maintenance.snapshot.interval")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(15))
                    .withDescription("How often snapshots are expired, per table.");

    public static final ConfigOption<Boolean> COMPACTION_ENABLED =
            ConfigOptions.key("maintenance.compaction.enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Rewrite small data files and apply equality deletes (silver, gold,"
                                    + " quarantine).");

    public static final ConfigOption<Boolean> COMPACTION_BRONZE =
            ConfigOptions.key("maintenance.compaction.bronze")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Also compact bronze, but only the files every streaming reader has"
                                    + " read completely (up to the read floor the"
                                    + " TransformationJob publishes), at"
                                    + " maintenance.compaction.interval.");

    public static final ConfigOption<Duration> COMPACTION_INTERVAL =
            ConfigOptions.key("maintenance.compaction.interval")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription("Compaction runs at least this often when a table changed.");

    public static final ConfigOption<Integer> COMPACTION_COMMIT_COUNT =
            ConfigOptions.key("maintenance.compaction.commit-count")
                    .intType()
                    .defaultValue(100)
                    .withDescription(
                            "Compaction also runs after this many commits to a table; 0 turns"
                                    + " the commit trigger off.");

    public static final ConfigOption<Integer> COMPACTION_MIN_INPUT_FILES =
            ConfigOptions.key("maintenance.compaction.min-input-files")
                    .intType()
                    .defaultValue(5)
                    .withDescription("A partition is compacted once it has this many small files.");

    public static final ConfigOption<Integer> COMPACTION_DELETE_FILE_THRESHOLD =
            ConfigOptions.key("maintenance.compaction.delete-file-threshold")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "A data file with this many delete files applying to it is"
                                    + " rewritten whatever its size, so upsert deletes are"
                                    + " applied and then dropped.");

    public static final ConfigOption<MemorySize> COMPACTION_TARGET_FILE_SIZE =
            ConfigOptions.key("maintenance.compaction.target-file-size")
                    .memoryType()
                    .defaultValue(MemorySize.parse("128mb"))
                    .withDescription("Size of the data files compaction writes.");

    public static final ConfigOption<Boolean> COMPACTION_REWRITE_ALL =
            ConfigOptions.key("maintenance.compaction.rewrite-all")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription("Rewrite every data file on each run (small tables only).");

    public static final ConfigOption<Duration> COMPACTION_FULL_INTERVAL =
            ConfigOptions.key("maintenance.compaction.full-interval")
                    .durationType()
                    .defaultValue(Duration.ofDays(1))
                    .withDescription(
                            "How often every data file of silver, gold and quarantine is"
                                    + " rewritten; 0 turns it off. Iceberg drops an equality"
                                    + " delete file only once every data file of the table is"
                                    + " newer than it, and files no delete applies to are never"
                                    + " picked by the regular compaction, so without this run"
                                    + " the delete files of upserted tables accumulate. Reads and"
                                    + " writes the whole table.");

    public static final ConfigOption<Boolean> MANIFESTS_ENABLED =
            ConfigOptions.key("maintenance.manifests.enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Rewrite a table's small data manifests into few large ones (every"
                                    + " table).");

    public static final ConfigOption<Duration> MANIFESTS_INTERVAL =
            ConfigOptions.key("maintenance.manifests.interval")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription("How often each table's manifests are checked.");

    public static final ConfigOption<Integer> MANIFESTS_MIN_COUNT =
            ConfigOptions.key("maintenance.manifests.min-count")
                    .intType()
                    .defaultValue(20)
                    .withDescription(
                            "Manifests are rewritten once the current snapshot has this many"
                                    + " data manifests smaller than the table's"
                                    + " commit.manifest.target-size-bytes.");

    public static final ConfigOption<Boolean> DANGLING_DELETES_ENABLED =
            ConfigOptions.key("maintenance.dangling-deletes.enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Remove delete files that apply to no data file any more (every"
                                    + " partition whose data files are all newer), so the"
                                    + " deletes a compaction applied do not pile up until the"
                                    + " next full rewrite.");

    public static final ConfigOption<Duration> DANGLING_DELETES_INTERVAL =
            ConfigOptions.key("maintenance.dangling-deletes.interval")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "How often each table is checked for dangling delete files (reads"
                                    + " its manifests).");

    public static final ConfigOption<Boolean> ORPHANS_ENABLED =
            ConfigOptions.key("maintenance.orphans.enabled")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Delete files under a table's location that no snapshot references."
                                    + " Off by default with Iceberg 1.10.1: its orphan listing"
                                    + " reads the table as it was when the job started"
                                    + " (apache/iceberg#16324, fixed in 1.11.0), so files"
                                    + " committed later and older than min-age could be taken for"
                                    + " orphans.");

    public static final ConfigOption<Duration> ORPHANS_MIN_AGE =
            ConfigOptions.key("maintenance.orphans.min-age")
                    .durationType()
                    .defaultValue(Duration.ofDays(3))
                    .withDescription(
                            "Only files older than this are orphan candidates: a writer's files"
                                    + " are unreferenced until its checkpoint commits them.");

    public static final ConfigOption<Duration> ORPHANS_INTERVAL =
            ConfigOptions.key("maintenance.orphans.interval")
                    .durationType()
                    .defaultValue(Duration.ofDays(1))
                    .withDescription("How often orphan files are looked for, per table.");

    public static final ConfigOption<Duration> RATE_LIMIT =
            ConfigOptions.key("maintenance.rate-limit")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "How often each table is checked for changes and tasks are started.");

    public static final ConfigOption<Duration> LOCK_CHECK_DELAY =
            ConfigOptions.key("maintenance.lock.check-delay")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription("How long a task waits before asking for a held lock again.");

    public static final ConfigOption<String> LOCK_JDBC_URI =
            ConfigOptions.key("maintenance.lock.jdbc.uri")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "JDBC URL of the database holding the maintenance locks; defaults to"
                                    + " catalog.uri when the catalog is a JDBC catalog.");

    public static final ConfigOption<String> LOCK_JDBC_USER =
            ConfigOptions.key("maintenance.lock.jdbc.user")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("User of the lock database; defaults to catalog.jdbc.user.");

    public static final ConfigOption<String> LOCK_JDBC_PASSWORD =
            ConfigOptions.key("maintenance.lock.jdbc.password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Password of the lock database (secret: environment only); defaults"
                                    + " to catalog.jdbc.password.");

    public static final ConfigOption<Boolean> CONSUMER_GUARD_ENABLED =
            ConfigOptions.key("maintenance.bronze.consumer-guard.enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Hold bronze maintenance back while a streaming reader's published"
                                    + " position is older than the expiry horizon.");

    public static final ConfigOption<Duration> CONSUMER_GUARD_MARGIN =
            ConfigOptions.key("maintenance.bronze.consumer-guard.margin")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "Extra age a reader's position must keep from the expiry horizon"
                                    + " (clock skew between writers).");

    /** Every option of this class, found by reflection: a new option cannot be left out. */
    public static List<ConfigOption<?>> all() {
        return ConfigKeys.optionsOf(MaintenanceOptions.class);
    }
}
