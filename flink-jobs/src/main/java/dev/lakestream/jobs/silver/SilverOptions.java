package dev.lakestream.jobs.silver;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Settings of the silver tables ({@code silver.*}): read by the TransformationJob, which writes
 * them, and by the MaintenanceJob, which maintains them.
 */
public final class SilverOptions {

    private SilverOptions() {}

    public static final ConfigOption<String> NAMESPACE =
            ConfigOptions.key("silver.namespace")
                    .stringType()
                    .defaultValue("silver")
                    .withDescription("Iceberg namespace of the silver tables.");
}
