package dev.lakestream.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lakestream.connect.config.ConnectorDefinition;
import dev.lakestream.embedded.ConnectWorker;
import dev.lakestream.embedded.KafkaBroker;
import dev.lakestream.snowflake.connection.SnowflakeConnections;
import dev.lakestream.snowflake.connection.SnowflakeSettings;
import dev.lakestream.snowflake.migration.SnowflakeMigrations;
import dev.lakestream.snowflake.verify.SchemaVerifier;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole Snowflake leg against a live account: migrate a fresh schema, push gold records through
 * the real Snowflake sink on a real Connect worker, check the business table, then replay the same
 * offsets twice and check the table is unchanged.
 *
 * <p>Runs only when {@code SNOWFLAKE_ACCOUNT}, {@code SNOWFLAKE_USER} and {@code
 * SNOWFLAKE_PRIVATE_KEY} (unencrypted PKCS#8, as the connector takes it) are set, with {@code
 * SNOWFLAKE_DATABASE}, {@code SNOWFLAKE_ROLE} and {@code SNOWFLAKE_WAREHOUSE}; the role needs the
 * grants of the README's set-up plus CREATE SCHEMA on the database. The test creates and drops its
 * own schema {@code LAKESTREAM_IT_<random>}.
 */
class SnowflakeLiveITCase {

    private static final String TOPIC = "lakestream.gold.sales_daily_metrics";
    private static final String SKIPPED =
            "Skipped: SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER and SNOWFLAKE_PRIVATE_KEY are not all set;"
                    + " the live Snowflake test (migrate, connector load, MERGE, replay twice)"
                    + " needs an account";

