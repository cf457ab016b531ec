package dev.lakestream.jobs.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lakestream.catalog.BronzeTables;
import dev.lakestream.catalog.IcebergCatalogs;
import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.embedded.EmbeddedPostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a user sees when the IngestionJob is started wrongly: every mistake stops start-up with a
 * message naming the setting to fix, before anything is submitted. Runs against a real PostgreSQL;
 * the bronze catalog is a JDBC catalog on that server with a local-folder warehouse (the tables are
 * only created, never written, so S3 is not needed here).
 */
class IngestionStartupITCase {

    private static final String DATABASE = "startup_shop";

    private static Path workDir;
    private static EmbeddedPostgresServer postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        workDir = Files.createTempDirectory("lakestream-startup-it");
        postgres = EmbeddedPostgresServer.startTemporary();
        postgres.createDatabase("iceberg_catalog");
        postgres.createDatabase(DATABASE);
        try (Connection c = postgres.connect(DATABASE);
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA shop");
            s.execute("CREATE TABLE shop.orders (order_id bigint PRIMARY KEY, status text)");
            s.execute("CREATE TABLE shop.customers (customer_id bigint PRIMARY KEY, name text)");
            s.execute("CREATE TABLE shop.products (product_id bigint PRIMARY KEY, name text)");
            s.execute("CREATE TABLE shop.audit_log (id bigint, message text)");
            s.execute("CREATE TABLE shop.ledger (entry_id bigint PRIMARY KEY, amount numeric)");
            s.execute("ALTER TABLE shop.ledger REPLICA IDENTITY NOTHING");
        }
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    /** A complete, valid configuration for {@code tables} with its own slot. */
    private static Map<String, String> settings(String slot, String tables) {
        Map<String, String> s = new HashMap<>();
        s.put("source.postgres.hostname", postgres.host());
        s.put("source.postgres.port", Integer.toString(postgres.port()));
        s.put("source.postgres.database", DATABASE);
        s.put("source.postgres.username", EmbeddedPostgresServer.SUPERUSER);
        s.put("source.postgres.tables", tables);
        s.put("source.postgres.slot-name", slot);
        s.put("source.postgres.connect-timeout", "2s");
        s.put("catalog.name", "startup_" + slot);
        s.put("catalog.type", "jdbc");
        s.put("catalog.uri", postgres.jdbcUrl("iceberg_catalog"));
        s.put("catalog.jdbc.user", EmbeddedPostgresServer.SUPERUSER);
        s.put("catalog.warehouse", workDir.resolve("warehouse").resolve(slot).toUri().toString());
        s.put("execution.checkpointing.interval", "10s");
        return s;
    }

