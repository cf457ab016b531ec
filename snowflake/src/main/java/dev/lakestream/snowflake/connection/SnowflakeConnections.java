package dev.lakestream.snowflake.connection;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Connections to Snowflake through its JDBC driver with key-pair authentication, also as the {@link
 * DataSource} Flyway takes (Flyway's own URL/user/password set-up cannot pass a key).
 */
public final class SnowflakeConnections implements DataSource {

    private final SnowflakeSettings settings;
    private int loginTimeoutSeconds;

    public SnowflakeConnections(SnowflakeSettings settings) {
        this.settings = settings;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return DriverManager.getConnection(settings.jdbcUrl(), settings.connectionProperties());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("key-pair authentication only");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper of " + type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
