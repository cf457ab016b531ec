package dev.lakestream.connect.replay;

import dev.lakestream.snowflake.channel.ChannelOffsetTokens;
import dev.lakestream.snowflake.channel.ChannelOffsetTokens.Channel;
import dev.lakestream.snowflake.connection.SnowflakeConnections;
import dev.lakestream.snowflake.connection.SnowflakeSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Lists channels and sets their offset tokens in Snowflake through JDBC with key-pair
 * authentication, as the replaying operator (whose role needs INSERT on the landing table),
 * configured from the environment like the Snowflake CLI. Thin on purpose: one connection and one
 * statement per call, no decisions.
 */
public final class SnowflakeChannelTokenReset implements ChannelTokenReset {

    private final SnowflakeSettings settings;

    public SnowflakeChannelTokenReset(SnowflakeSettings settings) {
        this.settings = settings;
    }

    @Override
    public List<Channel> channels(String table) {
        try (Connection connection = login()) {
            return new ChannelOffsetTokens(connection)
                    .channels(settings.database(), settings.schema(), table);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Snowflake refused SHOW CHANNELS IN TABLE "
                            + qualified(table)
                            + ": "
                            + e.getMessage()
                            + " (check that the table exists in SNOWFLAKE_DATABASE."
                            + "SNOWFLAKE_SCHEMA and that the role of "
                            + settings.user()
                            + " may see it)",
                    e);
        }
    }

    @Override
    public void setOffsetToken(String table, String channel, long offsetToken) {
        try (Connection connection = login()) {
            new ChannelOffsetTokens(connection)
                    .setOffsetToken(
                            settings.database(), settings.schema(), table, channel, offsetToken);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Snowflake refused to set the offset token of channel "
                            + channel
                            + " of "
                            + qualified(table)
                            + " to "
                            + offsetToken
                            + ": "
                            + e.getMessage()
                            + " (the role of "
                            + settings.user()
                            + " needs INSERT on the table)",
                    e);
        }
    }

    private Connection login() {
        try {
            return new SnowflakeConnections(settings).getConnection();
        } catch (SQLException e) {
            // the driver's message names the account and the reason, never the key
            throw new IllegalStateException(
                    "Snowflake login failed ("
                            + settings
                            + "): "
                            + e.getMessage()
                            + " (check SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER and the key in"
                            + " SNOWFLAKE_PRIVATE_KEY[_FILE], whose public key must be set on"
                            + " the user)",
                    e);
        }
    }

    private String qualified(String table) {
        return settings.database() + "." + settings.schema() + "." + table;
    }
}
