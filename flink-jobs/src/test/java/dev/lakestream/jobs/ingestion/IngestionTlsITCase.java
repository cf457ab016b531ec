package dev.lakestream.jobs.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.shop.workload.WorkloadConfig;
import dev.lakestream.shop.workload.WorkloadGenerator;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobID;
import org.apache.iceberg.catalog.Catalog;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to PostgreSQL ({@code source.postgres.ssl-mode}). The embedded server gets a certificate made
 * at test time and {@code ssl=on}, and pg_hba.conf rejects the CDC user on any connection without
 * TLS, so every connection the job opens (start-up checks, slot checks, Debezium's replication and
 * query connections, Flink CDC's snapshot pool) must be encrypted for the job to run at all.
 * verify-full against the right root certificate streams changes into bronze; a wrong root
 * certificate, or TLS turned off, stops start-up with a message naming the key.
 */
class IngestionTlsITCase extends IngestionStackTestBase {

    private static final String TLS_USER = "lakestream_tls";
    private static final String PASSWORD = "tls-user-password";

    @TempDir Path dir;

    @Test
    void verifyFullStreamsOverTlsAndABadCertificateOrNoTlsStopsStartUp() throws Exception {
        TestCertificates server = TestCertificates.create(dir, "server");
        TestCertificates stranger = TestCertificates.create(dir.resolve("other"), "stranger");
        String db = "shop_tls";
        WorkloadConfig workload =
                WorkloadConfig.builder()
                        .seed(21)
                        .stores(2)
                        .customers(20)
                        .products(10)
                        .initialOrders(20)
                        .build();
        IngestionTestStack.Baseline baseline = stack.seedShop(db, workload);
        enableTls(server);

        Map<String, String> settings = stack.settings(db);
        settings.put("source.postgres.username", TLS_USER);
        settings.put("source.postgres.password", PASSWORD);
        settings.put("source.postgres.slot-name", "lakestream_tls");

        settings.put("source.postgres.ssl-mode", "disable");
        assertThatThrownBy(() -> prepare(settings))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("source.postgres.ssl-mode is disable, but the server")
                .hasMessageContaining("no encryption");

        settings.put("source.postgres.ssl-mode", "verify-full");
        settings.put("source.postgres.ssl-root-cert", stranger.certificate().toString());
        assertThatThrownBy(() -> prepare(settings))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(
                        "source.postgres.ssl-mode (verify-full) and source.postgres.ssl-root-cert:"
                                + " TLS to PostgreSQL at 127.0.0.1");

        settings.put("source.postgres.ssl-root-cert", server.certificate().toString());
        IngestionConfig config = IngestionConfig.fromMap(settings);
        var env = stack.environment(config);
        IngestionJob.prepare(env, config);
        JobID job = stack.flink.submit(env, config.jobName(), Optional.empty());
        Catalog catalog = stack.catalog(config);
        stack.awaitSnapshot(job, catalog, config, baseline);
        long snapshot = baseline.rowCounts().values().stream().mapToLong(n -> n).sum();
        try (Connection c = stack.postgres.connect(db);
                WorkloadGenerator generator = new WorkloadGenerator(c, workload.withSeed(22))) {
            generator.runTransactions(10);
        }
        Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(job);
                            long rows = 0;
                            for (String table : dev.lakestream.shop.ShopSchema.TABLES) {
                                rows += stack.committedRows(catalog, config, table);
                            }
                            assertThat(rows)
                                    .as("bronze rows after streamed changes")
                                    .isGreaterThan(snapshot);
                        });
        try (Connection c = stack.postgres.connect("postgres");
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT a.backend_type, s.ssl FROM pg_stat_activity a"
                                        + " JOIN pg_stat_ssl s USING (pid)"
                                        + " WHERE a.usename = '"
                                        + TLS_USER
                                        + "'")) {
            boolean walsender = false;
            while (rs.next()) {
                assertThat(rs.getBoolean("ssl")).as(rs.getString("backend_type")).isTrue();
                walsender |= rs.getString("backend_type").equals("walsender");
            }
            assertThat(walsender).as("the replication connection is among them").isTrue();
        }
        stack.flink.cancel(job);
    }

    private static void prepare(Map<String, String> settings) {
        IngestionConfig config = IngestionConfig.fromMap(settings);
        IngestionJob.prepare(stack.environment(config), config);
    }

    /** ssl=on with the certificate; the TLS user may connect over TLS only. */
    private static void enableTls(TestCertificates server) throws Exception {
        try (Connection c = stack.postgres.connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("ALTER SYSTEM SET ssl_cert_file = '" + server.certificate() + "'");
            s.execute("ALTER SYSTEM SET ssl_key_file = '" + server.key() + "'");
            s.execute("ALTER SYSTEM SET ssl = on");
            s.execute(
                    "CREATE ROLE "
                            + TLS_USER
                            + " LOGIN REPLICATION SUPERUSER PASSWORD '"
                            + PASSWORD
                            + "'");
            s.execute("SELECT pg_reload_conf()");
        }
        stack.prependHbaRules(
                "hostnossl all "
                        + TLS_USER
                        + " 127.0.0.1/32 reject\n"
                        + "hostnossl replication "
                        + TLS_USER
                        + " 127.0.0.1/32 reject\n"
                        + "hostssl all "
                        + TLS_USER
                        + " 127.0.0.1/32 scram-sha-256\n"
                        + "hostssl replication "
                        + TLS_USER
                        + " 127.0.0.1/32 scram-sha-256\n");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> {
                            try (Connection c = stack.postgres.connect("postgres");
                                    Statement s = c.createStatement();
                                    ResultSet rs = s.executeQuery("SHOW ssl")) {
                                rs.next();
                                assertThat(rs.getString(1)).isEqualTo("on");
                            }
                        });
    }
}
