package dev.lakestream.jobs.transformation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.catalog.InvalidSettingException;
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
    void aMisspeltKeyIsRefused() {
        Map<String, String> s = settings();
        s.put("job.state.tombstone-retension", "7d");
        assertThatThrownBy(() -> TransformationConfig.fromMap(s))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("job.state.tombstone-retention");
    }
}
