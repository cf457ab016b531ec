package dev.lakestream.jobs.source.postgres;

import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.jobs.config.JobSettings;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The validated settings of the PostgreSQL source. Construction checks every value, so a bad one
 * stops start-up with a message naming its key rather than failing deep inside Debezium.
 */
public record PostgresSourceSettings(
        String hostname,
        int port,
        String database,
        String username,
        String password,
        List<String> tables,
        String slotName,
        String publicationName,
        Duration heartbeatInterval,
        String heartbeatTable,
        Duration slotCheckInterval,
        PostgresSourceOptions.OnMissingSlot onMissingSlot,
        int splitSize,
        int fetchSize,
        boolean skipSnapshotBackfill,
        PostgresSourceOptions.StartupMode startupMode,
        Duration connectTimeout,
        String sslMode,
        String sslRootCert)
        implements Serializable {

    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");
    private static final Pattern QUALIFIED_TABLE =
            Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*\\.[A-Za-z_][A-Za-z0-9_$]*");

    public static PostgresSourceSettings from(JobSettings settings) {
        String slot = settings.require(PostgresSourceOptions.SLOT_NAME);
        if (!SLOT_NAME.matcher(slot).matches()) {
            throw new InvalidSettingException(
                    PostgresSourceOptions.SLOT_NAME.key(),
                    "'"
                            + slot
                            + "' is not a valid replication slot name: use 1-63 lower-case"
                            + " letters, digits or _");
        }
        List<String> tables =
                java.util.Arrays.stream(settings.require(PostgresSourceOptions.TABLES).split(","))
                        .map(String::trim)
                        .filter(t -> !t.isEmpty())
                        .distinct()
                        .toList();
        if (tables.isEmpty()) {
            throw new InvalidSettingException(
                    PostgresSourceOptions.TABLES.key(),
                    "names no table: list schema.table entries, comma separated");
        }
        for (String table : tables) {
            if (!QUALIFIED_TABLE.matcher(table.trim()).matches()) {
                throw new InvalidSettingException(
                        PostgresSourceOptions.TABLES.key(),
                        "entry '" + table + "' is not schema.table");
            }
        }
        int port = settings.get(PostgresSourceOptions.PORT);
        if (port < 1 || port > 65535) {
            throw new InvalidSettingException(
                    PostgresSourceOptions.PORT.key(), "must be 1-65535, was " + port);
        }
        String publication = settings.get(PostgresSourceOptions.PUBLICATION_NAME);
        if (publication == null || publication.isBlank()) {
            publication = slot + "_pub";
        }
        Duration heartbeat = settings.get(PostgresSourceOptions.HEARTBEAT_INTERVAL);
        if (heartbeat.isZero() || heartbeat.isNegative()) {
            throw new InvalidSettingException(
                    PostgresSourceOptions.HEARTBEAT_INTERVAL.key(),
                    "must be positive: without a heartbeat an idle slot pins WAL forever");
        }
        String heartbeatTable = settings.get(PostgresSourceOptions.HEARTBEAT_TABLE).trim();
        if (!QUALIFIED_TABLE.matcher(heartbeatTable).matches()) {
            throw new InvalidSettingException(
                    PostgresSourceOptions.HEARTBEAT_TABLE.key(),
                    "'" + heartbeatTable + "' is not schema.table");
        }
        if (tables.contains(heartbeatTable)) {
            throw new InvalidSettingException(
                    PostgresSourceOptions.HEARTBEAT_TABLE.key(),
                    "'"
                            + heartbeatTable
                            + "' is also listed in "
                            + PostgresSourceOptions.TABLES.key()
                            + ": heartbeats are not data; pick a table of their own");
        }
        Duration slotCheck = settings.get(PostgresSourceOptions.SLOT_CHECK_INTERVAL);
        if (slotCheck.toMillis() < 100) {
            throw new InvalidSettingException(
                    PostgresSourceOptions.SLOT_CHECK_INTERVAL.key(),
                    "must be at least 100 ms, was " + slotCheck);
        }
        PostgresSourceOptions.OnMissingSlot onMissingSlot =
                settings.get(PostgresSourceOptions.ON_MISSING_SLOT);
        if (onMissingSlot == PostgresSourceOptions.OnMissingSlot.RESNAPSHOT
                && settings.get(PostgresSourceOptions.STARTUP_MODE)
                        != PostgresSourceOptions.StartupMode.INITIAL) {
            throw new InvalidSettingException(
                    PostgresSourceOptions.ON_MISSING_SLOT.key(),
                    "RESNAPSHOT needs "
                            + PostgresSourceOptions.STARTUP_MODE.key()
                            + "=INITIAL: with LATEST_OFFSET a lost slot would silently resume"
                            + " at the newest change");
        }
        int splitSize = settings.get(PostgresSourceOptions.SPLIT_SIZE);
        if (splitSize < 1) {
            throw new InvalidSettingException(
                    PostgresSourceOptions.SPLIT_SIZE.key(), "must be positive, was " + splitSize);
        }
        int fetchSize = settings.get(PostgresSourceOptions.FETCH_SIZE);
        if (fetchSize < 1) {
            throw new InvalidSettingException(
                    PostgresSourceOptions.FETCH_SIZE.key(), "must be positive, was " + fetchSize);
        }
        String sslMode =
                settings.get(PostgresSourceOptions.SSL_MODE).trim().toLowerCase(Locale.ROOT);
        if (!PostgresSourceOptions.SSL_MODES.contains(sslMode)) {
            throw new InvalidSettingException(
                    PostgresSourceOptions.SSL_MODE.key(),
                    "'" + sslMode + "' is not one of " + PostgresSourceOptions.SSL_MODES);
        }
        String rootCert = settings.get(PostgresSourceOptions.SSL_ROOT_CERT);
        if (sslMode.startsWith("verify-")) {
            if (rootCert == null || rootCert.isBlank()) {
                throw new InvalidSettingException(
                        PostgresSourceOptions.SSL_ROOT_CERT.key(),
                        "is missing: "
                                + PostgresSourceOptions.SSL_MODE.key()
                                + "="
                                + sslMode
                                + " verifies the server against it");
            }
            if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(rootCert))) {
                throw new InvalidSettingException(
                        PostgresSourceOptions.SSL_ROOT_CERT.key(),
                        "'" + rootCert + "' is not a readable file");
            }
        }
        return new PostgresSourceSettings(
                settings.require(PostgresSourceOptions.HOSTNAME),
                port,
                settings.require(PostgresSourceOptions.DATABASE),
                settings.require(PostgresSourceOptions.USERNAME),
                settings.get(PostgresSourceOptions.PASSWORD),
                tables.stream().map(String::trim).toList(),
                slot,
                publication,
                heartbeat,
                heartbeatTable,
                slotCheck,
                onMissingSlot,
                splitSize,
                fetchSize,
                settings.get(PostgresSourceOptions.SKIP_SNAPSHOT_BACKFILL),
                settings.get(PostgresSourceOptions.STARTUP_MODE),
                settings.get(PostgresSourceOptions.CONNECT_TIMEOUT),
                sslMode,
                rootCert);
    }

    /**
     * Connection properties of the job's own JDBC connections (start-up checks, slot checks):
     * credentials, time-outs and TLS.
     */
    public java.util.Properties jdbcProperties(String applicationName) {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", username);
        props.setProperty("password", password);
        int timeoutSeconds = (int) Math.max(1, connectTimeout.toSeconds());
        props.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
        props.setProperty("loginTimeout", Integer.toString(timeoutSeconds));
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("sslmode", sslMode);
        if (sslRootCert != null && !sslRootCert.isBlank()) {
            props.setProperty("sslrootcert", sslRootCert);
        }
        return props;
    }

    /** The TLS settings of Debezium's connections (replication and schema queries). */
    public void putDebeziumTls(java.util.Properties debezium) {
        debezium.setProperty("database.sslmode", sslMode);
        if (sslRootCert != null && !sslRootCert.isBlank()) {
            debezium.setProperty("database.sslrootcert", sslRootCert);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + hostname + ":" + port + "/" + database;
    }

    /** Never print the password. */
    @Override
    public String toString() {
        return "postgres://"
                + username
                + "@"
                + hostname
                + ":"
                + port
                + "/"
                + database
                + " tables="
                + tables
                + " slot="
                + slotName
                + " publication="
                + publicationName;
    }
}
