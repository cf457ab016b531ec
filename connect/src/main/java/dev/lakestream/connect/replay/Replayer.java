package dev.lakestream.connect.replay;

import dev.lakestream.connect.deploy.ConnectorStates;
import dev.lakestream.connect.rest.ConnectRestClient;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Carries out a {@link ReplayPlan}: check Snowflake, stop, move the sink offsets, reset the
 * Snowflake channels, resume.
 *
 * <pre>
 * RUNNING --login, SHOW CHANNELS--> refused? connector untouched, still RUNNING
 *         --PUT stop--> STOPPED --PATCH offsets--> consumer group at the plan's offsets
 *                               --channel tokens, read back--> Snowflake resumes from the same offsets
 *         &lt;--PUT resume-- (tasks start, the sink re-reads from there)
 * </pre>
 *
 * <p>Why both positions: the Snowflake sink opens each partition's channel and seeks to the
 * channel's offset token + 1, whatever the consumer group says. Moving only the consumer group
 * (what {@code kafka-consumer-groups --reset-offsets} does) replays nothing. Why stop rather than
 * pause: Connect only lets a connector's offsets be changed while it is stopped (KIP-875), and a
 * stopped sink has closed its channels, so the tokens set here are not overwritten.
 *
 * <p>Why check first: a bad credential, a wrong table or a channel named otherwise than computed
 * must not leave the connector stopped for nothing, and a reset that sets no channel must never
 * pass for a replay. So Snowflake is asked before anything changes ({@link ChannelCheck}); after
 * the stop the channels are listed and checked again, reset, and read back ({@link ChannelReplay},
 * which the Strimzi replay's script runs too).
 *
 * <p>Replaying is safe to repeat: records land again in the append-only landing table, and the
 * MERGE into the business table keeps, per key, the highest version, so the business table ends up
 * the same.
 *
 * <p>If a step after the stop fails the connector stays stopped and the error says which step and
 * what to do: nothing half-runs. Running the same replay again finishes it.
 */
public final class Replayer {

    private final ConnectRestClient rest;
    private final ConnectorStates states;
    private final ChannelReplay snowflake;
    private final PrintStream out;

    public Replayer(ConnectRestClient rest, ChannelTokenReset channels, PrintStream out) {
        this(rest, channels, out, ReplayRecord.NONE);
    }

    /**
     * @param record where each Snowflake channel's token change is kept ({@link ReplayRecord})
     */
    public Replayer(
            ConnectRestClient rest,
            ChannelTokenReset channels,
            PrintStream out,
            ReplayRecord record) {
        this.rest = rest;
        this.states = new ConnectorStates(rest, out);
        this.snowflake = new ChannelReplay(channels, out, record);
        this.out = out;
    }

    /**
     * @param force go ahead even where a target is beyond a channel's offset token
     * @return true if the connector runs again from the plan's offsets, false if it did not stop or
     *     does not run again (the console says why)
     * @throws ReplayRefusedException when the checks refuse the replay; nothing was changed
     * @throws IllegalStateException when Snowflake cannot be reached before the stop (nothing was
     *     changed), or a step after the stop fails (the connector stays stopped); the message says
     *     which
     */
    public boolean execute(ReplayPlan plan, Duration timeout, boolean force) {
        String name = plan.connector();
        if (!plan.channelResets().isEmpty()) {
            out.println("0. checking Snowflake before the connector is touched");
            snowflake.preflight(plan, force);
        }
        out.printf("1. stopping %s%n", name);
        rest.stop(name);
        ConnectorStates.Outcome stopped = states.awaitStopped(name, timeout);
        if (!stopped.reached()) {
            out.printf("   %s did not stop: %s%n", name, stopped.summary());
            stopped.errors().forEach(e -> out.printf("   %s%n", e));
            return false;
        }
        out.printf("2. setting sink offsets of %s%n", name);
        rest.alterSinkOffsets(name, plan.offsetsForPatch());
        if (plan.channelResets().isEmpty()) {
            out.println("3. no Snowflake channels to reset");
        } else {
            out.println("3. resetting Snowflake channel offset tokens");
            snowflake.reset(plan, force);
        }
        out.printf("4. resuming %s%n", name);
        rest.resume(name);
        ConnectorStates.Outcome running = states.awaitRunning(name, timeout);
        if (!running.reached()) {
            out.printf("   %s is NOT running: %s%n", name, running.summary());
            running.errors().forEach(e -> out.printf("   %s%n", e));
            return false;
        }
        out.printf("   %s is running again: %s%n", name, running.summary());
        return true;
    }
}
