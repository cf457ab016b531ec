package dev.lakestream.jobs.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.shop.ShopSchema;
import dev.lakestream.shop.workload.WorkloadConfig;
import dev.lakestream.shop.workload.WorkloadGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.iceberg.catalog.Catalog;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database password reaches no log. The IngestionJob reads PostgreSQL as a CDC user whose
 * password the server really checks (scram-sha-256 in pg_hba.conf, proven by a refused wrong
 * password), while the whole JVM logs at INFO through the logging configuration the Flink image
 * ships ({@code flink-jobs/conf/log4j-console.properties}) into a file and to stdout, which
 * Surefire captures into a file as well. Flink CDC 3.5 dumps the Debezium configuration with {@code
 * database.password} at INFO; the configuration raises that logger, and this test fails if it does
 * not.
 */
class IngestionLogSecretsITCase extends IngestionStackTestBase {

    private static final String CDC_USER = "lakestream_cdc";
    private static final Path IMAGE_LOGGING = Path.of("conf", "log4j-console.properties");

    @TempDir Path logs;

    @Test
    void thePasswordOfTheCdcUserAppearsInNoLogFileAndNotOnStdout() throws Exception {
        // distinctive, so that a match cannot be a coincidence
        String password = "pw-" + UUID.randomUUID().toString().replace("-", "");
        String db = "shop_log_secrets";
        WorkloadConfig workload =
                WorkloadConfig.builder()
                        .seed(11)
                        .stores(2)
                        .customers(30)
                        .products(20)
                        .initialOrders(40)
                        .build();
        IngestionTestStack.Baseline baseline = stack.seedShop(db, workload);
        createCdcUser(db, password);
        requirePassword();
        String url = stack.postgres.jdbcUrl(db);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThatThrownBy(
                                                () ->
                                                        DriverManager.getConnection(
                                                                        url, CDC_USER, "wrong")
                                                                .close())
                                        .as("the server checks the CDC user's password")
                                        .hasMessageContaining("password authentication failed"));
        DriverManager.getConnection(url, CDC_USER, password).close();

        Map<String, String> settings = stack.settings(db);
        settings.put("source.postgres.username", CDC_USER);
        settings.put("source.postgres.password", password);
        IngestionConfig config = IngestionConfig.fromMap(settings);

        Path logFile = logs.resolve("flink.log");
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        URI testLogging = logging.getConfigLocation();
        System.setProperty("log.file", logFile.toString());
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        System.setOut(new PrintStream(new Tee(originalOut, stdout), true));
        logging.setConfigLocation(IMAGE_LOGGING.toUri());
        followSystemOut(logging);
        try {
            var env = stack.environment(config);
            IngestionJob.prepare(env, config);
            JobID job = stack.flink.submit(env, config.jobName(), Optional.empty());
            Catalog catalog = stack.catalog(config);
            stack.awaitSnapshot(job, catalog, config, baseline);
            // the streaming phase opens a fetch task context of its own
            try (Connection c = stack.postgres.connect(db);
                    WorkloadGenerator generator = new WorkloadGenerator(c, workload.withSeed(12))) {
                generator.runTransactions(20);
            }
            long snapshot = baseline.rowCounts().values().stream().mapToLong(n -> n).sum();
            Awaitility.await()
                    .atMost(Duration.ofMinutes(2))
                    .untilAsserted(
                            () ->
                                    assertThat(committedRows(catalog, config))
                                            .as("bronze rows after streamed changes")
                                            .isGreaterThan(snapshot));
            stack.flink.cancel(job);
        } finally {
            logging.setConfigLocation(testLogging);
            System.setOut(originalOut);
            System.clearProperty("log.file");
        }

        List<Path> files;
        try (Stream<Path> found = Files.list(logs)) {
            files = found.toList();
        }
        assertThat(files).as("log files of the run").isNotEmpty();
        String logged = Files.readString(logFile);
        assertThat(logged)
                .as("the job logged at INFO into the file, Flink CDC included")
                .contains(" INFO ")
                .contains("org.apache.flink.cdc.");
        for (Path file : files) {
            assertThat(Files.readString(file)).as("%s", file).doesNotContain(password);
        }
        assertThat(stdout.toString(StandardCharsets.UTF_8))
                .as("stdout of the run")
                .contains("INFO  org.apache.flink.cdc.")
                .doesNotContain(password);
    }

    /**
     * Points the image configuration's console appender at {@code System.out} as it is now. Log4j
     * shares one stream per console target between configurations, so the appender would keep
     * writing to the stream the JVM started with (Surefire's), past the test's capture; the
     * replacement keeps the image's name, layout and filter and differs only in following {@code
     * System.out}.
     */
    private static void followSystemOut(LoggerContext logging) {
        Configuration configuration = logging.getConfiguration();
        ConsoleAppender image = configuration.getAppender("ConsoleAppender");
        assertThat(image).as("the image logs to the console").isNotNull();
        ConsoleAppender following =
                ConsoleAppender.newBuilder()
                        .setName(image.getName())
                        .setLayout(image.getLayout())
                        .setFilter(image.getFilter())
                        .setTarget(ConsoleAppender.Target.SYSTEM_OUT)
                        .setFollow(true)
                        .setConfiguration(configuration)
                        .build();
        following.start();
        LoggerConfig root = configuration.getRootLogger();
        root.removeAppender(image.getName());
        root.addAppender(following, null, null);
        logging.updateLoggers();
    }

    private static long committedRows(Catalog catalog, IngestionConfig config) {
        long rows = 0;
        for (String table : ShopSchema.TABLES) {
            rows += stack.committedRows(catalog, config, table);
        }
        return rows;
    }

    /** The CDC user of a real deployment (deploy/compose/shop-db-init.sh): no superuser. */
    private static void createCdcUser(String db, String password) throws SQLException {
        try (Connection c = stack.postgres.connect(db);
                Statement s = c.createStatement()) {
            s.execute(
                    "CREATE ROLE "
                            + CDC_USER
                            + " WITH LOGIN REPLICATION PASSWORD '"
                            + password
                            + "'");
            s.execute("GRANT USAGE ON SCHEMA shop TO " + CDC_USER);
            s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA shop TO " + CDC_USER);
            // the slot guardian's heartbeat table, made once by an administrator as in compose
            s.execute(
                    "CREATE TABLE public.lakestream_heartbeat"
                            + " (slot_name text PRIMARY KEY, beat_at timestamptz NOT NULL)");
            s.execute("GRANT SELECT, INSERT, UPDATE ON public.lakestream_heartbeat TO " + CDC_USER);
            s.execute(
                    "CREATE PUBLICATION lakestream_"
                            + db
                            + "_pub FOR TABLE "
                            + String.join(", ", ShopSchema.TABLES)
                            + ", public.lakestream_heartbeat");
        }
    }

    /** Writes to the console as before and into a buffer the test reads. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            first.flush();
            second.flush();
        }
    }

    /**
     * The embedded server trusts every local connection; the CDC user gets a password check in
     * front of those rules (pg_hba.conf is read top down, the first matching line decides).
     */
    private static void requirePassword() throws Exception {
        stack.prependHbaRules(
                "host all "
                        + CDC_USER
                        + " 127.0.0.1/32 scram-sha-256\n"
                        + "host replication "
                        + CDC_USER
                        + " 127.0.0.1/32 scram-sha-256\n");
    }
}
