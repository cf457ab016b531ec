package dev.lakestream.jobs.source.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/**
 * Reads one logical replication slot from {@code pg_replication_slots}, over a connection of its
 * own (application name {@code lakestream-slot-guardian}, so a DBA can tell it from Debezium's).
 */
public final class ReplicationSlots {

    public static final String APPLICATION_NAME = "lakestream-slot-guardian";

    private ReplicationSlots() {}

    /**
     * What the guardian needs to know about a slot.
     *
     * @param walStatus {@code reserved}, {@code extended}, {@code unreserved} or {@code lost}
     *     (PostgreSQL 13+); {@code lost} means the WAL the slot needs is gone for good
     * @param lagBytes {@code pg_current_wal_lsn() - confirmed_flush_lsn}: WAL the slot pins and the
     *     job has not confirmed yet; -1 when unknown (invalidated slot)
     * @param confirmedFlushLsn as PostgreSQL prints it, e.g. {@code 0/1A2B3C8}, or null
     */
    public record SlotStatus(String walStatus, long lagBytes, String confirmedFlushLsn) {

        public boolean lost() {
            return "lost".equals(walStatus);
        }

        /**
         * {@link #walStatus} as a number, for a gauge: 0 {@code reserved}, 1 {@code extended}, 2
         * {@code unreserved} (WAL is about to be removed), 3 {@code lost}, -1 unknown.
         */
        public int walStatusCode() {
            return walStatusCode(walStatus);
        }

        public static int walStatusCode(String walStatus) {
            if (walStatus == null) {
                return -1;
            }
            return switch (walStatus) {
                case "reserved" -> 0;
                case "extended" -> 1;
                case "unreserved" -> 2;
                case "lost" -> 3;
                default -> -1;
            };
        }
    }

    /** A connection for the guardian; the password goes to the driver only, never to a log. */
    public static Connection connect(PostgresSourceSettings settings) throws SQLException {
        Properties props = settings.jdbcProperties(APPLICATION_NAME);
        int timeoutSeconds = (int) Math.max(1, settings.connectTimeout().toSeconds());
        props.setProperty("socketTimeout", Integer.toString(Math.max(10, timeoutSeconds)));
        return DriverManager.getConnection(settings.jdbcUrl(), props);
    }

    /** The slot of this database by that name, or empty when it does not exist. */
    public static Optional<SlotStatus> find(Connection connection, String slotName)
            throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT wal_status, (pg_current_wal_lsn() - confirmed_flush_lsn)::bigint,"
                                + " confirmed_flush_lsn::text FROM pg_replication_slots"
                                + " WHERE slot_name = ? AND database = current_database()")) {
            ps.setString(1, slotName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long lag = rs.getLong(2);
                if (rs.wasNull()) {
                    lag = -1;
                }
                return Optional.of(new SlotStatus(rs.getString(1), lag, rs.getString(3)));
            }
        }
    }
}
