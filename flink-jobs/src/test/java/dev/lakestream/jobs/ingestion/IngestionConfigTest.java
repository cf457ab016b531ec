package dev.lakestream.jobs.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.jobs.source.postgres.PostgresSourceOptions.OnMissingSlot;
import dev.lakestream.jobs.source.postgres.PostgresSourceOptions.StartupMode;
import dev.lakestream.jobs.source.postgres.PostgresSourceSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IngestionConfigTest {

    private static final String PG_PASSWORD = "pg-password-value";
    private static final String S3_SECRET = "s3-secret-value";

    /** Everything a real deployment sets. */
    private static Map<String, String> full() {
        Map<String, String> m = new HashMap<>();
        m.put("source.postgres.hostname", "db.example");
        m.put("source.postgres.port", "6543");
        m.put("source.postgres.database", "shop");
        m.put("source.postgres.username", "lakestream");
        m.put("source.postgres.password", PG_PASSWORD);
        m.put("source.postgres.tables", " shop.orders, shop.order_lines,,shop.orders ");
        m.put("source.postgres.slot-name", "lakestream_shop");
        m.put("source.postgres.heartbeat-interval", "2s");
        m.put("source.postgres.snapshot.split-size", "500");
        m.put("source.postgres.snapshot.fetch-size", "100");
        m.put("source.postgres.snapshot.skip-backfill", "true");
        m.put("source.postgres.startup-mode", "LATEST_OFFSET");
        m.put("source.postgres.connect-timeout", "5s");
        m.put("catalog.type", "jdbc");
        m.put("catalog.uri", "jdbc:postgresql://catalog.example/iceberg");
        m.put("catalog.warehouse", "s3://warehouse/lake");
        m.put("s3.endpoint", "http://127.0.0.1:9000");
        m.put("s3.access-key-id", "lakestream-local");
        m.put("s3.secret-access-key", S3_SECRET);
        m.put("bronze.namespace", "raw");
        m.put("bronze.write-parallelism", "2");
        m.put("job.name", "ingest-shop");
        m.put("execution.checkpointing.interval", "10s");
        m.put("parallelism.default", "2");
        return m;
    }

    private static Map<String, String> with(String key, String value) {
        Map<String, String> m = full();
        if (value == null) {
            m.remove(key);
        } else {
            m.put(key, value);
        }
        return m;
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
            Map<String, String> settings, String key) {
        return assertThatThrownBy(() -> IngestionConfig.fromMap(settings))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class, e -> assertThat(e.key()).isEqualTo(key))
                .hasMessageStartingWith(key + " ");
    }

    @Test
    void fullConfigurationBuilds() {
        IngestionConfig config = IngestionConfig.fromMap(full());

        PostgresSourceSettings pg = config.postgres();
        assertThat(pg.hostname()).isEqualTo("db.example");
        assertThat(pg.port()).isEqualTo(6543);
        assertThat(pg.database()).isEqualTo("shop");
        assertThat(pg.username()).isEqualTo("lakestream");
        assertThat(pg.password()).isEqualTo(PG_PASSWORD);
        assertThat(pg.tables()).containsExactly("shop.orders", "shop.order_lines");
        assertThat(pg.slotName()).isEqualTo("lakestream_shop");
        assertThat(pg.publicationName()).isEqualTo("lakestream_shop_pub");
        assertThat(pg.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(pg.splitSize()).isEqualTo(500);
        assertThat(pg.fetchSize()).isEqualTo(100);
        assertThat(pg.skipSnapshotBackfill()).isTrue();
        assertThat(pg.startupMode()).isEqualTo(StartupMode.LATEST_OFFSET);
        assertThat(pg.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/shop");

        assertThat(config.catalog().impl()).isEqualTo("org.apache.iceberg.jdbc.JdbcCatalog");
        assertThat(config.catalog().icebergProperties())
                .containsEntry("s3.secret-access-key", S3_SECRET);
        assertThat(config.bronzeNamespace()).isEqualTo("raw");
        assertThat(config.bronzeWriteParallelism()).isEqualTo(2);
        assertThat(config.jobName()).isEqualTo("ingest-shop");
        assertThat(config.flinkConfiguration().toMap())
                .containsOnly(
                        Map.entry("execution.checkpointing.interval", "10s"),
                        Map.entry("parallelism.default", "2"));
    }

    @Test
    void defaultsApplyWhenOptionalKeysAreLeftOut() {
        Map<String, String> m = full();
        List.of(
                        "source.postgres.port",
                        "source.postgres.password",
                        "source.postgres.heartbeat-interval",
                        "source.postgres.snapshot.split-size",
                        "source.postgres.snapshot.fetch-size",
                        "source.postgres.snapshot.skip-backfill",
                        "source.postgres.startup-mode",
                        "source.postgres.connect-timeout",
                        "bronze.namespace",
                        "bronze.write-parallelism",
                        "job.name")
                .forEach(m::remove);

        IngestionConfig config = IngestionConfig.fromMap(m);

        assertThat(config.postgres().port()).isEqualTo(5432);
        assertThat(config.postgres().password()).isEmpty();
        assertThat(config.postgres().heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.postgres().splitSize()).isEqualTo(8096);
        assertThat(config.postgres().fetchSize()).isEqualTo(1024);
        assertThat(config.postgres().skipSnapshotBackfill()).isFalse();
        assertThat(config.postgres().startupMode()).isEqualTo(StartupMode.INITIAL);
        assertThat(config.postgres().connectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.postgres().heartbeatTable()).isEqualTo("public.lakestream_heartbeat");
        assertThat(config.postgres().slotCheckInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.postgres().onMissingSlot()).isEqualTo(OnMissingSlot.FAIL);
        assertThat(config.bronzeNamespace()).isEqualTo("bronze");
        assertThat(config.bronzeWriteParallelism()).isNull();
        assertThat(config.jobName()).isEqualTo("lakestream-ingestion");
    }

    @Test
    void publicationDefaultsToSlotNameWithSuffixAndCanBeSet() {
        assertThat(IngestionConfig.fromMap(with("source.postgres.slot-name", "s1")))
                .extracting(c -> c.postgres().publicationName())
                .isEqualTo("s1_pub");
        assertThat(
                        IngestionConfig.fromMap(
                                with("source.postgres.publication-name", "shop_changes")))
                .extracting(c -> c.postgres().publicationName())
                .isEqualTo("shop_changes");
    }

    @Test
    void missingSlotName() {
        assertRefused(with("source.postgres.slot-name", null), "source.postgres.slot-name")
                .hasMessageStartingWith("source.postgres.slot-name is missing")
                .hasMessageContaining("LAKESTREAM_SOURCE_POSTGRES_SLOT_NAME");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Lakestream_shop",
                "lakestream-shop",
                "lakestream.shop",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            })
    void badSlotName(String slot) {
        assertThat(slot.length()).isLessThanOrEqualTo(64);
        assertRefused(with("source.postgres.slot-name", slot), "source.postgres.slot-name")
                .hasMessageContaining("'" + slot + "' is not a valid replication slot name");
    }

    @Test
    void slotNameOf63CharactersIsTheLongestAllowed() {
        String slot = "a".repeat(63);
        assertThat(
                        IngestionConfig.fromMap(with("source.postgres.slot-name", slot))
                                .postgres()
                                .slotName())
                .isEqualTo(slot);
        assertRefused(with("source.postgres.slot-name", slot + "a"), "source.postgres.slot-name");
    }

    @Test
    void tableWithoutSchema() {
        assertRefused(
                        with("source.postgres.tables", "shop.orders,order_lines"),
                        "source.postgres.tables")
                .hasMessage("source.postgres.tables entry 'order_lines' is not schema.table");
    }

    @Test
    void noTablesAtAll() {
        assertRefused(with("source.postgres.tables", " , "), "source.postgres.tables")
                .hasMessageContaining("names no table");
        assertRefused(with("source.postgres.tables", null), "source.postgres.tables")
                .hasMessageStartingWith("source.postgres.tables is missing");
    }

    @Test
    void portOutOfRange() {
        assertRefused(with("source.postgres.port", "0"), "source.postgres.port")
                .hasMessage("source.postgres.port must be 1-65535, was 0");
        assertRefused(with("source.postgres.port", "65536"), "source.postgres.port");
        assertRefused(with("source.postgres.port", "fivefourthreetwo"), "source.postgres.port")
                .hasMessageContaining("'fivefourthreetwo'");
    }

    @Test
    void slotGuardianSettings() {
        Map<String, String> m = with("source.postgres.startup-mode", "INITIAL");
        m.put("source.postgres.heartbeat-table", "ops.beats");
        m.put("source.postgres.slot-check-interval", "5s");
        m.put("source.postgres.on-missing-slot", "RESNAPSHOT");

        PostgresSourceSettings pg = IngestionConfig.fromMap(m).postgres();

        assertThat(pg.heartbeatTable()).isEqualTo("ops.beats");
        assertThat(pg.slotCheckInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(pg.onMissingSlot()).isEqualTo(OnMissingSlot.RESNAPSHOT);
    }

    @Test
    void heartbeatTableMustBeQualifiedAndNotCaptured() {
        assertRefused(
                        with("source.postgres.heartbeat-table", "lakestream_heartbeat"),
                        "source.postgres.heartbeat-table")
                .hasMessageContaining("is not schema.table");
        assertRefused(
                        with("source.postgres.heartbeat-table", "shop.orders"),
                        "source.postgres.heartbeat-table")
                .hasMessageContaining("also listed in source.postgres.tables");
    }

    @Test
    void slotCheckIntervalTooShort() {
        assertRefused(
                        with("source.postgres.slot-check-interval", "10ms"),
                        "source.postgres.slot-check-interval")
                .hasMessageContaining("at least 100 ms");
    }

    @Test
    void resnapshotNeedsAnInitialSnapshotMode() {
        // full() streams from LATEST_OFFSET: a re-snapshot there would silently skip the gap
        assertRefused(
                        with("source.postgres.on-missing-slot", "RESNAPSHOT"),
                        "source.postgres.on-missing-slot")
                .hasMessageContaining("source.postgres.startup-mode=INITIAL");
        assertRefused(
                with("source.postgres.on-missing-slot", "sometimes"),
                "source.postgres.on-missing-slot");
    }

    @Test
    void tlsModesAndTheirRootCertificate() {
        assertRefused(with("source.postgres.ssl-mode", "prefer"), "source.postgres.ssl-mode")
                .hasMessageContaining("[disable, require, verify-ca, verify-full]");
        assertRefused(
                        with("source.postgres.ssl-mode", "verify-full"),
                        "source.postgres.ssl-root-cert")
                .hasMessageContaining("is missing");
        Map<String, String> m = with("source.postgres.ssl-mode", "verify-ca");
        m.put("source.postgres.ssl-root-cert", "/nonexistent/root.crt");
        assertRefused(m, "source.postgres.ssl-root-cert")
                .hasMessageContaining("is not a readable file");
        assertThat(
                        IngestionConfig.fromMap(with("source.postgres.ssl-mode", "REQUIRE"))
                                .postgres()
                                .jdbcProperties("x"))
                .containsEntry("sslmode", "require")
                .doesNotContainKey("sslrootcert");
    }

    @Test
    void zeroHeartbeat() {
        assertRefused(
                        with("source.postgres.heartbeat-interval", "0s"),
                        "source.postgres.heartbeat-interval")
                .hasMessageContaining("must be positive");
    }

    @Test
    void zeroSplitAndFetchSize() {
        assertRefused(
                        with("source.postgres.snapshot.split-size", "0"),
                        "source.postgres.snapshot.split-size")
                .hasMessage("source.postgres.snapshot.split-size must be positive, was 0");
        assertRefused(
                        with("source.postgres.snapshot.fetch-size", "-1"),
                        "source.postgres.snapshot.fetch-size")
                .hasMessage("source.postgres.snapshot.fetch-size must be positive, was -1");
    }

    @Test
    void unparsableDurationNamesItsKey() {
        assertRefused(
                        with("source.postgres.heartbeat-interval", "every now and then"),
                        "source.postgres.heartbeat-interval")
                .hasMessageContaining("has an invalid value 'every now and then'");
        assertRefused(
                        with("source.postgres.connect-timeout", "10 fortnights"),
                        "source.postgres.connect-timeout")
                .hasMessageContaining("'10 fortnights'");
    }

    @Test
    void unknownStartupModeNamesItsKey() {
        assertRefused(
                        with("source.postgres.startup-mode", "EARLIEST"),
                        "source.postgres.startup-mode")
                .hasMessageContaining("'EARLIEST'");
    }

    @Test
    void missingConnectionKeys() {
        for (String key :
                List.of(
                        "source.postgres.hostname",
                        "source.postgres.database",
                        "source.postgres.username")) {
            assertRefused(with(key, null), key).hasMessageStartingWith(key + " is missing");
        }
    }

    @Test
    void badBronzeSettings() {
        assertRefused(with("bronze.namespace", "Bronze-1"), "bronze.namespace")
                .hasMessageContaining("'Bronze-1'");
        assertRefused(with("bronze.write-parallelism", "0"), "bronze.write-parallelism")
                .hasMessage("bronze.write-parallelism must be positive, was 0");
    }

    @Test
    void catalogErrorsComeThroughWithTheirKey() {
        assertRefused(with("catalog.type", null), "catalog.type");
        assertRefused(with("s3.secret-access-key", null), "s3.secret-access-key");
    }

    @Test
    void s3ClientTimeoutsAndRetriesAreJobSettings() {
        Map<String, String> m = full();
        m.put("s3.connect-timeout", "3s");
        m.put("s3.read-timeout", "30s");
        m.put("s3.retry.num-retries", "8");
        m.put("s3.retry.min-wait", "1s");
        m.put("s3.retry.max-wait", "30s");

        assertThat(IngestionConfig.fromMap(m).catalog().icebergProperties())
                .containsEntry("http-client.apache.connection-timeout-ms", "3000")
                .containsEntry("http-client.apache.socket-timeout-ms", "30000")
                .containsEntry("s3.retry.num-retries", "8")
                .containsEntry("s3.retry.min-wait-ms", "1000")
                .containsEntry("s3.retry.max-wait-ms", "30000");
        assertRefused(with("s3.read-timeout", "0s"), "s3.read-timeout");
        assertRefused(with("s3.read-timeout-ms", "1000"), "s3.read-timeout-ms")
                .hasMessageContaining("did you mean s3.read-timeout?");
    }

    @Test
    void typoIsRefusedWithASuggestion() {
        assertRefused(with("source.postgres.slotname", "x"), "source.postgres.slotname")
                .hasMessageContaining("did you mean source.postgres.slot-name?");
    }

    @Test
    void nothingPrintableContainsTheSecrets() {
        IngestionConfig config = IngestionConfig.fromMap(full());

        assertThat(config.postgres().toString())
                .doesNotContain(PG_PASSWORD)
                .contains("lakestream@db.example:6543/shop", "lakestream_shop_pub");
        // the record's own toString is what a log line of the whole config would show
        assertThat(config.toString()).doesNotContain(PG_PASSWORD, S3_SECRET);
    }
}
