package dev.lakestream.jobs.source.postgres;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Settings of the PostgreSQL change-data-capture source ({@code source.postgres.*}). */
public final class PostgresSourceOptions {

    private PostgresSourceOptions() {}

    public static final ConfigOption<String> HOSTNAME =
            ConfigOptions.key("source.postgres.hostname")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Host of the PostgreSQL server to capture.");

    public static final ConfigOption<Integer> PORT =
            ConfigOptions.key("source.postgres.port")
                    .intType()
                    .defaultValue(5432)
                    .withDescription("Port of the PostgreSQL server.");

    public static final ConfigOption<String> DATABASE =
            ConfigOptions.key("source.postgres.database")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Database holding the captured tables.");

    public static final ConfigOption<String> USERNAME =
            ConfigOptions.key("source.postgres.username")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "User with REPLICATION and SELECT on the captured tables (and CREATE"
                                    + " on the database, to create the publication).");

    public static final ConfigOption<String> PASSWORD =
            ConfigOptions.key("source.postgres.password")
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "Secret: only from LAKESTREAM_SOURCE_POSTGRES_PASSWORD (or _FILE).");

    // a plain string split on commas: Flink's list options separate with ';', which surprises
    public static final ConfigOption<String> TABLES =
            ConfigOptions.key("source.postgres.tables")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Schema-qualified tables to capture, comma separated, e.g."
                                    + " shop.orders,shop.order_lines. Each needs a primary key.");

    public static final ConfigOption<String> SLOT_NAME =
            ConfigOptions.key("source.postgres.slot-name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Logical replication slot of this job alone (lower-case letters,"
                                    + " digits and _; at most 63 characters). Two jobs must never"
                                    + " share a slot.");

    public static final ConfigOption<String> PUBLICATION_NAME =
            ConfigOptions.key("source.postgres.publication-name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "pgoutput publication, created for the captured tables if missing."
                                    + " Default: <slot-name>_pub.");

    public static final ConfigOption<Duration> HEARTBEAT_INTERVAL =
            ConfigOptions.key("source.postgres.heartbeat-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "How often the source reports progress while the captured tables are"
                                    + " idle, so that the slot does not pin WAL.");

    public static final ConfigOption<String> HEARTBEAT_TABLE =
            ConfigOptions.key("source.postgres.heartbeat-table")
                    .stringType()
                    .defaultValue("public.lakestream_heartbeat")
                    .withDescription(
                            "Schema-qualified table the source writes one row per slot to at every"
                                    + " heartbeat (Debezium's heartbeat.action.query). It is added"
                                    + " to the publication, so the slot's confirmed_flush_lsn"
                                    + " moves even when the captured tables are idle and other"
                                    + " tables fill the WAL; its rows never reach bronze. Created"
                                    + " if missing.");

    public static final ConfigOption<Duration> SLOT_CHECK_INTERVAL =
            ConfigOptions.key("source.postgres.slot-check-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "How often the running job checks its replication slot in"
                                    + " pg_replication_slots: a dropped or invalidated slot"
                                    + " (wal_status 'lost') fails the job, and the slot's lag in"
                                    + " bytes is published as the gauge replicationSlotLagBytes.");

    public static final ConfigOption<OnMissingSlot> ON_MISSING_SLOT =
            ConfigOptions.key("source.postgres.on-missing-slot")
                    .enumType(OnMissingSlot.class)
                    .defaultValue(OnMissingSlot.FAIL)
                    .withDescription(
                            "What a job resuming from a checkpoint or savepoint does when its slot"
                                    + " is gone or invalidated (the WAL since the checkpoint is"
                                    + " lost). FAIL: refuse to start, naming the slot. RESNAPSHOT:"
                                    + " drop the source's position, create the slot and snapshot"
                                    + " every captured table again into bronze; silver takes the"
                                    + " new rows by LSN. Rows deleted while the slot was missing"
                                    + " stay in silver. Needs startup-mode INITIAL.");

    public static final ConfigOption<Integer> SPLIT_SIZE =
            ConfigOptions.key("source.postgres.snapshot.split-size")
                    .intType()
                    .defaultValue(8096)
                    .withDescription("Rows per incremental-snapshot chunk.");

    public static final ConfigOption<Integer> FETCH_SIZE =
            ConfigOptions.key("source.postgres.snapshot.fetch-size")
                    .intType()
                    .defaultValue(1024)
                    .withDescription("JDBC fetch size while reading a snapshot chunk.");

    public static final ConfigOption<Boolean> SKIP_SNAPSHOT_BACKFILL =
            ConfigOptions.key("source.postgres.snapshot.skip-backfill")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Skip the WAL back-fill of each snapshot chunk: faster, at-least-once"
                                    + " for rows changed while their chunk is read (bronze may then"
                                    + " hold a change twice, which silver's LSN ordering absorbs).");

    public static final ConfigOption<StartupMode> STARTUP_MODE =
            ConfigOptions.key("source.postgres.startup-mode")
                    .enumType(StartupMode.class)
                    .defaultValue(StartupMode.INITIAL)
                    .withDescription(
                            "INITIAL: snapshot the tables, then stream. LATEST_OFFSET: stream"
                                    + " only changes from now on.");

    public static final ConfigOption<Duration> CONNECT_TIMEOUT =
            ConfigOptions.key("source.postgres.connect-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription("Time-out for connecting to PostgreSQL.");

    public static final ConfigOption<String> SSL_MODE =
            ConfigOptions.key("source.postgres.ssl-mode")
                    .stringType()
                    .defaultValue("disable")
                    .withDescription(
                            "TLS to PostgreSQL, for the replication connection and the start-up"
                                    + " checks: disable, require (encrypted, server not"
                                    + " verified), verify-ca (certificate signed by ssl-root-cert)"
                                    + " or verify-full (and the host name matches it).");

    public static final ConfigOption<String> SSL_ROOT_CERT =
            ConfigOptions.key("source.postgres.ssl-root-cert")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "PEM file of the certificate authority that signed the server's"
                                    + " certificate; required by verify-ca and verify-full.");

    /** The TLS modes, as libpq, pgjdbc and Debezium name them. */
    public static final List<String> SSL_MODES =
            List.of("disable", "require", "verify-ca", "verify-full");

    /** What a resumed job does when the slot its checkpoint reads from is gone. */
    public enum OnMissingSlot {
        FAIL,
        RESNAPSHOT
    }

    /** Where a job without a checkpoint starts reading. */
    public enum StartupMode {
        INITIAL,
        LATEST_OFFSET
    }

    public static List<ConfigOption<?>> all() {
        return List.of(
                HOSTNAME,
                PORT,
                DATABASE,
                USERNAME,
                PASSWORD,
                TABLES,
                SLOT_NAME,
                PUBLICATION_NAME,
                HEARTBEAT_INTERVAL,
                HEARTBEAT_TABLE,
                SLOT_CHECK_INTERVAL,
                ON_MISSING_SLOT,
                SPLIT_SIZE,
                FETCH_SIZE,
                SKIP_SNAPSHOT_BACKFILL,
                STARTUP_MODE,
                CONNECT_TIMEOUT,
                SSL_MODE,
                SSL_ROOT_CERT);
    }
}
