package dev.lakestream.connect.replay;

import dev.lakestream.snowflake.channel.ChannelOffsetTokens;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Snowflake half of a replay of the Snowflake sink: the check before the connector is touched
 * and the channel offset token reset while it is stopped. The REST replay ({@link Replayer}) calls
 * both between its Connect steps; the Strimzi replay's script calls them through {@code ConnectCli
 * replay-channels} between its kubectl steps. Same checks, same messages, one implementation.
 *
 * <pre>
 * preflight: login, SHOW CHANNELS --> refused? nothing changed, the connector still runs
 * (connector stopped, sink offsets moved)
 * reset:     SHOW CHANNELS again --> set each token --> read back --> equal, or it stays STOPPED
 * </pre>
 */
public final class ChannelReplay {

    private final ChannelTokenReset channels;
    private final PrintStream out;
    private final ReplayRecord record;

    public ChannelReplay(ChannelTokenReset channels, PrintStream out) {
        this(channels, out, ReplayRecord.NONE);
    }

    /**
     * @param record where each channel's token change is kept once it is read back
     */
    public ChannelReplay(ChannelTokenReset channels, PrintStream out, ReplayRecord record) {
        this.channels = channels;
        this.out = out;
        this.record = record;
    }

    /**
     * Before the connector is touched: lists the channels of every table of the plan and checks
     * that each partition has one and that no target skips records Snowflake does not have.
     *
     * @throws ReplayRefusedException when the checks refuse the replay; nothing was changed
     * @throws IllegalStateException when Snowflake cannot be reached or refuses the listing
     */
    public void preflight(ReplayPlan plan, boolean force) {
        String name = plan.connector();
        ChannelCheck.Outcome checked;
        try {
            checked = check(plan, force);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(
                    e.getMessage() + ". Nothing was changed: " + name + " still runs.", e);
        }
        if (checked.refused()) {
            throw new ReplayRefusedException(
                    String.join("\n", checked.refusals())
                            + "\nNothing was changed: "
                            + name
                            + " still runs.");
        }
        checked.targets().forEach(t -> out.printf("   %s%n", t.describe()));
        checked.forced().forEach(f -> out.printf("   %s%n", f));
    }

    /**
     * With the connector stopped and its sink offsets moved: the channels again (one may be gone
     * since the preflight), then every token, then the tokens as Snowflake reports them back.
     *
     * @throws IllegalStateException when a step fails; the message ends with what to do (the
     *     connector stays stopped)
     */
    public void reset(ReplayPlan plan, boolean force) {
        try {
            resetChannels(plan, force);
        } catch (IllegalStateException | ReplayRefusedException e) {
            throw new IllegalStateException(
                    e.getMessage()
                            + "\n"
                            + plan.connector()
                            + " stays STOPPED with its sink offsets moved: fix this and run"
                            + " the same replay again.",
                    e);
        }
    }

    /** Lists the channels of every table of the plan, once each, and checks them. */
    private ChannelCheck.Outcome check(ReplayPlan plan, boolean force) {
        return ChannelCheck.check(plan.connector(), plan.channelResets(), list(plan), force);
    }

    private Map<String, List<ChannelOffsetTokens.Channel>> list(ReplayPlan plan) {
        Map<String, List<ChannelOffsetTokens.Channel>> listed = new LinkedHashMap<>();
        for (ReplayPlan.ChannelReset reset : plan.channelResets()) {
            if (!listed.containsKey(reset.table())) {
                listed.put(reset.table(), channels.channels(reset.table()));
            }
        }
        return listed;
    }

    private void resetChannels(ReplayPlan plan, boolean force) {
        Map<String, List<ChannelOffsetTokens.Channel>> before = list(plan);
        ChannelCheck.Outcome checked =
                ChannelCheck.check(plan.connector(), plan.channelResets(), before, force);
        if (checked.refused()) {
            throw new ReplayRefusedException(String.join("\n", checked.refusals()));
        }
        for (ChannelCheck.Target target : checked.targets()) {
            ReplayPlan.ChannelReset reset = target.reset();
            for (String channel : target.channels()) {
                channels.setOffsetToken(reset.table(), channel, reset.offsetToken());
            }
        }
        Map<String, List<ChannelOffsetTokens.Channel>> after = new LinkedHashMap<>();
        for (ChannelCheck.Target target : checked.targets()) {
            ReplayPlan.ChannelReset reset = target.reset();
            List<ChannelOffsetTokens.Channel> listed =
                    after.computeIfAbsent(reset.table(), channels::channels);
            for (String channel : target.channels()) {
                String token =
                        listed.stream()
                                .filter(c -> c.name().equals(channel))
                                .findFirst()
                                .map(c -> c.offsetToken() == null ? "(none)" : c.offsetToken())
                                .orElse("(none: the channel is gone)");
                if (!Long.toString(reset.offsetToken()).equals(token.strip())) {
                    throw new IllegalStateException(
                            "channel "
                                    + channel
                                    + " of "
                                    + reset.table()
                                    + " reports offset token "
                                    + token
                                    + " after it was set to "
                                    + reset.offsetToken()
                                    + ", so "
                                    + reset.topic()
                                    + "-"
                                    + reset.partition()
                                    + " would not be replayed");
                }
            }
            java.time.Instant at = java.time.Instant.now();
            for (String channel : target.channels()) {
                record.channelSet(
                        plan.connector(),
                        reset,
                        channel,
                        before.getOrDefault(reset.table(), List.of()).stream()
                                .filter(c -> c.name().equals(channel))
                                .findFirst()
                                .map(ChannelOffsetTokens.Channel::offsetToken)
                                .orElse(null),
                        at);
            }
            out.printf(
                    "   %s-%d: %d channel(s) of %s set to token %d%n",
                    reset.topic(),
                    reset.partition(),
                    target.channels().size(),
                    reset.table(),
                    reset.offsetToken());
        }
    }
}
