package dev.lakestream.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CatalogSettingsTest {

    /** Enough for any built-in type: uri and warehouse are ignored where not needed. */
    private static Map<String, String> base(String type) {
        Map<String, String> m = new HashMap<>();
        m.put("catalog.type", type);
        m.put("catalog.uri", "http://catalog.example:8181");
        m.put("catalog.warehouse", "/tmp/lakestream-warehouse");
        return m;
    }

    private static Map<String, String> jdbcWithS3() {
        Map<String, String> m = new HashMap<>();
        m.put("catalog.type", "jdbc");
        m.put("catalog.uri", "jdbc:postgresql://db.example:5432/iceberg");
        m.put("catalog.jdbc.user", "iceberg");
        m.put("catalog.warehouse", "s3://warehouse/lake");
        m.put("s3.endpoint", "http://127.0.0.1:9000");
        m.put("s3.path-style-access", "true");
        m.put("s3.region", "eu-west-1");
        m.put("s3.access-key-id", "AKIA-ACCESS-VALUE");
        m.put("s3.secret-access-key", "s3-secret-value-123");
        return m;
    }

    @ParameterizedTest
    @CsvSource({
        "rest,   org.apache.iceberg.rest.RESTCatalog",
        "jdbc,   org.apache.iceberg.jdbc.JdbcCatalog",
        "glue,   org.apache.iceberg.aws.glue.GlueCatalog",
        "hadoop, org.apache.iceberg.hadoop.HadoopCatalog",
        "hive,   org.apache.iceberg.hive.HiveCatalog",
        "nessie, org.apache.iceberg.nessie.NessieCatalog",
        "JDBC,   org.apache.iceberg.jdbc.JdbcCatalog"
    })
    void typeMapsToIcebergImplementation(String type, String expectedImpl) {
        CatalogSettings settings = CatalogSettings.fromMap(base(type));

        assertThat(settings.impl()).isEqualTo(expectedImpl);
        assertThat(settings.name()).isEqualTo("lakestream");
    }

    @Test
    void customImplementationIsPassedThroughWithoutUriOrWarehouse() {
        CatalogSettings settings =
                CatalogSettings.fromMap(
                        Map.of(
                                "catalog.impl", "com.example.MyCatalog",
                                "catalog.name", "custom"));

        assertThat(settings.impl()).isEqualTo("com.example.MyCatalog");
        assertThat(settings.name()).isEqualTo("custom");
        assertThat(settings.icebergProperties()).doesNotContainKey("io-impl");
    }

    @Test
    void missingTypeNamesTheKeyAndTheChoices() {
        assertThatThrownBy(() -> CatalogSettings.fromMap(Map.of("catalog.warehouse", "/tmp/w")))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("catalog.type"))
                .hasMessageStartingWith("catalog.type is missing")
                .hasMessageContaining("catalog.impl");
    }

    @Test
    void unknownTypeListsTheValidOnes() {
        assertThatThrownBy(() -> CatalogSettings.fromMap(base("iceberg-magic")))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("catalog.type"))
                .hasMessageContaining("'iceberg-magic' is not a catalog type")
                .hasMessageContaining("[glue, hadoop, hive, jdbc, nessie, rest]");
    }

    @Test
    void typeAndImplTogetherAreRefused() {
        Map<String, String> m = base("jdbc");
        m.put("catalog.impl", "com.example.MyCatalog");

        assertThatThrownBy(() -> CatalogSettings.fromMap(m))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("catalog.impl"))
                .hasMessage("catalog.impl cannot be set together with catalog.type");
    }

    @Test
    void blankNameIsRefused() {
        Map<String, String> m = base("hive");
        m.put("catalog.name", "  ");

        assertThatThrownBy(() -> CatalogSettings.fromMap(m))
                .hasMessageStartingWith("catalog.name must not be empty");
    }

    @Test
    void jdbcCatalogReconnectsAfterADatabaseRestartAndRestCatalogIsUntouched() {
        assertThat(CatalogSettings.fromMap(jdbcWithS3()).icebergProperties())
                .containsEntry("retryable_status_codes", "57P01,57P02,57P03");
        assertThat(CatalogSettings.fromMap(base("rest")).icebergProperties())
                .doesNotContainKey("retryable_status_codes");
        Map<String, String> own = jdbcWithS3();
        own.put("catalog.property.retryable_status_codes", "57P01");
        assertThat(CatalogSettings.fromMap(own).icebergProperties())
                .containsEntry("retryable_status_codes", "57P01");
    }

    @Test
    void jdbcWithoutUriNamesTheUriKey() {
        Map<String, String> m = base("jdbc");
        m.remove("catalog.uri");

        assertThatThrownBy(() -> CatalogSettings.fromMap(m))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("catalog.uri"))
                .hasMessageStartingWith("catalog.uri is missing")
                .hasMessageContaining("JdbcCatalog");
    }

    @Test
    void jdbcWithoutWarehouseNamesTheWarehouseKey() {
        Map<String, String> m = base("jdbc");
        m.put("catalog.warehouse", "   ");

        assertThatThrownBy(() -> CatalogSettings.fromMap(m))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("catalog.warehouse"))
                .hasMessageStartingWith("catalog.warehouse is missing");
    }

    @Test
    void restAndNessieNeedUriButNoWarehouse() {
        for (String type : new String[] {"rest", "nessie"}) {
            Map<String, String> m = base(type);
            m.remove("catalog.warehouse");
            assertThat(CatalogSettings.fromMap(m).icebergProperties())
                    .containsEntry("uri", "http://catalog.example:8181")
                    .doesNotContainKey("warehouse");
            m.remove("catalog.uri");
            assertThatThrownBy(() -> CatalogSettings.fromMap(m))
                    .as(type)
                    .hasMessageStartingWith("catalog.uri is missing");
        }
    }

    @Test
    void s3SettingsBecomeS3FileIoProperties() {
        Map<String, String> props = CatalogSettings.fromMap(jdbcWithS3()).icebergProperties();

        assertThat(props)
                .containsEntry("io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
                .containsEntry("s3.endpoint", "http://127.0.0.1:9000")
                .containsEntry("s3.path-style-access", "true")
                .containsEntry("client.region", "eu-west-1")
                .containsEntry("s3.access-key-id", "AKIA-ACCESS-VALUE")
                .containsEntry("s3.secret-access-key", "s3-secret-value-123")
                .containsEntry("uri", "jdbc:postgresql://db.example:5432/iceberg")
                .containsEntry("warehouse", "s3://warehouse/lake")
                .containsEntry("jdbc.user", "iceberg")
                .doesNotContainKey("s3.region");
    }

    @Test
    void s3IsUsedForS3aWarehouseOrAnEndpointAlone() {
        Map<String, String> s3a = base("hadoop");
        s3a.put("catalog.warehouse", "s3a://bucket/w");
        assertThat(CatalogSettings.fromMap(s3a).icebergProperties())
                .containsEntry("io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
                .containsEntry("s3.path-style-access", "false");

        Map<String, String> endpointOnly = base("rest");
        endpointOnly.remove("catalog.warehouse");
        endpointOnly.put("s3.endpoint", "http://minio:9000");
        assertThat(CatalogSettings.fromMap(endpointOnly).icebergProperties())
                .containsEntry("io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
                .containsEntry("s3.endpoint", "http://minio:9000");

        Map<String, String> local = base("hadoop");
        assertThat(CatalogSettings.fromMap(local).icebergProperties())
                .doesNotContainKeys("io-impl", "s3.path-style-access");
    }

    @Test
    void accessKeyWithoutSecretNamesTheSecretKey() {
        Map<String, String> m = jdbcWithS3();
        m.remove("s3.secret-access-key");

        assertThatThrownBy(() -> CatalogSettings.fromMap(m))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("s3.secret-access-key"))
                .hasMessageStartingWith("s3.secret-access-key is missing");
    }

    @Test
    void secretWithoutAccessKeyNamesTheAccessKey() {
        Map<String, String> m = jdbcWithS3();
        m.put("s3.access-key-id", " ");

        assertThatThrownBy(() -> CatalogSettings.fromMap(m))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("s3.access-key-id"))
                .hasMessageStartingWith("s3.access-key-id is missing")
                // the message must not echo the secret it did get
                .hasMessageNotContaining("s3-secret-value-123");
    }

    @Test
    void noStaticKeysMeansTheDefaultCredentialChain() {
        Map<String, String> m = jdbcWithS3();
        m.remove("s3.access-key-id");
        m.remove("s3.secret-access-key");

        assertThat(CatalogSettings.fromMap(m).icebergProperties())
                .doesNotContainKeys("s3.access-key-id", "s3.secret-access-key");
    }

    @Test
    void pathStyleMustBeBoolean() {
        Map<String, String> m = jdbcWithS3();
        m.put("s3.path-style-access", "maybe");

        assertThatThrownBy(() -> CatalogSettings.fromMap(m))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("s3.path-style-access"))
                .hasMessage("s3.path-style-access must be true or false, was 'maybe'");
    }

    @Test
    void s3ClientGetsTimeoutsAndRetriesByDefault() {
        Map<String, String> props = CatalogSettings.fromMap(jdbcWithS3()).icebergProperties();

        assertThat(props)
                .containsEntry("http-client.type", "apache")
                .containsEntry("http-client.apache.connection-timeout-ms", "10000")
                .containsEntry("http-client.apache.socket-timeout-ms", "60000")
                .containsEntry("s3.retry.num-retries", "5")
                .containsEntry("s3.retry.min-wait-ms", "2000")
                .containsEntry("s3.retry.max-wait-ms", "20000")
                .doesNotContainKeys(
                        "s3.connect-timeout",
                        "s3.read-timeout",
                        "s3.retry.min-wait",
                        "s3.retry.max-wait");
    }

    @Test
    void s3TimeoutsAndRetriesAreSettings() {
        Map<String, String> m = jdbcWithS3();
        m.put("s3.connect-timeout", "500ms");
        m.put("s3.read-timeout", "2min");
        m.put("s3.retry.num-retries", "0");
        m.put("s3.retry.min-wait", " 250 ");
        m.put("s3.retry.max-wait", "1h");

        assertThat(CatalogSettings.fromMap(m).icebergProperties())
                .containsEntry("http-client.apache.connection-timeout-ms", "500")
                .containsEntry("http-client.apache.socket-timeout-ms", "120000")
                .containsEntry("s3.retry.num-retries", "0")
                .containsEntry("s3.retry.min-wait-ms", "250")
                .containsEntry("s3.retry.max-wait-ms", "3600000");
        S3Access access = S3Access.fromMap(m);
        assertThat(access.connectTimeout()).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(access.readTimeout()).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(access.numRetries()).isZero();
    }

    @Test
    void s3ClientSettingsAreNotSetWithoutS3() {
        assertThat(CatalogSettings.fromMap(base("hadoop")).icebergProperties())
                .doesNotContainKeys(
                        "http-client.type",
                        "http-client.apache.socket-timeout-ms",
                        "s3.retry.num-retries");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "s3.connect-timeout    | ten seconds | must be a duration like 500ms, 10s or 2min",
                "s3.connect-timeout    | 0s          | must be more than 0 and at most 1h",
                "s3.read-timeout       | -5s         | must be a duration like 500ms, 10s or 2min",
                "s3.read-timeout       | 10d         | must be a duration like 500ms, 10s or 2min",
                "s3.read-timeout       | 61min       | must be more than 0 and at most 1h",
                "s3.read-timeout       | 99999999999999999999s | must be a duration like",
                "s3.retry.min-wait     | 1.5s        | must be a duration like 500ms, 10s or 2min",
                "s3.retry.max-wait     | 1s          | must not be shorter than s3.retry.min-wait",
                "s3.retry.num-retries  | -1          | must be a whole number from 0 to 100",
                "s3.retry.num-retries  | 101         | must be a whole number from 0 to 100",
                "s3.retry.num-retries  | many        | must be a whole number from 0 to 100"
            })
    void badS3ClientSettingsStopStartUpNamingTheKey(String key, String value, String problem) {
        Map<String, String> m = jdbcWithS3();
        m.put(key, value);

        assertThatThrownBy(() -> CatalogSettings.fromMap(m))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class, e -> assertThat(e.key()).isEqualTo(key))
                .hasMessageStartingWith(key + " ")
                .hasMessageContaining(problem);
    }

    @Test
    void catalogPropertyPrefixPassesThroughVerbatim() {
        Map<String, String> m = jdbcWithS3();
        m.put("catalog.property.cache-enabled", "false");
        m.put("catalog.property.jdbc.schema-version", "V1");
        // a pass-through key may override what lakestream derived
        m.put("catalog.property.s3.path-style-access", "false");

        assertThat(CatalogSettings.fromMap(m).icebergProperties())
                .containsEntry("cache-enabled", "false")
                .containsEntry("jdbc.schema-version", "V1")
                .containsEntry("s3.path-style-access", "false")
                .doesNotContainKey("catalog.property.cache-enabled");
    }

    @Test
    void describeAndToStringNeverShowSecrets() {
        Map<String, String> m = jdbcWithS3();
        m.put("catalog.jdbc.password", "jdbc-password-value");
        m.put("catalog.rest.credential", "client:rest-credential-value");
        m.put("catalog.property.token", "passthrough-token-value");
        CatalogSettings settings = CatalogSettings.fromMap(m);

        // the secrets are there for Iceberg ...
        assertThat(settings.icebergProperties())
                .containsEntry("jdbc.password", "jdbc-password-value")
                .containsEntry("credential", "client:rest-credential-value");
        // ... but never in anything printable
        for (String shown : new String[] {settings.describe(), settings.toString()}) {
            assertThat(shown)
                    .doesNotContain(
                            "s3-secret-value-123",
                            "AKIA-ACCESS-VALUE",
                            "jdbc-password-value",
                            "rest-credential-value",
                            "passthrough-token-value")
                    .contains("JdbcCatalog", "http://127.0.0.1:9000", "s3://warehouse/lake")
                    .contains("s3.secret-access-key=****", "jdbc.password=****")
                    .contains("credential=****");
        }
    }

    @Test
    void equalSettingsAreEqual() {
        assertThat(CatalogSettings.fromMap(jdbcWithS3()))
                .isEqualTo(CatalogSettings.fromMap(jdbcWithS3()))
                .hasSameHashCodeAs(CatalogSettings.fromMap(jdbcWithS3()))
                .isNotEqualTo(CatalogSettings.fromMap(base("hive")));
    }
}
