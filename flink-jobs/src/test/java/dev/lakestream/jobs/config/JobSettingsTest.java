package dev.lakestream.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.jobs.source.postgres.PostgresSourceOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobSettingsTest {

    private static final Set<String> OPEN = Set.of("catalog.property.");

    @TempDir Path dir;

    private Path file(String... lines) throws IOException {
        Path f = dir.resolve("job.properties");
        Files.write(f, java.util.List.of(lines), StandardCharsets.UTF_8);
        return f;
    }

    /** Loads with the IngestionJob's real key set, as {@code IngestionConfig.load} does. */
    private static JobSettings load(Path file, Map<String, String> env) {
        return JobSettings.load(
                file, env, IngestionConfig.knownKeys(), IngestionConfig.secretKeys(), OPEN);
    }

    @Test
    void readsAPropertiesFileAndTrimsValues() throws IOException {
        Path f =
                file(
                        "# comment",
                        "source.postgres.hostname = db.example  ",
                        "source.postgres.port=6543",
                        "source.postgres.slot-name=lakestream_shop",
                        "source.postgres.heartbeat-interval=5 s");

        JobSettings settings = load(f, Map.of());

        assertThat(settings.asMap())
                .containsEntry("source.postgres.hostname", "db.example")
                .containsEntry("source.postgres.slot-name", "lakestream_shop")
                .hasSize(4);
        assertThat(settings.get(PostgresSourceOptions.PORT)).isEqualTo(6543);
        assertThat(settings.get(PostgresSourceOptions.HEARTBEAT_INTERVAL))
                .isEqualTo(Duration.ofSeconds(5));
        // an option left out falls back to its default
        assertThat(settings.get(PostgresSourceOptions.SPLIT_SIZE)).isEqualTo(8096);
    }

    @Test
    void environmentBeatsTheFile() throws IOException {
        Path f =
                file(
                        "source.postgres.slot-name=from_file",
                        "source.postgres.hostname=file-host",
                        "execution.checkpointing.interval=10s");

        JobSettings settings =
                load(
                        f,
                        Map.of(
                                "LAKESTREAM_SOURCE_POSTGRES_SLOT_NAME", " from_env ",
                                "LAKESTREAM_SOURCE_POSTGRES_DATABASE", "env_only",
                                "LAKESTREAM_EXECUTION_CHECKPOINTING_INTERVAL", "3s",
                                "LAKESTREAM_NOT_A_SETTING", "ignored"));

        assertThat(settings.asMap())
                .containsEntry("source.postgres.slot-name", "from_env")
                .containsEntry("source.postgres.hostname", "file-host")
                // a known key given only in the environment
                .containsEntry("source.postgres.database", "env_only")
                // a Flink key from the file can be overridden the same way
                .containsEntry("execution.checkpointing.interval", "3s")
                .doesNotContainValue("ignored");
    }

    @Test
    void environmentAloneIsEnough() {
        JobSettings settings =
                load(null, Map.of("LAKESTREAM_SOURCE_POSTGRES_TABLES", "shop.orders"));

        assertThat(settings.asMap())
                .containsExactly(Map.entry("source.postgres.tables", "shop.orders"));
    }

    @Test
    void aMisspelledVariableStopsStartUpNamingItAndTheKey() {
        assertThatThrownBy(
                        () ->
                                load(
                                        null,
                                        Map.of(
                                                "LAKESTREAM_SOURCE_POSTGRES_SLOTNAME",
                                                "lakestream_ingestion")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("source.postgres.slot-name")
                .hasMessageContaining("LAKESTREAM_SOURCE_POSTGRES_SLOTNAME names no setting")
                .hasMessageContaining("did you mean LAKESTREAM_SOURCE_POSTGRES_SLOT_NAME?");
        assertThatThrownBy(
                        () ->
                                load(
                                        null,
                                        Map.of(
                                                "LAKESTREAM_SOURCE_POSTGRES_PASSWORD_FIL",
                                                "/run/secrets/pg")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("did you mean LAKESTREAM_SOURCE_POSTGRES_PASSWORD_FILE?");
    }

    @Test
    void variablesOfTheOtherJobAndOfTheLaunchersAreLeftAlone() {
        // one environment for both jobs: the IngestionJob does not know the gold keys
        JobSettings settings =
                load(
                        null,
                        Map.of(
                                "LAKESTREAM_GOLD_KAFKA_TOPIC", "gold",
                                "LAKESTREAM_CONFIG", "/etc/lakestream/ingestion.properties",
                                "LAKESTREAM_HEAP", "2g",
                                "LAKESTREAM_SOURCE_POSTGRES_TABLES", "shop.orders"));

        assertThat(settings.asMap())
                .containsExactly(Map.entry("source.postgres.tables", "shop.orders"));
    }

    @Test
    void envNameIsUpperCaseWithUnderscores() {
        assertThat(JobSettings.envName("source.postgres.slot-name"))
                .isEqualTo("LAKESTREAM_SOURCE_POSTGRES_SLOT_NAME");
        assertThat(JobSettings.envName("s3.secret-access-key"))
                .isEqualTo("LAKESTREAM_S3_SECRET_ACCESS_KEY");
    }

    @Test
    void secretInTheFileIsRefusedNamingKeyAndVariable() throws IOException {
        Path f = file("source.postgres.slot-name=s", "source.postgres.password=hunter2");

        assertThatThrownBy(() -> load(f, Map.of()))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("source.postgres.password"))
                .hasMessageStartingWith("source.postgres.password is a secret")
                .hasMessageContaining(f.toString())
                .hasMessageContaining("LAKESTREAM_SOURCE_POSTGRES_PASSWORD")
                .hasMessageContaining("LAKESTREAM_SOURCE_POSTGRES_PASSWORD_FILE")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void everySecretKeyIsRefusedInTheFile() throws IOException {
        for (String key :
                new String[] {
                    "s3.access-key-id",
                    "s3.secret-access-key",
                    "catalog.jdbc.password",
                    "catalog.rest.credential"
                }) {
            Path f = file(key + "=value");
            assertThatThrownBy(() -> load(f, Map.of()))
                    .as(key)
                    .hasMessageStartingWith(key + " is a secret")
                    .hasMessageContaining(JobSettings.envName(key));
        }
    }

    @Test
    void secretFromTheEnvironment() throws IOException {
        JobSettings settings =
                load(
                        file("source.postgres.slot-name=s"),
                        Map.of("LAKESTREAM_SOURCE_POSTGRES_PASSWORD", "hunter2"));

        assertThat(settings.get(PostgresSourceOptions.PASSWORD)).isEqualTo("hunter2");
    }

    @Test
    void secretFromAMountedFile() throws IOException {
        Path secret = dir.resolve("pg-password");
        Files.writeString(secret, "hunter2\n");

        JobSettings settings =
                load(null, Map.of("LAKESTREAM_SOURCE_POSTGRES_PASSWORD_FILE", secret.toString()));

        assertThat(settings.get(PostgresSourceOptions.PASSWORD)).isEqualTo("hunter2");
    }

    @Test
    void directVariableBeatsTheSecretFile() throws IOException {
        Path secret = dir.resolve("pg-password");
        Files.writeString(secret, "from-file");

        JobSettings settings =
                load(
                        null,
                        Map.of(
                                "LAKESTREAM_SOURCE_POSTGRES_PASSWORD",
                                "from-env",
                                "LAKESTREAM_SOURCE_POSTGRES_PASSWORD_FILE",
                                secret.toString()));

        assertThat(settings.get(PostgresSourceOptions.PASSWORD)).isEqualTo("from-env");
    }

    @Test
    void unreadableSecretFileNamesKeyAndVariable() {
        Path missing = dir.resolve("no-such-secret");

        assertThatThrownBy(
                        () ->
                                load(
                                        null,
                                        Map.of(
                                                "LAKESTREAM_S3_SECRET_ACCESS_KEY_FILE",
                                                missing.toString())))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("s3.secret-access-key"))
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("LAKESTREAM_S3_SECRET_ACCESS_KEY_FILE");
    }

    @Test
    void fileVariableOfANonSecretIsNotRead() throws IOException {
        Path f = dir.resolve("slot");
        Files.writeString(f, "from_file_var");

        JobSettings settings =
                load(null, Map.of("LAKESTREAM_SOURCE_POSTGRES_SLOT_NAME_FILE", f.toString()));

        assertThat(settings.asMap()).doesNotContainKey("source.postgres.slot-name");
    }

    @Test
    void typoInAnOwnKeySuggestsTheNearestKey() throws IOException {
        Path f = file("source.postgres.slotname=lakestream_shop");

        assertThatThrownBy(() -> load(f, Map.of()))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("source.postgres.slotname"))
                .hasMessage(
                        "source.postgres.slotname is not a lakestream setting"
                                + " (did you mean source.postgres.slot-name?)");
    }

    @Test
    void unknownOwnKeyFarFromAnyKnownOneHasNoSuggestion() throws IOException {
        Path f = file("bronze.compaction.strategy=binpack");

        assertThatThrownBy(() -> load(f, Map.of()))
                .hasMessage("bronze.compaction.strategy is not a lakestream setting");
    }

    @Test
    void catalogPassThroughKeysAreAccepted() throws IOException {
        Path f =
                file(
                        "catalog.type=jdbc",
                        "catalog.property.jdbc.schema-version=V1",
                        "catalog.property.cache-enabled=false");

        JobSettings settings = load(f, Map.of());

        assertThat(settings.asMap())
                .containsEntry("catalog.property.jdbc.schema-version", "V1")
                .containsEntry("catalog.property.cache-enabled", "false");
    }

    @Test
    void otherKeysGoToFlinkAndOwnKeysDoNot() throws IOException {
        Path f =
                file(
                        "source.postgres.slot-name=lakestream_shop",
                        "catalog.property.cache-enabled=false",
                        "s3.path-style-access=true",
                        "job.name=ingest",
                        "bronze.namespace=raw",
                        "execution.checkpointing.interval=10s",
                        "parallelism.default=3",
                        "execution.checkpointing.dir=file:///tmp/cp");

        Configuration flink = load(f, Map.of()).flinkConfiguration();

        assertThat(flink.toMap())
                .containsOnly(
                        Map.entry("execution.checkpointing.interval", "10s"),
                        Map.entry("parallelism.default", "3"),
                        Map.entry("execution.checkpointing.dir", "file:///tmp/cp"));
    }

    @Test
    void missingConfigFileNamesTheFlagAndThePath() {
        Path missing = dir.resolve("nope.properties");

        assertThatThrownBy(() -> load(missing, Map.of()))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("--config"))
                .hasMessage("--config names a file that cannot be read: " + missing);
    }

    @Test
    void directoryAsConfigFileIsReportedNotThrownRaw() {
        assertThatThrownBy(() -> load(dir, Map.of()))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("--config"))
                .hasMessageStartingWith("--config ");
    }

    @Test
    void badValueNamesTheKeyAndTheValue() throws IOException {
        JobSettings settings = load(file("source.postgres.port=five"), Map.of());

        assertThatThrownBy(() -> settings.get(PostgresSourceOptions.PORT))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("source.postgres.port"))
                .hasMessageStartingWith("source.postgres.port has an invalid value 'five'");
    }

    @Test
    void requireNamesTheKeyAndItsVariable() throws IOException {
        JobSettings settings = load(file("source.postgres.hostname=  "), Map.of());

        assertThatThrownBy(() -> settings.require(PostgresSourceOptions.HOSTNAME))
                .hasMessage(
                        "source.postgres.hostname is missing: set it in the configuration file"
                                + " or as LAKESTREAM_SOURCE_POSTGRES_HOSTNAME");
        assertThatThrownBy(() -> settings.require(PostgresSourceOptions.DATABASE))
                .hasMessageStartingWith("source.postgres.database is missing");
    }

    @Test
    void settingsInCodeMayCarrySecretsButNoTypos() {
        JobSettings settings =
                JobSettings.fromMap(
                        Map.of("source.postgres.password", "hunter2"),
                        IngestionConfig.knownKeys(),
                        OPEN);
        assertThat(settings.get(PostgresSourceOptions.PASSWORD)).isEqualTo("hunter2");

        assertThatThrownBy(
                        () ->
                                JobSettings.fromMap(
                                        Map.of("s3.endpont", "http://x"),
                                        IngestionConfig.knownKeys(),
                                        OPEN))
                .hasMessage("s3.endpont is not a lakestream setting (did you mean s3.endpoint?)");
    }
}
