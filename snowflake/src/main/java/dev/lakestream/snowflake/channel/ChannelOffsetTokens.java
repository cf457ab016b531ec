package dev.lakestream.snowflake.channel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Snowpipe Streaming channels of a table and their offset tokens: what the Snowflake Kafka
 * connector resumes from. A replay must set them, or the connector skips what it already loaded
 * whatever its consumer group says.
 *
 * <p>The connector (2.x, checked against 2.5.0's {@code
 * SnowflakeSinkServiceV2.partitionChannelKey}) names a partition's channel {@code
 * <topic>_<partition>}. Releases 2.1.x could use {@code <connector>_<topic>_<partition>} instead;
 * 2.5.0 still finds such a channel, moves its token to the first form and drops it ({@code
 * enable.streaming.channel.offset.migration}). Both names are matched exactly (Snowflake reports
 * channel names upper-case, so case is ignored), never by suffix: a suffix would let channel {@code
 * A_B_0} of topic {@code a_b} pass for topic {@code b}.
 *
 * <p>This class only talks to Snowflake; what a replay makes of the answers is decided elsewhere.
 */
public final class ChannelOffsetTokens {

    private final Connection connection;

    public ChannelOffsetTokens(Connection connection) {
        this.connection = connection;
    }

    /**
     * One channel as {@code SHOW CHANNELS} reports it.
     *
     * @param offsetToken as Snowflake stores it: text, {@code null} while nothing was committed
     */
    public record Channel(String name, String offsetToken) {}

    /** {@code SHOW CHANNELS IN TABLE database.schema.table}. */
    public List<Channel> channels(String database, String schema, String table)
            throws SQLException {
        List<Channel> channels = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SHOW CHANNELS IN TABLE " + qualified(database, schema, table))) {
            while (rs.next()) {
                channels.add(new Channel(rs.getString("name"), rs.getString("offset_token")));
            }
        }
        return channels;
    }

    /**
     * Sets the offset token of one channel ({@code
     * SYSTEM$SNOWPIPE_STREAMING_UPDATE_CHANNEL_OFFSET_TOKEN}). Only while no client has the channel
     * open: an open channel writes its own token back.
     *
     * @param offsetToken the last offset to count as loaded: the connector resumes at token + 1
     */
    public void setOffsetToken(
            String database, String schema, String table, String channel, long offsetToken)
            throws SQLException {
        try (PreparedStatement update =
                connection.prepareStatement(
                        "SELECT SYSTEM$SNOWPIPE_STREAMING_UPDATE_CHANNEL_OFFSET_TOKEN(?, ?, ?)")) {
            update.setString(1, qualified(database, schema, table));
            update.setString(2, channel);
            update.setString(3, Long.toString(offsetToken));
            update.execute();
        }
    }

    /**
     * The names the connector gives the channel of one topic partition: the one 2.x uses, then the
     * one older 2.x releases used and 2.5.0 migrates from.
     */
    public static List<String> channelNames(String connector, String topic, int partition) {
        String name = topic + "_" + partition;
        return List.of(name, connector + "_" + name);
    }

    /** Whether a channel name is one the connector uses for this topic partition. */
    public static boolean carries(
            String channelName, String connector, String topic, int partition) {
        return channelNames(connector, topic, partition).stream()
                .anyMatch(
                        name ->
                                name.toUpperCase(Locale.ROOT)
                                        .equals(channelName.toUpperCase(Locale.ROOT)));
    }

    private static String qualified(String database, String schema, String table) {
        return database + "." + schema + "." + table;
    }
}
