package dev.lakestream.jobs.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.catalog.InvalidSettingException;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

class CheckpointingTest {

    @Test
    void withoutCheckpointsStartUpStopsNamingFlinksKey() {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        assertThatThrownBy(() -> Checkpointing.require(env, "the job commits on checkpoints"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("execution.checkpointing.interval")
                .hasMessageContaining("is not set: the job commits on checkpoints");
    }

    @Test
    void anIntervalInTheFlinkConfigurationIsEnough() {
        Configuration flink = new Configuration();
        flink.set(Checkpointing.INTERVAL, Duration.ofSeconds(10));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        assertThatCode(() -> Checkpointing.require(env, "unused")).doesNotThrowAnyException();
    }
}