    private static void prepare(Map<String, String> settings) {
        IngestionConfig config = IngestionConfig.fromMap(settings);
        IngestionJob.prepare(new StreamExecutionEnvironment(config.flinkConfiguration()), config);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Set<String> publishedTables(String publication) throws SQLException {
        Set<String> tables = new TreeSet<>();
        try (Connection c = postgres.connect(DATABASE);
                var ps =
                        c.prepareStatement(
                                "SELECT schemaname || '.' || tablename FROM pg_publication_tables"
                                        + " WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables;
    }

    private static boolean publicationExists(String publication) throws SQLException {
        try (Connection c = postgres.connect(DATABASE);
                var ps = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Test
    void checkpointingOffIsRefusedBeforeTheDatabaseIsContacted() throws IOException {
        Map<String, String> s = settings("no_checkpoints", "shop.orders");
        s.remove("execution.checkpointing.interval");
        // nothing listens there: had the database been contacted first, the error would name
        // source.postgres.hostname instead
        s.put("source.postgres.port", Integer.toString(freePort()));

        assertThatThrownBy(() -> prepare(s))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("execution.checkpointing.interval"))
                .hasMessageStartingWith("execution.checkpointing.interval is not set")
                .hasMessageNotContaining("source.postgres");
    }

    @Test
    void checkpointingOffTouchesNothingInAReachableDatabase() throws SQLException {
        Map<String, String> s = settings("no_checkpoints_reachable", "shop.orders");
        s.remove("execution.checkpointing.interval");

        assertThatThrownBy(() -> prepare(s))
                .hasMessageStartingWith("execution.checkpointing.interval is not set");
        assertThat(publicationExists("no_checkpoints_reachable_pub")).isFalse();
    }

    @Test
    void unreachableDatabaseNamesHostAndPort() throws IOException {
        int port = freePort();
        Map<String, String> s = settings("unreachable", "shop.orders");
        s.put("source.postgres.port", Integer.toString(port));

        assertThatThrownBy(() -> prepare(s))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).startsWith("source.postgres.hostname"))
                .hasMessageContaining("source.postgres.hostname")
                .hasMessageContaining("source.postgres.port")
                .hasMessageContaining("cannot connect to PostgreSQL at 127.0.0.1:" + port);
    }

    @Test
    void unknownDatabaseNamesTheDatabaseSetting() {
        Map<String, String> s = settings("no_db", "shop.orders");
        s.put("source.postgres.database", "no_such_shop");

        assertThatThrownBy(() -> prepare(s))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("source.postgres.database"))
                .hasMessage("source.postgres.database 'no_such_shop' does not exist on the server");
    }

    @Test
    void unknownUserNamesTheLoginSettings() {
        Map<String, String> s = settings("no_user", "shop.orders");
        s.put("source.postgres.username", "nobody_here");

        assertThatThrownBy(() -> prepare(s))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("source.postgres.username"))
                .hasMessageStartingWith("source.postgres.username")
                .hasMessageContaining("source.postgres.password")
                .hasMessageContaining("PostgreSQL refused the login")
                .hasMessageContaining("nobody_here");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "shop.missing    | names shop.missing, which does not exist in the database",
                "shop.audit_log  | names shop.audit_log, which has no primary key",
                "shop.ledger     | names shop.ledger with REPLICA IDENTITY NOTHING",
            })
    void unusableTableNamesTheTablesSettingAndTheTable(String table, String problem)
            throws SQLException {
        String slot = "bad_" + table.substring("shop.".length());
        Map<String, String> s = settings(slot, "shop.orders," + table);

        assertThatThrownBy(() -> prepare(s))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("source.postgres.tables"))
                .hasMessageStartingWith("source.postgres.tables " + problem);
        // nothing was half set up: the check comes before the publication
        assertThat(publicationExists(slot + "_pub")).isFalse();
    }

    @Test
    void walLevelBelowLogicalIsRefused() throws IOException {
        // EmbeddedPostgresServer always runs wal_level=logical; zonky's builder can do otherwise
        try (EmbeddedPostgres replicaOnly =
                EmbeddedPostgres.builder().setServerConfig("wal_level", "replica").start()) {
            Map<String, String> s = settings("wal_replica", "public.anything");
            s.put("source.postgres.port", Integer.toString(replicaOnly.getPort()));
            s.put("source.postgres.database", "postgres");

            assertThatThrownBy(() -> prepare(s))
                    .hasMessageContaining("wal_level is 'replica'")
                    .hasMessageContaining("wal_level=logical");
        }
    }

    @Test
    void publicationCoversExactlyTheCapturedTablesAndGrowsWithThem() throws Exception {
        Map<String, String> s = settings("pub_it", "shop.orders");

        prepare(s);

        // the heartbeat table is published too, so idle captured tables still move the slot
        assertThat(publishedTables("pub_it_pub"))
                .containsExactly("public.lakestream_heartbeat", "shop.orders");

        s.put("source.postgres.tables", "shop.orders,shop.customers");
        prepare(s);
        prepare(s); // nothing left to add: a restart is harmless

        assertThat(publishedTables("pub_it_pub"))
                .containsExactly("public.lakestream_heartbeat", "shop.customers", "shop.orders");
        IngestionConfig config = IngestionConfig.fromMap(s);
        Catalog catalog = IcebergCatalogs.load(config.catalog());
        try {
            assertThat(catalog.tableExists(BronzeTables.identifierFor("bronze", "shop.orders")))
                    .isTrue();
            assertThat(catalog.tableExists(BronzeTables.identifierFor("bronze", "shop.customers")))
                    .isTrue();
            assertThat(catalog.tableExists(BronzeTables.identifierFor("bronze", "shop.products")))
                    .isFalse();
        } finally {
            if (catalog instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }

    @Test
    void cdcUserWithoutCreateRightsUsesAReadyMadeHeartbeatTable() throws Exception {
        // as deploy/compose/shop-db-init.sh sets it up: the user may read, not create
        try (Connection c = postgres.connect(DATABASE);
                Statement s = c.createStatement()) {
            s.execute("CREATE ROLE plain_cdc WITH LOGIN REPLICATION");
            s.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
            s.execute("REVOKE CREATE ON DATABASE " + DATABASE + " FROM PUBLIC");
            s.execute("GRANT USAGE ON SCHEMA shop TO plain_cdc");
            s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA shop TO plain_cdc");
        }
        Map<String, String> s = settings("plain_cdc", "shop.orders");
        s.put("source.postgres.username", "plain_cdc");
        s.put("source.postgres.heartbeat-table", "public.plain_cdc_beats");

        assertThatThrownBy(() -> prepare(s))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("source.postgres.heartbeat-table"))
                .hasMessageContaining("could not be created")
                .hasMessageContaining(
                        "CREATE TABLE IF NOT EXISTS \"public\".\"plain_cdc_beats\" (slot_name"
                                + " text PRIMARY KEY, beat_at timestamptz NOT NULL)");

        try (Connection c = postgres.connect(DATABASE);
                Statement st = c.createStatement()) {
            st.execute(
                    "CREATE TABLE public.plain_cdc_beats (slot_name text PRIMARY KEY,"
                            + " beat_at timestamptz NOT NULL)");
            st.execute("GRANT SELECT, INSERT, UPDATE ON public.plain_cdc_beats TO plain_cdc");
            st.execute(
                    "CREATE PUBLICATION plain_cdc_pub FOR TABLE shop.orders,"
                            + " public.plain_cdc_beats");
        }
        prepare(s);

        assertThat(publishedTables("plain_cdc_pub"))
                .containsExactly("public.plain_cdc_beats", "shop.orders");
    }

    @Test
    void publicationRightsAreNamedExactlyAndTheSuggestedStatementWorks() throws Exception {
        // the role owns its table but may not create in the database: CREATE PUBLICATION fails
        try (Connection c = postgres.connect(DATABASE);
                Statement s = c.createStatement()) {
            s.execute("CREATE ROLE owner_cdc WITH LOGIN REPLICATION");
            s.execute("REVOKE CREATE ON DATABASE " + DATABASE + " FROM PUBLIC");
            s.execute("CREATE SCHEMA owned");
            s.execute("CREATE TABLE owned.items (id bigint PRIMARY KEY, name text)");
            s.execute("ALTER TABLE owned.items OWNER TO owner_cdc");
            s.execute("GRANT USAGE ON SCHEMA owned TO owner_cdc");
            s.execute(
                    "CREATE TABLE public.owner_cdc_beats (slot_name text PRIMARY KEY,"
                            + " beat_at timestamptz NOT NULL)");
            s.execute("GRANT SELECT, INSERT, UPDATE ON public.owner_cdc_beats TO owner_cdc");
        }
        Map<String, String> s = settings("owner_cdc", "owned.items");
        s.put("source.postgres.username", "owner_cdc");
        s.put("source.postgres.heartbeat-table", "public.owner_cdc_beats");

        String message =
                catchThrowableOfType(InvalidSettingException.class, () -> prepare(s)).getMessage();
        assertThat(message)
                .startsWith("source.postgres.publication-name 'owner_cdc_pub' could not be created")
                .contains("CREATE privilege on the database and ownership of every listed table")
                .contains("GRANT CREATE ON DATABASE \"" + DATABASE + "\" TO \"owner_cdc\"")
                .contains("\"owned\".\"items\", \"public\".\"owner_cdc_beats\"");

        // the statement it suggests, run as a superuser, is all the job needs
        String marker = "needs no such rights): ";
        String sql = message.substring(message.indexOf(marker) + marker.length());
        sql = sql.substring(0, sql.indexOf("; or give"));
        assertThat(sql).startsWith("CREATE PUBLICATION owner_cdc_pub FOR TABLE");
        try (Connection c = postgres.connect(DATABASE);
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
        prepare(s);
        assertThat(publishedTables("owner_cdc_pub"))
                .containsExactly("owned.items", "public.owner_cdc_beats");
    }

    @Test
    void mainFailsNamingACheckpointDirectoryWithoutItsFileSystemBeforeCreatingAnything()
            throws Exception {
        Map<String, String> s = settings("main_no_s3_plugin", "shop.orders");
        s.put("execution.checkpointing.dir", "s3://lakestream-checks/checkpoints");

        Exit exit = runMain("no-s3-plugin", s);

        assertThat(exit.code()).as(exit.stderr()).isEqualTo(1);
        assertThat(exit.stderr())
                .contains(
                        "lakestream: configuration error: execution.checkpointing.dir is"
                                + " s3://lakestream-checks/checkpoints, but no Flink file system"
                                + " for 's3://' is installed")
                .contains("plugins/s3-fs-presto/");
        assertThat(publicationExists("main_no_s3_plugin_pub")).isFalse();
    }

    @Test
    void mainFailsNamingASavepointDirectoryItCannotWrite() throws Exception {
        Map<String, String> s = settings("main_unwritable", "shop.orders");
        // a directory below a regular file cannot be made, not even by root
        Path file = Files.createTempFile("not-a-directory", ".txt");
        s.put("execution.checkpointing.savepoint-dir", file.toUri() + "/savepoints");

        Exit exit = runMain("unwritable-savepoints", s);

        assertThat(exit.code()).as(exit.stderr()).isEqualTo(1);
        assertThat(exit.stderr())
                .contains(
                        "lakestream: configuration error: execution.checkpointing.savepoint-dir is")
                .contains("but the job cannot write there");
        assertThat(publicationExists("main_unwritable_pub")).isFalse();
    }

    @Test
    void theReadmesStatementsForRemovingADeploymentDropTheSlotAndThePublication() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("**Removing a deployment for good**");
        assertThat(section).as("README section").isPositive();
        int start = readme.indexOf("```sql\n", section) + "```sql\n".length();
        String sql = readme.substring(start, readme.indexOf("```", start));
        try (Connection c = postgres.connect(DATABASE);
                Statement s = c.createStatement()) {
            s.execute(
                    "SELECT pg_create_logical_replication_slot('lakestream_ingestion', 'pgoutput')");
            s.execute("CREATE PUBLICATION lakestream_ingestion_pub FOR TABLE shop.orders");
            for (String statement : sql.split(";")) {
                if (!statement.isBlank()) {
                    s.execute(statement.replaceAll("--[^\n]*", ""));
                }
            }
        }
        try (Connection c = postgres.connect(DATABASE);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT (SELECT count(*) FROM pg_replication_slots"
                                        + " WHERE slot_name = 'lakestream_ingestion'),"
                                        + " (SELECT count(*) FROM pg_publication"
                                        + " WHERE pubname = 'lakestream_ingestion_pub')")) {
            rs.next();
            assertThat(rs.getLong(1)).as("slots left").isZero();
            assertThat(rs.getLong(2)).as("publications left").isZero();
        }
    }

    @Test
    void explicitPublicationNameIsUsed() throws Exception {
        Map<String, String> s = settings("named_pub", "shop.products");
        s.put("source.postgres.publication-name", "shop_products_changes");

        prepare(s);

        assertThat(publishedTables("shop_products_changes"))
                .containsExactly("public.lakestream_heartbeat", "shop.products");
        assertThat(publicationExists("named_pub_pub")).isFalse();
    }

    // --- the process a user actually starts -------------------------------------------------

    private record Exit(int code, String stdout, String stderr) {}

    /** Runs {@code IngestionJob.main} in a JVM of its own, as {@code flink run} would. */
    private static Exit runMain(String name, Map<String, String> settings) throws Exception {
        Path config = workDir.resolve(name + ".properties");
        Properties props = new Properties();
        props.putAll(settings);
        try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            props.store(out, name);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(IngestionJob.class.getName());
        command.add("--config");
        command.add(config.toString());
        Path stdout = workDir.resolve(name + ".out");
        Path stderr = workDir.resolve(name + ".err");
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("LAKESTREAM_"));
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(
                    "IngestionJob did not exit within 60 s; stderr: " + Files.readString(stderr));
        }
        return new Exit(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }

    @Test
    void mainFailsNamingAMissingSetting() throws Exception {
        Map<String, String> s = settings("main_missing", "shop.orders");
        s.remove("source.postgres.slot-name");

        Exit exit = runMain("missing-slot", s);

        // an exception, never System.exit: application mode fails the job instead of the JobManager
        assertThat(exit.code()).as(exit.stderr()).isEqualTo(1);
        assertThat(exit.stderr())
                .contains("lakestream: configuration error: source.postgres.slot-name is missing")
                .contains("LAKESTREAM_SOURCE_POSTGRES_SLOT_NAME")
                .contains("InvalidSettingException: source.postgres.slot-name is missing");
    }

    @Test
    void mainFailsNamingASecretInTheFile() throws Exception {
        Map<String, String> s = settings("main_secret", "shop.orders");
        s.put("source.postgres.password", "x");

        Exit exit = runMain("secret-in-file", s);

        // an exception, never System.exit: application mode fails the job instead of the JobManager
        assertThat(exit.code()).as(exit.stderr()).isEqualTo(1);
        assertThat(exit.stderr())
                .contains("source.postgres.password is a secret")
                .contains("LAKESTREAM_SOURCE_POSTGRES_PASSWORD");
    }

    @Test
    void mainFailsWhenCheckpointingIsOff() throws Exception {
        Map<String, String> s = settings("main_no_checkpoints", "shop.orders");
        s.remove("execution.checkpointing.interval");

        Exit exit = runMain("no-checkpoints", s);

        // an exception, never System.exit: application mode fails the job instead of the JobManager
        assertThat(exit.code()).as(exit.stderr()).isEqualTo(1);
        assertThat(exit.stderr())
                .contains("lakestream: configuration error: execution.checkpointing.interval");
        assertThat(publicationExists("main_no_checkpoints_pub")).isFalse();
    }
}
