package dev.lakestream.connect.replay;

import dev.lakestream.snowflake.channel.ChannelOffsetTokens;
import dev.lakestream.snowflake.connection.SnowflakeConnections;
import dev.lakestream.snowflake.connection.SnowflakeSettings;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Resets channel offset tokens in Snowflake through JDBC with key-pair authentication, as the
 * replaying operator (whose role needs INSERT on the landing table), configured from the
 * environment like the Snowflake CLI.
 */
public final class SnowflakeChannelTokenReset implements ChannelTokenReset {

    private final SnowflakeSettings settings;

    public SnowflakeChannelTokenReset(SnowflakeSettings settings) {
        this.settings = settings;
    }

    @Override
    public int reset(ReplayPlan.ChannelReset reset) {
        try (Connection connection = new SnowflakeConnections(settings).getConnection()) {
            return new ChannelOffsetTokens(connection)
                    .reset(
                            settings.database(),
                            settings.schema(),
                            reset.table(),
                            reset.topic(),
                            reset.partition(),
                            reset.offsetToken());
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Snowflake refused the channel reset of "
                            + reset.topic()
                            + "-"
                            + reset.partition()
                            + " in "
                            + reset.table()
                            + ": "
                            + e.getMessage()
                            + " (the connector stays stopped; run the same replay again)",
                    e);
        }
    }
}
