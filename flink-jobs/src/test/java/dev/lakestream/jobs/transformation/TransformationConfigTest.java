package dev.lakestream.jobs.transformation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.jobs.gold.TransactionTimeout;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransformationConfigTest {

    private static Map<String, String> settings() {
        Map<String, String> s = new HashMap<>();
        s.put("catalog.name", "lakestream");
        s.put("catalog.type", "hadoop");
        s.put("catalog.warehouse", "file:///tmp/lakestream-warehouse");
        s.put("gold.kafka.bootstrap-servers", "localhost:9092");
        return s;
    }

    @Test
    void deletionsAreRememberedForSevenDaysUnlessConfigured() {
        assertThat(TransformationConfig.fromMap(settings()).tombstoneRetention())
                .isEqualTo(Duration.ofDays(7));

        Map<String, String> s = settings();
        s.put("job.state.tombstone-retention", "36h");
        assertThat(TransformationConfig.fromMap(s).tombstoneRetention())
                .isEqualTo(Duration.ofHours(36));
    }

    @Test
    void aHorizonShorterThanAnHourStopsStartUpNamingTheKey() {
        Map<String, String> s = settings();
        s.put("job.state.tombstone-retention", "10min");
        assertThatThrownBy(() -> TransformationConfig.fromMap(s))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("job.state.tombstone-retention must be at least 1 h");
    }

    @Test
    void oneWriterPerSilverTableUnlessConfiguredAndNeverNone() {
        assertThat(TransformationConfig.fromMap(settings()).silverWriteParallelism()).isEqualTo(1);

        Map<String, String> s = settings();
        s.put("silver.write-parallelism", "2");
        assertThat(TransformationConfig.fromMap(s).silverWriteParallelism()).isEqualTo(2);

        s.put("silver.write-parallelism", "0");
        assertThatThrownBy(() -> TransformationConfig.fromMap(s))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("silver.write-parallelism must be at least 1");
    }

    @Test
    void aMisspeltKeyIsRefused() {
        Map<String, String> s = settings();
        s.put("job.state.tombstone-retension", "7d");
        assertThatThrownBy(() -> TransformationConfig.fromMap(s))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("job.state.tombstone-retention");
    }

    @Test
    void theDefaultTransactionTimeoutOutlastsTheDefaultCheckpointAndRestart() {
        Map<String, String> s = settings();
        s.put("execution.checkpointing.interval", "10s");
        s.put("restart-strategy.type", "exponential-delay");
        TransformationConfig config = TransformationConfig.fromMap(s);
        assertThat(config.kafkaTransactionTimeout()).isEqualTo(Duration.ofMinutes(15));
        // 10 s + 10 min checkpoint timeout + 1 min max back-off + 1 min for the restart
        assertThat(TransactionTimeout.longestTransaction(config.flinkConfiguration()))
                .isEqualTo(Duration.ofSeconds(10 + 600 + 60 + 60));
    }

    @Test
    void aTransactionTimeoutACheckpointAndRestartCanOutlastIsRefused() {
        Map<String, String> s = settings();
        s.put("execution.checkpointing.interval", "10s");
        s.put("gold.kafka.transaction-timeout", "10min");
        assertThatThrownBy(() -> TransformationConfig.fromMap(s))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("gold.kafka.transaction-timeout (PT10M) must be longer")
                .hasMessageContaining("= PT12M10S")
                .hasMessageContaining("lower execution.checkpointing.timeout");

        s.put("execution.checkpointing.timeout", "5min");
        s.put("restart-strategy.type", "fixed-delay");
        s.put("restart-strategy.fixed-delay.delay", "5s");
        assertThat(TransformationConfig.fromMap(s).kafkaTransactionTimeout())
                .isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void producerPropertiesCannotBypassTheTransactionChecks() {
        for (String property :
                new String[] {"transaction.timeout.ms", "transactional.id", "enable.idempotence"}) {
            Map<String, String> s = settings();
            s.put("gold.kafka.property." + property, "1");
            assertThatThrownBy(() -> TransformationConfig.fromMap(s))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageStartingWith("gold.kafka.property." + property + " cannot be set");
        }
        Map<String, String> s = settings();
        // other producer properties pass through (security settings have keys of their own:
        // GoldKafkaSecurityTest)
        s.put("gold.kafka.property.compression.type", "zstd");
        assertThat(TransformationConfig.fromMap(s).kafkaProducerProperties())
                .containsEntry("compression.type", "zstd");
    }
}
