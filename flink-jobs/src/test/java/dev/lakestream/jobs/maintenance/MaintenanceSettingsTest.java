package dev.lakestream.jobs.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.catalog.InvalidSettingException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaintenanceSettingsTest {

    private static Map<String, String> jdbcCatalog() {
        Map<String, String> s = new HashMap<>();
        s.put("catalog.type", "jdbc");
        s.put("catalog.uri", "jdbc:postgresql://db:5432/iceberg");
        s.put("catalog.jdbc.user", "iceberg");
        s.put("catalog.jdbc.password", "secret-pw");
        s.put("catalog.warehouse", "s3://warehouse/");
        return s;
    }

    @Test
    void defaultsAndTheCatalogDatabaseForLocks() {
        MaintenanceSettings settings = MaintenanceSettings.fromMap(jdbcCatalog());
        assertThat(settings.snapshots().maxAge()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.snapshots().retainLast()).isEqualTo(10);
        assertThat(settings.compaction().enabled()).isTrue();
        assertThat(settings.compaction().bronze()).isTrue();
        assertThat(settings.compaction().fullInterval()).isEqualTo(Duration.ofDays(1));
        assertThat(settings.manifests().enabled()).isTrue();
        assertThat(settings.manifests().interval()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.manifests().minCount()).isEqualTo(20);
        assertThat(settings.danglingDeletes().enabled()).isTrue();
        assertThat(settings.danglingDeletes().interval()).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.orphans().minAge()).isEqualTo(Duration.ofDays(3));
        assertThat(settings.consumerGuard()).isTrue();
        assertThat(settings.lock().uri()).isEqualTo("jdbc:postgresql://db:5432/iceberg");
        assertThat(settings.lock().properties())
                .containsEntry("jdbc.user", "iceberg")
                .containsEntry("jdbc.password", "secret-pw");
        assertThat(settings.toString()).doesNotContain("secret-pw");
    }

    @Test
    void badValuesNameTheirKey() {
        assertRejected("maintenance.snapshot.retain-last", "0");
        assertRejected("maintenance.snapshot.max-age", "-1s");
        assertRejected("maintenance.snapshot.interval", "0s");
        assertRejected("maintenance.orphans.min-age", "10s");
        assertRejected("maintenance.rate-limit", "100ms");
        assertRejected("maintenance.compaction.min-input-files", "0");
        assertRejected("maintenance.compaction.target-file-size", "1kb");
        assertRejected("maintenance.lock.jdbc.uri", "http://not-jdbc");
        assertRejected("maintenance.compaction.retain-all", "true");
        assertRejected("maintenance.compaction.full-interval", "-1s");
        assertRejected("maintenance.manifests.interval", "0s");
        assertRejected("maintenance.manifests.min-count", "1");
        assertRejected("maintenance.dangling-deletes.interval", "0s");
    }

    @Test
    void aRestCatalogNeedsALockDatabase() {
        Map<String, String> s = new HashMap<>();
        s.put("catalog.type", "rest");
        s.put("catalog.uri", "http://rest:8181");
        assertThatThrownBy(() -> MaintenanceSettings.fromMap(s))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("maintenance.lock.jdbc.uri is missing");
        s.put("maintenance.lock.jdbc.uri", "jdbc:postgresql://db/locks");
        assertThat(MaintenanceSettings.fromMap(s).lock().uri())
                .isEqualTo("jdbc:postgresql://db/locks");
    }

    private static void assertRejected(String key, String value) {
        Map<String, String> s = jdbcCatalog();
        s.put(key, value);
        assertThatThrownBy(() -> MaintenanceSettings.fromMap(s))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(
                        key.equals("maintenance.compaction.retain-all")
                                ? key + " is not a lakestream setting"
                                : key);
    }

    @Test
    void theTickedTasksShareOneTickOfTheShortestInterval() {
        MaintenanceSettings defaults = MaintenanceSettings.fromMap(jdbcCatalog());
        Duration tick = MaintenanceTopology.tickPeriod(defaults);
        assertThat(tick).isEqualTo(Duration.ofMinutes(10));
        assertThat(MaintenanceTopology.ticksPer(Duration.ofHours(1), tick)).isEqualTo(6);
        assertThat(MaintenanceTopology.ticksPer(Duration.ofMinutes(10), tick)).isEqualTo(1);
        assertThat(MaintenanceTopology.ticksPer(Duration.ofMinutes(25), tick)).isEqualTo(3);

        java.util.Map<String, String> s = new java.util.HashMap<>(jdbcCatalog());
        s.put("maintenance.dangling-deletes.enabled", "false");
        assertThat(MaintenanceTopology.tickPeriod(MaintenanceSettings.fromMap(s)))
                .as("bronze compaction, at the compaction interval")
                .isEqualTo(Duration.ofMinutes(10));
        s.put("maintenance.compaction.bronze", "false");
        assertThat(MaintenanceTopology.tickPeriod(MaintenanceSettings.fromMap(s)))
                .isEqualTo(Duration.ofHours(1));
        s.put("maintenance.manifests.enabled", "false");
        assertThat(MaintenanceTopology.tickPeriod(MaintenanceSettings.fromMap(s))).isNull();
    }
}
