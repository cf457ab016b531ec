package dev.lakestream.connect.strimzi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.connect.config.ConnectorConfigException;
import dev.lakestream.connect.config.ConnectorDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaConnectorFileTest {

    static final Path COMMITTED = Path.of("..", "k8s", "base", "kafka-connector-snowflake.yaml");

    @TempDir Path dir;

    @Test
    void theCommittedKafkaConnectorGivesWhatAReplayPlansFrom() {
        ConnectorDefinition connector =
                KafkaConnectorFile.load(COMMITTED, "lakestream-snowflake-sink");

        assertThat(connector.isSnowflakeSink()).isTrue();
        assertThat(connector.config())
                .containsEntry("topics", "lakestream.gold.sales_daily_metrics")
                .containsEntry(
                        "snowflake.topic2table.map",
                        "lakestream.gold.sales_daily_metrics:SALES_DAILY_METRICS_LANDING")
                .containsEntry(
                        "connector.class", "com.snowflake.kafka.connector.SnowflakeSinkConnector")
                // YAML booleans and numbers as Connect reads them
                .containsEntry("snowflake.enable.schematization", "false")
                .containsEntry("buffer.flush.time", "5");
    }

    @Test
    void aFileWithoutTheNamedConnectorIsRefusedNamingTheOptionAndWhatItHas() throws IOException {
        assertThatThrownBy(() -> KafkaConnectorFile.load(COMMITTED, "other-sink"))
                .isInstanceOf(ConnectorConfigException.class)
                .hasMessageStartingWith("--connector-file ")
                .hasMessageContaining("no KafkaConnector named other-sink")
                .hasMessageContaining("KafkaConnector lakestream-snowflake-sink");

        Path noSpec = dir.resolve("no-spec.yaml");
        Files.writeString(
                noSpec,
                "apiVersion: kafka.strimzi.io/v1\nkind: KafkaConnector\nmetadata:\n  name: x\n");
        assertThatThrownBy(() -> KafkaConnectorFile.load(noSpec, "x"))
                .hasMessageContaining("has no spec.class or spec.config");

        assertThatThrownBy(() -> KafkaConnectorFile.load(dir.resolve("missing.yaml"), "x"))
                .hasMessageContaining("cannot read it");
    }
}
