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
 * <p>The connector names a partition's channel {@code <topic>_<partition>} or, in the format older
 * 2.x releases used, {@code <connector>_<topic>_<partition>} (2.x migrates the token from the
 * latter to the former); Snowflake keeps channel names upper-case. Both are matched, so a reset
 * never misses the channel actually in use.
 */
public final class ChannelOffsetTokens {

    private final Connection connection;

    public ChannelOffsetTokens(Connection connection) {
        this.connection = connection;
    }

    /** One channel as {@code SHOW CHANNELS} reports it. */
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
     * Sets the offset token of every channel of {@code table} that carries {@code topic}'s {@code
     * partition}.
     *
     * @param offsetToken the last offset to count as loaded: the connector resumes at token + 1
     * @return how many channels were updated (0: the partition never reached Snowflake, and the
     *     consumer group alone decides where the connector starts)
     */
    public int reset(
            String database,
            String schema,
            String table,
            String topic,
            int partition,
            long offsetToken)
            throws SQLException {
        int updated = 0;
        for (Channel channel : channels(database, schema, table)) {
            if (!carries(channel.name(), topic, partition)) {
                continue;
            }
            try (PreparedStatement update =
                    connection.prepareStatement(
                            "SELECT SYSTEM$SNOWPIPE_STREAMING_UPDATE_CHANNEL_OFFSET_TOKEN(?, ?, ?)")) {
                update.setString(1, qualified(database, schema, table));
                update.setString(2, channel.name());
                update.setString(3, Long.toString(offsetToken));
                update.execute();
            }
            updated++;
        }
        return updated;
    }

    /** Whether a channel name is the one the connector uses for this topic partition. */
    public static boolean carries(String channelName, String topic, int partition) {
        String name = channelName.toUpperCase(Locale.ROOT);
        String suffix = (topic + "_" + partition).toUpperCase(Locale.ROOT);
        return name.equals(suffix) || name.endsWith("_" + suffix);
    }

    private static String qualified(String database, String schema, String table) {
        return database + "." + schema + "." + table;
    }
}