    @TempDir static Path dir;
    static Map<String, String> env;
    static SnowflakeSettings settings;
    static ConnectTestStack stack;
    static KafkaBroker broker;
    static ConnectWorker worker;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> system = System.getenv();
        if (!liveAccount(system)) {
            return; // the test reports the skip, with SKIPPED as the reason
        }
        env = new HashMap<>(system);
        env.put(
                "SNOWFLAKE_SCHEMA",
                "LAKESTREAM_IT_"
                        + UUID.randomUUID().toString().substring(0, 8).toUpperCase(Locale.ROOT));
        settings = SnowflakeSettings.fromEnvironment(env);
        try (Connection c = new SnowflakeConnections(settings).getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + settings.database() + "." + settings.schema());
        }
        SnowflakeMigrations.flyway(new SnowflakeConnections(settings), settings.schema()).migrate();

        Map<String, String> workerEnv = new HashMap<>();
        workerEnv.put(
                "SNOWFLAKE_URL",
                env.getOrDefault(
                                "SNOWFLAKE_HOST",
                                env.get("SNOWFLAKE_ACCOUNT") + ".snowflakecomputing.com")
                        + ":443");
        workerEnv.put("SNOWFLAKE_CONNECT_USER", env.get("SNOWFLAKE_USER"));
        workerEnv.put("SNOWFLAKE_CONNECT_ROLE", env.getOrDefault("SNOWFLAKE_ROLE", ""));
        workerEnv.put(
                "SNOWFLAKE_PRIVATE_KEY",
                env.get("SNOWFLAKE_PRIVATE_KEY")
                        .replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "")
                        .replaceAll("\\s", ""));
        workerEnv.put("SNOWFLAKE_DATABASE", settings.database());
        workerEnv.put("SNOWFLAKE_SCHEMA", settings.schema());
        stack = ConnectTestStack.start(dir, Map.of(TOPIC, "compact"), workerEnv, Map.of());
        broker = stack.broker();
        worker = stack.worker();
    }

    @AfterAll
    static void stop() throws SQLException {
        if (stack != null) {
            stack.close();
        }
        if (settings != null) {
            try (Connection c = new SnowflakeConnections(settings).getConnection();
                    Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + settings.database() + "." + settings.schema());
            }
        }
    }

    static boolean liveAccount(Map<String, String> env) {
        return env.get("SNOWFLAKE_ACCOUNT") != null
                && env.get("SNOWFLAKE_USER") != null
                && env.get("SNOWFLAKE_PRIVATE_KEY") != null;
    }

    @Test
    void goldRecordsReachTheBusinessTableAndReplayingTwiceChangesNothing() throws Exception {
        assumeTrue(liveAccount(System.getenv()), SKIPPED);
        try (Connection c = new SnowflakeConnections(settings).getConnection()) {
            assertThat(new SchemaVerifier(c).problems()).isEmpty();
        }
        // store 1: two versions, out of order; store 2: created then deleted; store 3: one version
        List<String[]> records = new ArrayList<>();
        records.add(record(1, 20, false, "12.50"));
        records.add(record(1, 10, false, "7.00"));
        records.add(record(2, 11, false, "3.00"));
        records.add(record(2, 30, true, null));
        // 16 integer digits: through a double this would become ...456.80
        records.add(record(3, 15, false, "1234567890123456.78"));
        try (KafkaProducer<String, String> producer = stack.transactionalProducer()) {
            producer.beginTransaction();
            for (String[] r : records) {
                producer.send(new ProducerRecord<>(TOPIC, r[0], r[1]));
            }
            producer.commitTransaction();
        }
        ConnectTestStack.Cli deploy =
                cli("deploy", "--timeout", "180s", "config/snowflake-sink.json");
        assertThat(deploy.exit()).as(deploy.out() + deploy.err()).isZero();

        String expected =
                "1|20|false|12.50|0.92310000|240;2|30|true|null|null|null;"
                        + "3|15|false|1234567890123456.78|0.92310000|240";
        awaitLandingRows(5);
        awaitBusinessTable(expected);

        for (int replay = 1; replay <= 2; replay++) {
            ConnectTestStack.Cli cli =
                    cli(
                            "replay",
                            ConnectorDefinition.load(Path.of("config/snowflake-sink.json")).name(),
                            "--to-offsets",
                            TOPIC + ":0=0",
                            "--timeout",
                            "180s");
            assertThat(cli.exit()).as(cli.out() + cli.err()).isZero();
            awaitLandingRows(5 * (replay + 1));
            awaitBusinessTable(expected);
        }
    }

    static String[] record(int store, long version, boolean deleted, String net) {
        String key = "{\"sale_date\":\"2026-11-29\",\"store_id\":" + store + "}";
        String value =
                deleted
                        ? "{\"sale_date\":\"2026-11-29\",\"store_id\":"
                                + store
                                + ",\"version\":"
                                + version
                                + ",\"updated_at\":\"2026-11-29T10:00:00Z\",\"deleted\":true}"
                        : "{\"sale_date\":\"2026-11-29\",\"store_id\":"
                                + store
                                + ",\"currency\":\"USD\",\"order_count\":1,\"cancelled_order_count\":0,"
                                + "\"items_sold\":1,\"gross_revenue\":"
                                + net
                                + ",\"discounts\":0.00,"
                                + "\"net_revenue\":"
                                + net
                                + ",\"avg_order_value\":"
                                + net
                                + ",\"distinct_customers\":1,\"reporting_currency\":\"EUR\","
                                + "\"exchange_rate\":0.92310000,\"net_revenue_reporting\":"
                                + net
                                + ",\"visitors\":240,\"conversion_rate\":0.0042,"
                                + "\"decimals\":{\"gross_revenue\":\""
                                + net
                                + "\",\"discounts\":\"0.00\",\"net_revenue\":\""
                                + net
                                + "\",\"avg_order_value\":\""
                                + net
                                + "\",\"exchange_rate\":\"0.92310000\","
                                + "\"net_revenue_reporting\":\""
                                + net
                                + "\",\"conversion_rate\":\"0.0042\"},\"version\":"
                                + version
                                + ",\"updated_at\":\"2026-11-29T10:00:00Z\",\"deleted\":false}";
        return new String[] {key, value};
    }

    static void awaitLandingRows(int rows) {
        await().atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(5))
                .until(
                        () ->
                                Long.parseLong(
                                                query(
                                                        "SELECT COUNT(*) FROM SALES_DAILY_METRICS_LANDING"))
                                        >= rows);
    }

    /**
     * Runs the task at once rather than waiting for its schedule, until the table is as expected.
     */
    static void awaitBusinessTable(String expected) {
        await().atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(10))
                .until(
                        () -> {
                            query(
                                    "SELECT SYSTEM$STREAM_HAS_DATA('SALES_DAILY_METRICS_LANDING_STREAM')");
                            try (Connection c = new SnowflakeConnections(settings).getConnection();
                                    Statement s = c.createStatement()) {
                                s.execute("EXECUTE TASK MERGE_SALES_DAILY_METRICS");
                            }
                            return expected.equals(
                                    query(
                                            "SELECT LISTAGG(STORE_ID || '|' || VERSION || '|' || DELETED || '|'"
                                                    + " || COALESCE(TO_VARCHAR(NET_REVENUE), 'null')"
                                                    + " || '|' || COALESCE(TO_VARCHAR(EXCHANGE_RATE), 'null')"
                                                    + " || '|' || COALESCE(TO_VARCHAR(VISITORS), 'null'), ';')"
                                                    + " WITHIN GROUP (ORDER BY STORE_ID) FROM SALES_DAILY_METRICS"));
                        });
    }

    static ConnectTestStack.Cli cli(String... args) {
        return stack.cli(env, args);
    }

    static String query(String sql) throws SQLException {
        try (Connection c = new SnowflakeConnections(settings).getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
