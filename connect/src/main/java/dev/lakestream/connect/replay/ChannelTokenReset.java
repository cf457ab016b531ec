package dev.lakestream.connect.replay;

import dev.lakestream.snowflake.channel.ChannelOffsetTokens.Channel;
import java.util.List;

/**
 * The replay's seam to Snowflake: list the channels of a landing table and set one channel's offset
 * token. {@link SnowflakeChannelTokenReset} does both over JDBC; everything the replay decides from
 * the answers (which channel carries which partition, whether a target is beyond a token) is in
 * {@link ChannelCheck}, so it can be tested without an account.
 */
public interface ChannelTokenReset {

    /**
     * Logs in and lists the channels of {@code table} ({@code SHOW CHANNELS IN TABLE}). The first
     * call is the replay's Snowflake preflight: it fails, before the connector is touched, when the
     * login or the listing fails.
     *
     * @throws IllegalStateException when Snowflake cannot be reached or refuses the login or the
     *     listing; the message says what to check
     */
    List<Channel> channels(String table);

    /**
     * Sets the offset token of one channel. Called only while the connector is stopped: an open
     * channel would write its own token back.
     *
     * @throws IllegalStateException when Snowflake refuses
     */
    void setOffsetToken(String table, String channel, long offsetToken);
}
