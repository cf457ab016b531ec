package dev.lakestream.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakestream.deployment.Kustomize.Rendered;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Strimzi KafkaConnector of every rendering is connect/config/snowflake-sink.json, the
 * configuration the compose stack registers and the connect module tests against a real worker, and
 * that file loads into the landing table the Snowflake migrations create.
 */
class SnowflakeSinkConfigTest {

    static final Path COMMITTED = Repo.ROOT.resolve("connect/config/snowflake-sink.json");
    static final Path LANDING_TABLE_SQL =
            Repo.ROOT.resolve("snowflake/src/main/resources/db/snowflake/V1__landing_table.sql");

    private JsonNode committed;
    private Map<String, String> envExample;

    @BeforeEach
    void readCommitted() throws Exception {
        committed = new ObjectMapper().readTree(Repo.read(COMMITTED));
        envExample = ComposeRules.envFile(Repo.read(Repo.ENV_EXAMPLE));
    }

    static java.util.stream.Stream<Path> kustomizations() {
        return KustomizeOverlaysTest.kustomizations();
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void theKafkaConnectorIsTheCommittedConnectorConfiguration(Path dir) {
        Rendered rendered = Kustomize.render(dir);

        assertThat(rendered.all(KafkaConnector.class)).hasSize(1);
        for (KafkaConnector connector : rendered.all(KafkaConnector.class)) {
            assertThat(DeploymentRules.snowflakeSinkMatches(connector, committed, envExample))
                    .isEmpty();
        }
    }

    @Test
    void theCommittedConfigurationLoadsIntoTheLandingTableOfTheMigrations() {
        String map = committed.path("config").path("snowflake.topic2table.map").asText();
        String table = map.substring(map.indexOf(':') + 1);

        assertThat(map).startsWith(committed.path("config").path("topics").asText() + ":");
        assertThat(Repo.read(LANDING_TABLE_SQL))
                .containsPattern(
                        Pattern.compile(
                                "CREATE TABLE IF NOT EXISTS " + Pattern.quote(table) + " \\("));
    }

    @Test
    void aConnectorThatDriftsFromTheCommittedConfigurationIsReported() {
        KafkaConnector connector = Kustomize.render(Repo.BASE).all(KafkaConnector.class).get(0);
        Map<String, Object> config = new LinkedHashMap<>(connector.getSpec().getConfig());
        config.put(
                "snowflake.topic2table.map",
                "lakestream.gold.sales_daily_metrics:GOLD_SALES_DAILY_METRICS_LANDING");
        config.put("snowflake.schema.name", "LANDING");
        config.put("snowflake.url.name", "account.snowflakecomputing.com:443");
        config.remove("snowflake.enable.schematization");
        config.put("errors.deadletterqueue.topic.replication.factor", 1);
        config.put("tasks.max", 4);
        config.put("buffer.flush.time.ms", 10);
        connector.getSpec().setConfig(config);

        assertThat(DeploymentRules.snowflakeSinkMatches(connector, committed, envExample))
                .containsExactlyInAnyOrder(
                        "lakestream-snowflake-sink needs snowflake.topic2table.map ="
                                + " lakestream.gold.sales_daily_metrics:SALES_DAILY_METRICS_LANDING"
                                + " as in connect/config/snowflake-sink.json, not"
                                + " lakestream.gold.sales_daily_metrics:GOLD_SALES_DAILY_METRICS_LANDING",
                        "lakestream-snowflake-sink needs snowflake.schema.name from a"
                                + " ${directory:...} reference or as .env.example's"
                                + " SNOWFLAKE_SCHEMA (GOLD), not LANDING",
                        "lakestream-snowflake-sink needs snowflake.url.name from a"
                                + " ${directory:...} reference or as .env.example's SNOWFLAKE_URL"
                                + " (empty there), not account.snowflakecomputing.com:443",
                        "lakestream-snowflake-sink lacks snowflake.enable.schematization of"
                                + " connect/config/snowflake-sink.json",
                        "lakestream-snowflake-sink needs"
                                + " errors.deadletterqueue.topic.replication.factor = -1 (its"
                                + " documented Strimzi value), not 1",
                        "lakestream-snowflake-sink needs tasks.max as a spec field, not in"
                                + " spec.config",
                        "lakestream-snowflake-sink needs no buffer.flush.time.ms:"
                                + " connect/config/snowflake-sink.json has no such key");
    }
}
