package dev.lakestream.jobs.config;

import dev.lakestream.catalog.InvalidSettingException;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The start-up check every committing job shares: no checkpoints, no commits.
 *
 * <p>The error names Flink's own option ({@link CheckpointingOptions#CHECKPOINTING_INTERVAL}), so
 * the message follows Flink if the key ever moves.
 */
public final class Checkpointing {

    /** The setting that turns checkpointing on. */
    public static final ConfigOption<java.time.Duration> INTERVAL =
            CheckpointingOptions.CHECKPOINTING_INTERVAL;

    private Checkpointing() {}

    /**
     * @param reason why the job cannot run without checkpoints, completing "{@code <key>} is not
     *     set: ..."
     * @throws InvalidSettingException naming {@link #INTERVAL} when checkpointing is off
     */
    public static void require(StreamExecutionEnvironment env, String reason) {
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            throw new InvalidSettingException(INTERVAL.key(), "is not set: " + reason);
        }
    }
}
