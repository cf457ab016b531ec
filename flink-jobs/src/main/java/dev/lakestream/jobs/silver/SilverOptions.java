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

    public static final ConfigOption<Integer> WRITE_PARALLELISM =
            ConfigOptions.key("silver.write-parallelism")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "Writers per silver table (at most the job's parallelism); the tables"
                                    + " are spread over the job's writers. Each writer closes a"
                                    + " data file and up to two delete files for every partition"
                                    + " it touched at each checkpoint, so every writer added per"
                                    + " table multiplies the files per commit, the checkpoint's"
                                    + " pause and the work of compaction. Raise it only for a"
                                    + " table whose change rate one writer cannot keep up with.");
}
