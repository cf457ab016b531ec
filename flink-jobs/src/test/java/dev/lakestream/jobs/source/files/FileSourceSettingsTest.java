package dev.lakestream.jobs.source.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.jobs.config.JobSettings;
import dev.lakestream.jobs.source.SourceRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

class FileSourceSettingsTest {

    static Optional<FileSourceSettings> settings(Map<String, String> values) {
        return FileSourceSettings.from(
                JobSettings.fromMap(values, FileSourceOptions.knownKeys(), Set.of()));
    }

    private static Map<String, String> enabled(String uri) {
        Map<String, String> m = new HashMap<>();
        m.put("source.files.enabled", "true");
        m.put("source.files.uri", uri);
        return m;
    }

    @Test
    void disabledByDefault() {
        assertThat(settings(Map.of())).isEmpty();
    }

    @Test
    void defaultsAndDatasetFromTheFolderName() {
        FileSourceSettings s =
                settings(enabled("s3://warehouse/landing/foot_traffic")).orElseThrow();
        assertThat(s.bucket()).isEqualTo("warehouse");
        assertThat(s.prefix()).isEqualTo("landing/foot_traffic/");
        assertThat(s.dataset()).isEqualTo("foot_traffic");
        assertThat(s.sourceName()).isEqualTo("files:foot_traffic");
        assertThat(s.format()).isEqualTo(FileSourceOptions.Format.AUTO);
        assertThat(s.discoveryInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.settleTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.lateness()).isEqualTo(Duration.ofHours(1));
        assertThat(s.csvDelimiter()).isEqualTo(',');
        assertThat(s.maxLineLength()).isEqualTo(1024 * 1024);
        assertThat(s.ignoreSuffixes()).containsExactly(".tmp", "._COPYING_", ".inprogress");
        assertThat(s.ignored("landing/foot_traffic/a.csv.tmp")).isTrue();
        assertThat(s.ignored("landing/foot_traffic/a.csv")).isFalse();
        assertThat(s.s3().accessKeyId()).isNull();
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> settings(Map.of("source.files.enabled", "true")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("source.files.uri");
        assertThatThrownBy(() -> settings(enabled("/data/landing")))
                .hasMessageContaining("source.files.uri")
                .hasMessageContaining("s3://bucket/");
        Map<String, String> tab = enabled("s3://warehouse/landing/x/");
        tab.put("source.files.csv.delimiter", ";;");
        assertThatThrownBy(() -> settings(tab)).hasMessageContaining("source.files.csv.delimiter");
        Map<String, String> lateness = enabled("s3://warehouse/landing/x/");
        lateness.put("source.files.lateness", "0s");
        assertThatThrownBy(() -> settings(lateness)).hasMessageContaining("source.files.lateness");
        Map<String, String> halfKeys = enabled("s3://warehouse/landing/x/");
        halfKeys.put("s3.access-key-id", "AKIA");
        assertThatThrownBy(() -> settings(halfKeys)).hasMessageContaining("s3.secret-access-key");
    }

    @Test
    void s3KeysAreSharedWithTheCatalogSecretAndNeverPrinted() {
        Map<String, String> m = enabled("s3://warehouse/landing/foot_traffic/");
        m.put("s3.endpoint", "http://127.0.0.1:9000");
        m.put("s3.path-style-access", "true");
        m.put("s3.access-key-id", "AKIAEXAMPLE");
        m.put("s3.secret-access-key", "very-secret");
        FileSourceSettings s = settings(m).orElseThrow();
        assertThat(s.s3().pathStyleAccess()).isTrue();
        assertThat(s.toString()).doesNotContain("very-secret").doesNotContain("AKIAEXAMPLE");
        assertThat(FileSourceOptions.secretKeys())
                .containsExactlyInAnyOrder("s3.access-key-id", "s3.secret-access-key");
        assertThat(FileSourceOptions.knownKeys())
                .contains("source.files.uri", "source.files.lateness", "s3.endpoint");
        assertThat(FileSourceOptions.all()).hasSize(10);
    }

    @Test
    void forcedFormatAndTabDelimiter() {
        Map<String, String> m = enabled("s3://warehouse/landing/foot_traffic/");
        m.put("source.files.format", "csv");
        m.put("source.files.csv.delimiter", "\\t");
        m.put("source.files.dataset", "door_counts");
        m.put("source.files.ignore-suffixes", ".part, .tmp");
        FileSourceSettings s = settings(m).orElseThrow();
        assertThat(s.format()).isEqualTo(FileSourceOptions.Format.CSV);
        assertThat(s.csvDelimiter()).isEqualTo('\t');
        assertThat(s.dataset()).isEqualTo("door_counts");
        assertThat(s.ignoreSuffixes()).isEqualTo(List.of(".part", ".tmp"));
    }

    @Test
    void recordsTravelAsPojosWithoutKryo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(SourceRecord.class);
    }
}
