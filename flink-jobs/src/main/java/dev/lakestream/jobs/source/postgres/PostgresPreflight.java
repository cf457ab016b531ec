package dev.lakestream.jobs.source.postgres;

import dev.lakestream.catalog.InvalidSettingException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before the job is submitted, what would otherwise fail minutes later deep inside
 * Debezium: the server is reachable with these credentials, {@code wal_level} is {@code logical},
 * and every captured table exists and has a primary key. It also reads each table's {@code REPLICA
 * IDENTITY}, which decides how much of a before image is real data.
 *
 * <p>For the replication-slot guardian it also creates the heartbeat table and publishes it with
 * the captured tables, refuses an invalidated slot (it can never be read again), and warns when
 * {@code max_slot_wal_keep_size} leaves a stalled slot free to fill the server's disk.
 */
public final class PostgresPreflight {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresPreflight.class);

    private PostgresPreflight() {}

    /** What the job needs to know about one captured table. */
    public record CapturedTable(String name, List<String> primaryKey, boolean fullBeforeImage)
            implements java.io.Serializable {}

    public static Map<String, CapturedTable> check(PostgresSourceSettings settings) {
        Properties props = settings.jdbcProperties("lakestream-preflight");
        try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), props)) {
            checkWalLevel(connection);
            Map<String, CapturedTable> tables = new LinkedHashMap<>();
            for (String table : settings.tables()) {
                tables.put(table, describe(connection, table));
            }
            ensureHeartbeatTable(connection, settings);
            ensurePublication(connection, settings);
            refuseLostSlot(connection, settings);
            warnOnUnlimitedSlotWal(connection);
            return tables;
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            String message = String.valueOf(e.getMessage());
            if (tlsFailure(e)) {
                throw new InvalidSettingException(
                        PostgresSourceOptions.SSL_MODE.key(),
                        "("
                                + settings.sslMode()
                                + ") and "
                                + PostgresSourceOptions.SSL_ROOT_CERT.key()
                                + ": TLS to PostgreSQL at "
                                + settings.hostname()
                                + ":"
                                + settings.port()
                                + " failed ("
                                + message
                                + ")",
                        e);
            }
            if (message.contains("no encryption")) {
                throw new InvalidSettingException(
                        PostgresSourceOptions.SSL_MODE.key(),
                        "is "
                                + settings.sslMode()
                                + ", but the server accepts this user only over TLS ("
                                + message
                                + ")",
                        e);
            }
            if (state.startsWith("08")) {
                throw new InvalidSettingException(
                        PostgresSourceOptions.HOSTNAME.key(),
                        "and "
                                + PostgresSourceOptions.PORT.key()
                                + ": cannot connect to PostgreSQL at "
                                + settings.hostname()
                                + ":"
                                + settings.port()
                                + " ("
                                + e.getMessage()
                                + ")",
                        e);
            }
            if (state.equals("28P01") || state.equals("28000")) {
                throw new InvalidSettingException(
                        PostgresSourceOptions.USERNAME.key(),
                        "and "
                                + PostgresSourceOptions.PASSWORD.key()
                                + ": PostgreSQL refused the login ("
                                + e.getMessage()
                                + ")",
                        e);
            }
            if (state.equals("3D000")) {
                throw new InvalidSettingException(
                        PostgresSourceOptions.DATABASE.key(),
                        "'" + settings.database() + "' does not exist on the server",
                        e);
            }
            throw new IllegalStateException(
                    "PostgreSQL pre-flight check failed: " + e.getMessage(), e);
        }
    }

    /**
     * Creates the job's publication for exactly the captured tables, or adds the tables it is
     * missing. Done here rather than by Debezium's {@code publication.autocreate.mode=filtered},
     * which fails inside Flink CDC's snapshot back-fill tasks ("No table filters found").
     */
    private static void ensurePublication(Connection connection, PostgresSourceSettings settings)
            throws SQLException {
        String publication = settings.publicationName();
        if (!publication.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new InvalidSettingException(
                    PostgresSourceOptions.PUBLICATION_NAME.key(),
                    "'" + publication + "' must be 1-63 lower-case letters, digits or _");
        }
        java.util.Set<String> published = new java.util.HashSet<>();
        boolean exists;
        try (PreparedStatement ps =
                connection.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        if (exists) {
            try (PreparedStatement ps =
                    connection.prepareStatement(
                            "SELECT schemaname || '.' || tablename FROM pg_publication_tables"
                                    + " WHERE pubname = ?")) {
                ps.setString(1, publication);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        published.add(rs.getString(1));
                    }
                }
            }
        }
        List<String> wanted = new ArrayList<>(settings.tables());
        wanted.add(settings.heartbeatTable());
        List<String> missing = wanted.stream().filter(t -> !published.contains(t)).toList();
        if (missing.isEmpty()) {
            return;
        }
        String tableList =
                String.join(
                        ", ",
                        missing.stream()
                                .map(
                                        t -> {
                                            String[] p = t.split("\\.", 2);
                                            return quote(p[0]) + "." + quote(p[1]);
                                        })
                                .toList());
        String sql =
                exists
                        ? "ALTER PUBLICATION " + publication + " ADD TABLE " + tableList
                        : "CREATE PUBLICATION " + publication + " FOR TABLE " + tableList;
        try (var s = connection.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            String quotedTables =
                    String.join(
                            ", ", wanted.stream().map(PostgresPreflight::quoteQualified).toList());
            throw new InvalidSettingException(
                    PostgresSourceOptions.PUBLICATION_NAME.key(),
                    "'"
                            + publication
                            + "' could not be "
                            + (exists ? "extended" : "created")
                            + " ("
                            + e.getMessage()
                            + "). PostgreSQL lets a role "
                            + (exists
                                    ? "ALTER PUBLICATION ... ADD TABLE only if it owns the"
                                            + " publication and every table added"
                                    : "CREATE PUBLICATION ... FOR TABLE only with the CREATE"
                                            + " privilege on the database and ownership of every"
                                            + " listed table")
                            + ". Either run this once as a superuser (the job then finds the"
                            + " publication complete and needs no such rights): "
                            + sql
                            + "; or give "
                            + quote(settings.username())
                            + " those rights: "
                            + (exists
                                    ? "ALTER PUBLICATION " + publication + " OWNER TO "
                                    : "GRANT CREATE ON DATABASE "
                                            + quote(settings.database())
                                            + " TO ")
                            + quote(settings.username())
                            + ", and ALTER TABLE ... OWNER TO "
                            + quote(settings.username())
                            + " for each of "
                            + quotedTables,
                    e);
        }
    }

    /**
     * The table the source's heartbeat writes to ({@code heartbeat.action.query}); it is published
     * so that those writes reach the slot, and filtered out by Debezium's table list, so they never
     * reach bronze.
     */
    private static void ensureHeartbeatTable(Connection connection, PostgresSourceSettings settings)
            throws SQLException {
        String table = settings.heartbeatTable();
        String[] parts = table.split("\\.", 2);
        // look first: CREATE ... IF NOT EXISTS still needs the CREATE privilege, which a CDC user
        // given a ready-made table (see deploy/compose/shop-db-init.sh) does not have
        try (PreparedStatement ps =
                connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, quoteQualified(table));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return;
                }
            }
        }
        String ddl =
                "CREATE TABLE IF NOT EXISTS "
                        + quoteQualified(table)
                        + " (slot_name text PRIMARY KEY, beat_at timestamptz NOT NULL)";
        try (var s = connection.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + quote(parts[0]));
            s.execute(ddl);
        } catch (SQLException e) {
            throw new InvalidSettingException(
                    PostgresSourceOptions.HEARTBEAT_TABLE.key(),
                    "'"
                            + table
                            + "' does not exist and could not be created ("
                            + e.getMessage()
                            + "); create it once as a user allowed to, and let this user"
                            + " insert and update it: "
                            + ddl,
                    e);
        }
    }

    /** An invalidated slot can never stream again, checkpoint or not. */
    private static void refuseLostSlot(Connection connection, PostgresSourceSettings settings)
            throws SQLException {
        var slot = ReplicationSlots.find(connection, settings.slotName());
        if (slot.isPresent() && slot.get().lost()) {
            throw new IllegalStateException(
                    SlotGuardedSource.lost(settings, "this job's last position"));
        }
    }

    private static void warnOnUnlimitedSlotWal(Connection connection) throws SQLException {
        if (connection.getMetaData().getDatabaseMajorVersion() < 13) {
            return; // the setting (and wal_status) arrived in PostgreSQL 13
        }
        try (var s = connection.createStatement();
                ResultSet rs = s.executeQuery("SHOW max_slot_wal_keep_size")) {
            if (rs.next() && "-1".equals(rs.getString(1).trim())) {
                LOG.warn(
                        "PostgreSQL max_slot_wal_keep_size is -1 (unlimited): while this job is"
                                + " stopped or stuck, its replication slot keeps every WAL segment"
                                + " and can fill the server's disk. Consider a limit (e.g. 10GB):"
                                + " a slot that lags past it is invalidated, and the job then"
                                + " refuses to resume rather than skip changes.");
            }
        }
    }

    /** {@code schema.table} as a quoted identifier pair. */
    static String quoteQualified(String table) {
        String[] parts = table.split("\\.", 2);
        return quote(parts[0]) + "." + quote(parts[1]);
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static void checkWalLevel(Connection connection) throws SQLException {
        try (var s = connection.createStatement();
                ResultSet rs = s.executeQuery("SHOW wal_level")) {
            rs.next();
            String level = rs.getString(1);
            if (!"logical".equals(level)) {
                throw new IllegalStateException(
                        "PostgreSQL wal_level is '"
                                + level
                                + "'; change data capture needs wal_level=logical (set it in"
                                + " postgresql.conf and restart the server)");
            }
        }
    }

    private static CapturedTable describe(Connection connection, String table) throws SQLException {
        String[] parts = table.split("\\.", 2);
        char replicaIdentity;
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT c.relreplident FROM pg_class c JOIN pg_namespace n ON n.oid ="
                                + " c.relnamespace WHERE n.nspname = ? AND c.relname = ? AND"
                                + " c.relkind IN ('r','p')")) {
            ps.setString(1, parts[0]);
            ps.setString(2, parts[1]);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new InvalidSettingException(
                            PostgresSourceOptions.TABLES.key(),
                            "names " + table + ", which does not exist in the database");
                }
                replicaIdentity = rs.getString(1).charAt(0);
            }
        }
        List<String> key = new ArrayList<>();
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
                                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                                + " JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)"
                                + " ON true JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum"
                                + " = k.attnum WHERE n.nspname = ? AND c.relname = ? AND"
                                + " i.indisprimary ORDER BY k.ord")) {
            ps.setString(1, parts[0]);
            ps.setString(2, parts[1]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    key.add(rs.getString(1));
                }
            }
        }
        if (key.isEmpty()) {
            throw new InvalidSettingException(
                    PostgresSourceOptions.TABLES.key(),
                    "names "
                            + table
                            + ", which has no primary key; lakestream needs one to order"
                            + " and upsert changes per row");
        }
        if (replicaIdentity == 'n') {
            throw new InvalidSettingException(
                    PostgresSourceOptions.TABLES.key(),
                    "names "
                            + table
                            + " with REPLICA IDENTITY NOTHING: its updates and deletes cannot be"
                            + " captured; use DEFAULT or FULL");
        }
        return new CapturedTable(table, List.copyOf(key), replicaIdentity == 'f');
    }

    /** A failed TLS handshake or certificate check, or a server without TLS. */
    static boolean tlsFailure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException
                    || t instanceof java.security.cert.CertificateException) {
                return true;
            }
            String m = String.valueOf(t.getMessage());
            if (m.contains("SSL") || m.contains("does not support SSL")) {
                return true;
            }
        }
        return false;
    }
}
