package dev.lakestream.jobs.transformation;

import dev.lakestream.jobs.config.ConfigKeys;
import dev.lakestream.jobs.state.Tombstones;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Settings of the TransformationJob itself (silver's namespace is in {@code SilverOptions}). */
public final class TransformationOptions {

    private TransformationOptions() {}

    public static final ConfigOption<String> JOB_NAME =
            ConfigOptions.key("job.name")
                    .stringType()
                    .defaultValue("lakestream-transformation")
                    .withDescription("Name of the Flink job.");

    public static final ConfigOption<Duration> BRONZE_MONITOR_INTERVAL =
            ConfigOptions.key("bronze.monitor-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(2))
                    .withDescription(
                            "How often the TransformationJob looks for new bronze snapshots.");

    /**
     * Under {@code job.} rather than Flink's {@code state.}: lakestream's own prefixes are checked
     * for typos at start-up, Flink's are handed to Flink unread.
     */
    public static final ConfigOption<Duration> TOMBSTONE_RETENTION =
            ConfigOptions.key("job.state.tombstone-retention")
                    .durationType()
                    .defaultValue(Tombstones.DEFAULT_RETENTION)
                    .withDescription(
                            "How long the TransformationJob remembers a deletion: the LSN of a"
                                    + " deleted silver row, the last version of a deleted gold"
                                    + " group. An older change of the key arriving within this"
                                    + " horizon is dropped; after it, the key is forgotten. Must"
                                    + " exceed every reorder window (bronze split reads, restarts"
                                    + " from a checkpoint; see README, state) and any time the job"
                                    + " is stopped; at least 1 h. Live rows never expire.");

    public static final ConfigOption<Duration> POSITION_PUBLISH_INTERVAL =
            ConfigOptions.key("bronze.consumer-position.publish-interval")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "How often the TransformationJob records its bronze read position"
                                    + " (of its last completed checkpoint) as a bronze table"
                                    + " property, for the MaintenanceJob's snapshot expiry guard."
                                    + " Keep it well below maintenance.snapshot.max-age.");

    /** Every option of this class, found by reflection: a new option cannot be left out. */
    public static List<ConfigOption<?>> all() {
        return ConfigKeys.optionsOf(TransformationOptions.class);
    }
}
