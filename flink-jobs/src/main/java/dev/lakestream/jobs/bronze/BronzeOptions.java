package dev.lakestream.jobs.bronze;

import dev.lakestream.catalog.BronzeTables;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Settings of the bronze Iceberg sinks ({@code bronze.*}). */
public final class BronzeOptions {

    private BronzeOptions() {}

    public static final ConfigOption<String> NAMESPACE =
            ConfigOptions.key("bronze.namespace")
                    .stringType()
                    .defaultValue(BronzeTables.DEFAULT_NAMESPACE)
                    .withDescription("Iceberg namespace of the bronze tables.");

    public static final ConfigOption<Integer> WRITE_PARALLELISM =
            ConfigOptions.key("bronze.write-parallelism")
                    .intType()
                    .noDefaultValue()
                    .withDescription("Writers per bronze table. Default: the job's parallelism.");

    public static List<ConfigOption<?>> all() {
        return List.of(NAMESPACE, WRITE_PARALLELISM);
    }
}
