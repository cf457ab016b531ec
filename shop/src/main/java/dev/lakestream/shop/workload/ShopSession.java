package dev.lakestream.shop.workload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generator's JDBC session: one connection in manual-commit mode, its prepared statements
 * (prepared once, reused for every transaction), and what {@link #close()} owes the connection's
 * owner.
 */
final class ShopSession implements AutoCloseable {

    // the generator's logger: its log lines keep their name (and any log configuration for it)
    private static final Logger LOG = LoggerFactory.getLogger(WorkloadGenerator.class);

    private final Connection connection;
    private final boolean ownsConnection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private Boolean callerAutoCommit;

    /**
     * @param owns whether {@link #close()} closes the connection (else it restores auto-commit)
     */
    ShopSession(Connection connection, boolean owns) {
        this.connection = connection;
        this.ownsConnection = owns;
    }

    Connection connection() {
        return connection;
    }

    PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /** Switches to manual commit and names the session, once. */
    void prepare() throws SQLException {
        if (callerAutoCommit != null) {
            return;
        }
        callerAutoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            connection.setClientInfo("ApplicationName", "lakestream-workload");
        } catch (SQLClientInfoException e) {
            LOG.debug("driver does not take ApplicationName", e);
        }
    }

    void rollbackAfter(Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    void commit() throws SQLException {
        connection.commit();
    }

    void rollback() throws SQLException {
        connection.rollback();
    }

    /**
     * Closes the statements; restores the auto-commit setting of a caller's connection, or closes
     * the connection if the generator opened it.
     */
    @Override
    public void close() throws SQLException {
        SQLException failure = null;
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException e) {
                failure = e;
            }
        }
        statements.clear();
        try {
            if (ownsConnection) {
                connection.close();
            } else if (callerAutoCommit != null && !connection.isClosed()) {
                connection.setAutoCommit(callerAutoCommit);
            }
        } catch (SQLException e) {
            if (failure != null) {
                e.addSuppressed(failure);
            }
            throw e;
        }
        if (failure != null) {
            throw failure;
        }
    }
}
