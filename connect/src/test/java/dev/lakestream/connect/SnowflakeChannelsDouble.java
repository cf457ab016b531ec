package dev.lakestream.connect;

import dev.lakestream.connect.replay.ChannelTokenReset;
import dev.lakestream.snowflake.channel.ChannelOffsetTokens.Channel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Stands in for Snowflake behind the replay's seam to it, because Snowflake cannot run here: the
 * channels of each table with their offset tokens, answered the way {@code SHOW CHANNELS IN TABLE}
 * and {@code SYSTEM$SNOWPIPE_STREAMING_UPDATE_CHANNEL_OFFSET_TOKEN} answer (a table without
 * channels lists none; channel names upper-case, as Snowflake reports them). It can refuse the
 * login, drop a channel, or ignore updates, so that the tests can prove against a real Connect
 * worker when the replay leaves the connector running, stopped, or runs it again. The real JDBC
 * side, {@code SnowflakeChannelTokenReset}, is exercised by {@code SnowflakeLiveITCase} against a
 * live account.
 */
final class SnowflakeChannelsDouble implements ChannelTokenReset {

    private final Map<String, Map<String, String>> tables = new LinkedHashMap<>();
    private final List<String> calls = new ArrayList<>();
    private String loginRefusal;
    private boolean ignoreUpdates;
    private Consumer<String> beforeEachCall = call -> {};

    SnowflakeChannelsDouble channel(String table, String name, String offsetToken) {
        tables.computeIfAbsent(table, t -> new LinkedHashMap<>()).put(name, offsetToken);
        return this;
    }

    void drop(String table, String name) {
        tables.getOrDefault(table, new LinkedHashMap<>()).remove(name);
    }

    /** Every call fails as a login with a key Snowflake does not know fails. */
    SnowflakeChannelsDouble refuseLogin() {
        loginRefusal =
                "Snowflake login failed (Snowflake LAKESTREAM_CONNECT@test): JWT token is invalid";
        return this;
    }

    /** Updates are accepted and have no effect. */
    SnowflakeChannelsDouble ignoreUpdates() {
        ignoreUpdates = true;
        return this;
    }

    /** Runs before each call with its description, e.g. to see the connector's state then. */
    SnowflakeChannelsDouble beforeEachCall(Consumer<String> hook) {
        beforeEachCall = hook;
        return this;
    }

    String token(String table, String name) {
        return tables.get(table).get(name);
    }

    /** {@code list TABLE} and {@code set TABLE CHANNEL TOKEN}, in order. */
    List<String> calls() {
        return calls;
    }

    @Override
    public List<Channel> channels(String table) {
        call("list " + table);
        List<Channel> channels = new ArrayList<>();
        tables.getOrDefault(table, Map.of())
                .forEach((name, token) -> channels.add(new Channel(name, token)));
        return channels;
    }

    @Override
    public void setOffsetToken(String table, String channel, long offsetToken) {
        call("set " + table + " " + channel + " " + offsetToken);
        Map<String, String> channels = tables.get(table);
        if (channels == null || !channels.containsKey(channel)) {
            throw new IllegalStateException(
                    "Snowflake refused to set the offset token of channel "
                            + channel
                            + ": channel does not exist");
        }
        if (!ignoreUpdates) {
            channels.put(channel, Long.toString(offsetToken));
        }
    }

    private void call(String call) {
        if (loginRefusal != null) {
            throw new IllegalStateException(loginRefusal);
        }
        beforeEachCall.accept(call);
        calls.add(call);
    }
}
