package dev.lakestream.connect.replay;

import dev.lakestream.connect.deploy.ConnectorStates;
import dev.lakestream.connect.rest.ConnectRestClient;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Carries out a {@link ReplayPlan}: stop, move the sink offsets, reset the Snowflake channels,
 * resume.
 *
 * <pre>
 * RUNNING --PUT stop--> STOPPED --PATCH offsets--> consumer group at the plan's offsets
 *                               --channel tokens--> Snowflake resumes from the same offsets
 *         &lt;--PUT resume-- (tasks start, the sink re-reads from there)
 * </pre>
 *
 * <p>Why both positions: the Snowflake sink opens each partition's channel and seeks to the
 * channel's offset token + 1, whatever the consumer group says. Moving only the consumer group
 * (what {@code kafka-consumer-groups --reset-offsets} does) replays nothing. Why stop rather than
 * pause: Connect only lets a connector's offsets be changed while it is stopped (KIP-875), and a
 * stopped sink has closed its channels, so the tokens set here are not overwritten.
 *
 * <p>Replaying is safe to repeat: records land again in the append-only landing table, and the
 * MERGE into the business table keeps, per key, the highest version, so the business table ends up
 * the same.
 *
 * <p>If a step fails the connector stays stopped and the error says which step: nothing half-runs.
 * Running the same replay again finishes it.
 */
public final class Replayer {

    private final ConnectRestClient rest;
    private final ConnectorStates states;
    private final ChannelTokenReset channels;
    private final PrintStream out;

    public Replayer(ConnectRestClient rest, ChannelTokenReset channels, PrintStream out) {
        this.rest = rest;
        this.states = new ConnectorStates(rest, out);
        this.channels = channels;
        this.out = out;
    }

    /**
     * @return true if the connector runs again from the plan's offsets
     */
    public boolean execute(ReplayPlan plan, Duration timeout) {
        String name = plan.connector();
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
            for (ReplayPlan.ChannelReset reset : plan.channelResets()) {
                int updated = channels.reset(reset);
                out.printf(
                        "   %s-%d: %d channel(s) of %s set to token %d%n",
                        reset.topic(),
                        reset.partition(),
                        updated,
                        reset.table(),
                        reset.offsetToken());
            }
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
