package dev.lakestream.jobs.config;

import dev.lakestream.catalog.InvalidSettingException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code main} every lakestream job shares: {@code --config <file>} (or {@code
 * LAKESTREAM_CONFIG}), configuration from file and environment, start-up checks, then execute.
 *
 * <p>A bad setting throws an {@link InvalidSettingException} whose message starts with the key; any
 * other start-up failure a {@link JobStartupException} naming the job; a wrong argument an {@link
 * IllegalArgumentException} with the usage. It never calls {@code System.exit}: in application mode
 * (the Flink Kubernetes Operator) {@code main} runs inside the JobManager, where an exit kills the
 * JobManager and the operator restarts it in a loop, while an exception fails the application and
 * shows in the FlinkDeployment's status. The message also goes to standard error first ({@code
 * lakestream: configuration error: ...}); {@code flink run}, or a plain {@code java}, then ends
 * with exit status 1.
 */
public final class JobLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(JobLauncher.class);

    private JobLauncher() {}

    /**
     * @param jobClass the job's simple name, for messages
     * @param load reads and validates the configuration
     * @param flinkConfiguration the Flink settings inside the configuration
     * @param jobName the job name inside the configuration
     * @param prepare checks the world and builds the job graph
     */
    public static <C> void run(
            String[] args,
            String jobClass,
            BiFunction<Path, Map<String, String>, C> load,
            Function<C, Configuration> flinkConfiguration,
            Function<C, String> jobName,
            BiConsumer<StreamExecutionEnvironment, C> prepare)
            throws Exception {
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else {
                throw new IllegalArgumentException(
                        "unknown argument '"
                                + args[i]
                                + "'; usage: "
                                + jobClass
                                + " [--config <file.properties>]");
            }
        }
        if (configFile == null && System.getenv("LAKESTREAM_CONFIG") != null) {
            configFile = Path.of(System.getenv("LAKESTREAM_CONFIG"));
        }
        C config;
        StreamExecutionEnvironment env;
        try {
            config = load.apply(configFile, System.getenv());
            env =
                    StreamExecutionEnvironment.getExecutionEnvironment(
                            flinkConfiguration.apply(config));
            if (env instanceof org.apache.flink.streaming.api.environment.LocalStreamEnvironment) {
                // a plain java run (./lakestream-job): nothing sets up Flink's file systems (a
                // cluster's entry point does), so do it here, with the plugins of
                // FLINK_PLUGINS_DIR (the S3 file system), for the check below and the job alike
                org.apache.flink.configuration.Configuration local =
                        org.apache.flink.configuration.Configuration.fromMap(
                                env.getConfiguration().toMap());
                org.apache.flink.core.fs.FileSystem.initialize(
                        local,
                        org.apache.flink.core.plugin.PluginUtils.createPluginManagerFromRootFolder(
                                local));
            }
            // before prepare creates any table: checkpoint and savepoint storage work
            CheckpointStorageCheck.verify(env.getConfiguration());
            prepare.accept(env, config);
        } catch (InvalidSettingException e) {
            // first in the output of the process that started it (flink run, a plain java)
            System.err.println("lakestream: configuration error: " + e.getMessage());
            LOG.error("Configuration error: {}", e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            System.err.println("lakestream: cannot start the " + jobClass + ": " + e.getMessage());
            LOG.error("Start-up of the {} failed", jobClass, e);
            throw new JobStartupException(
                    "cannot start the " + jobClass + ": " + e.getMessage(), e);
        }
        env.execute(jobName.apply(config));
    }
}
