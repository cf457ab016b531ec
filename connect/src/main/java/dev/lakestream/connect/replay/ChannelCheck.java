package dev.lakestream.connect.replay;

import dev.lakestream.snowflake.channel.ChannelOffsetTokens;
import dev.lakestream.snowflake.channel.ChannelOffsetTokens.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What a replay makes of the channels Snowflake lists: which channels carry each partition of the
 * plan, how far Snowflake has loaded it, and whether the reset may go ahead. Pure: the listing is
 * passed in, so every decision is tested without an account.
 *
 * <p>Two findings refuse the replay:
 *
 * <ul>
 *   <li><b>No channel carries a partition.</b> Setting nothing would leave the connector resuming
 *       from its old token, so the replay would silently replay nothing. The cause is a wrong table
 *       (topic map, database, schema), a connector name or channel name scheme that differs from
 *       the one computed, or a partition that never reached Snowflake. {@code --force} does not
 *       override this: there is nothing to force.
 *   <li><b>The target is beyond the channel's token.</b> Snowflake has the partition up to its
 *       token; a reset to a later token makes the connector skip the records in between, which
 *       never reach Snowflake. Records below the log start are gone from Kafka anyway and do not
 *       count. {@code --force} skips them on purpose.
 * </ul>
 */
public final class ChannelCheck {

    private ChannelCheck() {}

    /**
     * One partition's reset as it will be carried out.
     *
     * @param channels the names of the channels that carry it, as Snowflake lists them
     * @param currentToken the highest offset token among them; empty when none has one yet
     */
    public record Target(
            ReplayPlan.ChannelReset reset, List<String> channels, OptionalLong currentToken) {

        /** {@code topic-0: channel X of TABLE at token 29 -> 16}, for the console. */
        public String describe() {
            return reset.topic()
                    + "-"
                    + reset.partition()
                    + ": channel "
                    + String.join(" and ", channels)
                    + " of "
                    + reset.table()
                    + " at token "
                    + (currentToken.isPresent()
                            ? Long.toString(currentToken.getAsLong())
                            : "(none)")
                    + " -> "
                    + reset.offsetToken();
        }
    }

    /**
     * @param refusals why the replay must not go ahead, one line per partition; empty if it may
     * @param forced what {@code --force} let through (records that will be skipped)
     */
    public record Outcome(List<Target> targets, List<String> refusals, List<String> forced) {
        public boolean refused() {
            return !refusals.isEmpty();
        }
    }

    /**
     * @param channelsByTable every table of {@code resets} with its channels as listed
     * @param force whether a target beyond a channel's token is allowed
     */
    public static Outcome check(
            String connector,
            List<ReplayPlan.ChannelReset> resets,
            Map<String, List<Channel>> channelsByTable,
            boolean force) {
        List<Target> targets = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        List<String> forced = new ArrayList<>();
        for (ReplayPlan.ChannelReset reset : resets) {
            List<Channel> listed = channelsByTable.getOrDefault(reset.table(), List.of());
            List<Channel> carrying =
                    listed.stream()
                            .filter(
                                    c ->
                                            ChannelOffsetTokens.carries(
                                                    c.name(),
                                                    connector,
                                                    reset.topic(),
                                                    reset.partition()))
                            .toList();
            if (carrying.isEmpty()) {
                refusals.add(noChannel(connector, reset, listed));
                continue;
            }
            OptionalLong current = OptionalLong.empty();
            String unreadable = null;
            for (Channel channel : carrying) {
                if (channel.offsetToken() == null) {
                    continue;
                }
                try {
                    long token = Long.parseLong(channel.offsetToken().strip());
                    if (current.isEmpty() || token > current.getAsLong()) {
                        current = OptionalLong.of(token);
                    }
                } catch (NumberFormatException e) {
                    unreadable =
                            partition(reset)
                                    + ": channel "
                                    + channel.name()
                                    + " of "
                                    + reset.table()
                                    + " has offset token '"
                                    + channel.offsetToken()
                                    + "', which is not a Kafka offset, so the target cannot be"
                                    + " compared with it";
                }
            }
            List<String> names = carrying.stream().map(Channel::name).toList();
            targets.add(new Target(reset, names, current));
            String beyond = unreadable != null ? unreadable : beyond(reset, names, current);
            if (beyond != null) {
                if (force) {
                    forced.add(beyond + " (--force: going ahead)");
                } else {
                    refusals.add(
                            beyond
                                    + ". Pick an earlier target, or give --force to go ahead"
                                    + " anyway.");
                }
            }
        }
        return new Outcome(targets, refusals, forced);
    }

    /** Why the target skips records Snowflake does not have, or null if it skips none. */
    private static String beyond(
            ReplayPlan.ChannelReset reset, List<String> channels, OptionalLong current) {
        long firstNotLoaded = current.isPresent() ? current.getAsLong() + 1 : 0;
        long firstSkipped = Math.max(firstNotLoaded, reset.earliestOffset());
        long lastSkipped = reset.offsetToken(); // the connector resumes at token + 1
        if (lastSkipped < firstSkipped) {
            return null;
        }
        return partition(reset)
                + ": the target token "
                + reset.offsetToken()
                + " (replay from offset "
                + (reset.offsetToken() + 1)
                + ") is beyond the current token "
                + (current.isPresent()
                        ? Long.toString(current.getAsLong())
                        : "(none: nothing loaded yet)")
                + " of channel "
                + String.join(" and ", channels)
                + " of "
                + reset.table()
                + ": offsets "
                + firstSkipped
                + ".."
                + lastSkipped
                + " never reached Snowflake and would be skipped";
    }

    private static String noChannel(
            String connector, ReplayPlan.ChannelReset reset, List<Channel> listed) {
        List<String> expected =
                ChannelOffsetTokens.channelNames(connector, reset.topic(), reset.partition());
        return partition(reset)
                + ": no channel of "
                + reset.table()
                + " carries it (looked for "
                + String.join(" or ", expected)
                + ", any case; the table has "
                + (listed.isEmpty()
                        ? "no channels"
                        : "channels " + listed.stream().map(Channel::name).toList())
                + "). Check snowflake.topic2table.map, that SNOWFLAKE_DATABASE and"
                + " SNOWFLAKE_SCHEMA are the connector's, and the connector name; if this"
                + " partition never reached Snowflake, leave it out with --to-offsets.";
    }

    private static String partition(ReplayPlan.ChannelReset reset) {
        return reset.topic() + "-" + reset.partition();
    }
}
