package dev.lakestream.connect.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.connect.config.ConnectorConfigException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ReplayTargetTest {

    @Test
    void offsetsAreParsedPerTopicPartitionAlsoWithDotsAndColonsInTopicNames() {
        ReplayTarget.Offsets offsets =
                ReplayTarget.offsets("lakestream.gold.sales_daily_metrics:0=42, a:b:3=0");

        assertThat(offsets.offsets())
                .containsOnly(
                        Map.entry(
                                new TopicPartition("lakestream.gold.sales_daily_metrics", 0), 42L),
                        Map.entry(new TopicPartition("a:b", 3), 0L));
    }

    @Test
    void malformedOffsetsAreRefusedNamingTheOption() {
        for (String bad : List.of("topic", "topic=1", "topic:x=1", "topic:0=-1", ":0=1", "t:0=")) {
            assertThatThrownBy(() -> ReplayTarget.offsets(bad))
                    .as(bad)
                    .isInstanceOf(ConnectorConfigException.class)
                    .hasMessageStartingWith("--to-offsets:");
        }
        assertThatThrownBy(() -> ReplayTarget.offsets("t:0=1,t:0=2"))
                .hasMessageContaining("given twice");
    }

    @Test
    void timestampsAreIsoInstants() {
        assertThat(ReplayTarget.timestamp("2026-11-29T10:00:00Z").timestamp())
                .isEqualTo(Instant.parse("2026-11-29T10:00:00Z"));
        assertThatThrownBy(() -> ReplayTarget.timestamp("yesterday"))
                .hasMessageStartingWith("--to-timestamp:");
    }

    @Test
    void thePlanShowsTheChannelTokenAsTheOffsetBeforeTheFirstReplayedOne() {
        TreeMap<Integer, Long> partitions = new TreeMap<>(Map.of(0, 17L));
        ReplayPlan plan =
                new ReplayPlan(
                        "sink",
                        "com.snowflake.kafka.connector.SnowflakeSinkConnector",
                        "given offsets",
                        new TreeMap<>(Map.of("gold", partitions)),
                        List.of(new ReplayPlan.ChannelReset("LANDING", "gold", 0, 16, 0)));

        assertThat(plan.describe())
                .contains("0. before the connector is touched: log in to Snowflake")
                .contains("1. stop the connector")
                .contains("gold-0 -> 17")
                .contains("LANDING channel of gold-0 -> token 16")
                .contains("4. resume the connector");
        assertThat(ReplayPlanner.topicToTable("a.b:T1, c:T2"))
                .containsOnly(Map.entry("a.b", "T1"), Map.entry("c", "T2"));
    }
}
