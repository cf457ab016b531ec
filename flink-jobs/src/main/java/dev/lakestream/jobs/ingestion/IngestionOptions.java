package dev.lakestream.jobs.ingestion;

import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Settings of the IngestionJob itself ({@code job.*}). */
public final class IngestionOptions {

    private IngestionOptions() {}

    public static final ConfigOption<String> JOB_NAME =
            ConfigOptions.key("job.name")
                    .stringType()
                    .defaultValue("lakestream-ingestion")
                    .withDescription("Name of the Flink job.");

    public static List<ConfigOption<?>> all() {
        return List.of(JOB_NAME);
    }
}
