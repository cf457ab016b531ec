package dev.lakestream.connect.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed connector and worker configuration, and the secret rules every definition obeys.
 */
class ConnectorDefinitionTest {

    static final Path COMMITTED_SINK = Path.of("config/snowflake-sink.json");

    @TempDir Path dir;

    @Test
    void theCommittedSnowflakeSinkHasTheSettingsTheDesignNeeds() {
        ConnectorDefinition sink = ConnectorDefinition.load(COMMITTED_SINK);

        assertThat(sink.isSnowflakeSink()).isTrue();
        assertThat(sink.config())
                .containsEntry("snowflake.ingestion.method", "SNOWPIPE_STREAMING")
                .containsEntry("snowflake.private.key", "${env:SNOWFLAKE_PRIVATE_KEY}")
                .containsEntry("consumer.override.isolation.level", "read_committed")
                .containsEntry("errors.tolerance", "all")
                .containsEntry(
                        "errors.deadletterqueue.topic.name",
                        "lakestream.gold.sales_daily_metrics.dlq")
                .containsEntry("value.converter", "org.apache.kafka.connect.json.JsonConverter")
                .containsEntry("key.converter", "org.apache.kafka.connect.json.JsonConverter")
                .containsEntry("value.converter.schemas.enable", "false")
                .containsEntry(
                        "snowflake.topic2table.map",
                        "lakestream.gold.sales_daily_metrics:SALES_DAILY_METRICS_LANDING")
                .containsEntry("topics", "lakestream.gold.sales_daily_metrics");
    }

    @Test
    void nothingSecretIsCommitted() throws IOException {
        String sink = Files.readString(COMMITTED_SINK);
        String worker = Files.readString(Path.of("config/connect-distributed.properties"));
        for (String committed : new String[] {sink, worker}) {
            assertThat(committed)
                    .doesNotContain("PRIVATE KEY")
                    .doesNotContainPattern("MII[A-Za-z0-9+/]{20}")
                    .doesNotContainPattern("(?i)password\\s*[=:]");
        }
        Properties p = new Properties();
        p.load(new java.io.StringReader(worker));
        assertThat(p.getProperty("bootstrap.servers")).isEqualTo("${env:KAFKA_BOOTSTRAP_SERVERS}");
        assertThat(p.getProperty("config.providers")).isEqualTo("env");
        // a connector may read only what the Snowflake sink needs, not all the worker knows
        assertThat(p.getProperty("config.providers.env.param.allowlist.pattern"))
                .isEqualTo("KAFKA_BOOTSTRAP_SERVERS|SNOWFLAKE_[A-Z_]+");
        assertThat(p.getProperty("consumer.isolation.level")).isEqualTo("read_committed");
    }

    @Test
    void aLiteralSecretIsRefusedNamingTheKey() throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(
                file,
                "{\"name\":\"x\",\"config\":{\"connector.class\":\"c\","
                        + "\"snowflake.private.key\":\"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\"}}");

        assertThatThrownBy(() -> ConnectorDefinition.load(file))
                .isInstanceOf(ConnectorConfigException.class)
                .hasMessageContaining("snowflake.private.key holds a literal secret")
                .hasMessageNotContaining("MIIEvQ");
    }

    @Test
    void providerReferencesAreAcceptedAndShownWhileOtherSecretsAreMasked() {
        ConnectorDefinition definition =
                new ConnectorDefinition(
                        "x",
                        Map.of(
                                "connector.class", "c",
                                "snowflake.private.key", "${file:/etc/secrets/sf.properties:key}",
                                "snowflake.private.key.passphrase", "${directory:/etc/sf:pass}"));

        assertThat(definition.masked())
                .containsEntry("snowflake.private.key", "${file:/etc/secrets/sf.properties:key}");
        assertThat(ConnectorDefinition.masked(Map.of("consumer.override.sasl.password", "hunter2")))
                .containsEntry("consumer.override.sasl.password", ConnectorDefinition.MASK);
    }

    @Test
    void missingPartsAreNamed() throws IOException {
        Path noClass = dir.resolve("no-class.json");
        Files.writeString(noClass, "{\"name\":\"x\",\"config\":{}}");
        Path noName = dir.resolve("no-name.json");
        Files.writeString(noName, "{\"config\":{\"connector.class\":\"c\"}}");

        assertThatThrownBy(() -> ConnectorDefinition.load(noClass))
                .hasMessageContaining("config.connector.class is missing");
        assertThatThrownBy(() -> ConnectorDefinition.load(noName))
                .hasMessageContaining("name is missing");
        assertThatThrownBy(() -> ConnectorDefinition.load(dir.resolve("absent.json")))
                .hasMessageContaining("cannot read connector definition");
    }
}
