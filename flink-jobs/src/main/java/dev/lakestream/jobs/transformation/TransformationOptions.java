package dev.lakestream.jobs.transformation;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Settings of the TransformationJob itself. */
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

    public static final ConfigOption<String> SILVER_NAMESPACE =
            ConfigOptions.key("silver.namespace")
                    .stringType()
                    .defaultValue("silver")
                    .withDescription("Iceberg namespace of the silver tables.");

    public static final ConfigOption<Duration> POSITION_PUBLISH_INTERVAL =
            ConfigOptions.key("bronze.consumer-position.publish-interval")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "How often the TransformationJob records its bronze read position"
                                    + " (of its last completed checkpoint) as a bronze table"
                                    + " property, for the MaintenanceJob's snapshot expiry guard."
                                    + " Keep it well below maintenance.snapshot.max-age.");

    public static List<ConfigOption<?>> all() {
        return List.of(
                JOB_NAME, BRONZE_MONITOR_INTERVAL, SILVER_NAMESPACE, POSITION_PUBLISH_INTERVAL);
    }
}
