package dev.lakestream.connect.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakestream.connect.config.ConnectorDefinition;
import dev.lakestream.connect.rest.ConnectRestClient;
import dev.lakestream.connect.rest.ConnectRestException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Creates or updates a connector through the Connect REST API, idempotently, and waits until it
 * runs.
 *
 * <pre>
 * committed JSON --load--> ConnectorDefinition --GET config--> same?  --yes--> UNCHANGED
 *                                                                  \--no---> PUT config (CREATED / UPDATED)
 *                                                   --> wait: connector and tasks RUNNING, or the task errors
 * </pre>
 *
 * <p>{@code PUT /connectors/{name}/config} is Connect's own create-or-replace, so deploying twice
 * changes nothing; comparing first keeps an unchanged connector's tasks from being restarted. A
 * connector that is unchanged but has failed tasks gets them restarted (a fix elsewhere, e.g. a
 * grant in Snowflake, is the usual reason to deploy again). A connector someone paused or stopped
 * is left alone and reported: resuming it is a decision, not a side effect of a deploy. Connect
 * runs the connector's own validation before it stores a configuration; a refusal is printed with
 * Connect's message, which names each key in error.
 */
public final class ConnectorDeployer {

    private final ConnectRestClient rest;
    private final ConnectorStates states;
    private final PrintStream out;

    public ConnectorDeployer(ConnectRestClient rest, PrintStream out) {
        this.rest = rest;
        this.states = new ConnectorStates(rest, out);
        this.out = out;
    }

    /** What a deploy did. */
    public enum Action {
        CREATED,
        UPDATED,
        UNCHANGED
    }

    /** The outcome of one deploy: what was done and whether the connector then ran. */
    public record Result(String connector, Action action, ConnectorStates.Outcome outcome) {
        public boolean running() {
            return outcome.reached();
        }
    }

    public Result deploy(ConnectorDefinition definition, Duration timeout) {
        String name = definition.name();
        Optional<Map<String, String>> existing = rest.config(name);
        Action action;
        if (existing.isEmpty()) {
            action = Action.CREATED;
        } else {
            Map<String, String> current = new HashMap<>(existing.get());
            // Connect adds the name to the stored configuration
            current.remove("name");
            Map<String, String> wanted = new HashMap<>(definition.config());
            wanted.remove("name");
            action = current.equals(wanted) ? Action.UNCHANGED : Action.UPDATED;
        }
        if (action != Action.UNCHANGED) {
            try {
                rest.putConfig(name, definition.config());
            } catch (ConnectRestException e) {
                if (e.statusCode() != 400) {
                    throw e;
                }
                // Connect ran the connector's validation and refused the configuration
                out.printf("%s %s REFUSED by Connect: %s%n", action, name, e.getMessage());
                return new Result(
                        name,
                        action,
                        new ConnectorStates.Outcome(false, "refused", List.of(e.getMessage())));
            }
        } else {
            Optional<JsonNode> status = rest.status(name);
            if (status.isPresent()) {
                String state = status.get().path("connector").path("state").asText();
                if ("PAUSED".equals(state) || "STOPPED".equals(state)) {
                    out.printf(
                            "%s %s, but it is %s: resume it (PUT /connectors/%s/resume)%n",
                            action, name, state, name);
                    return new Result(
                            name,
                            action,
                            new ConnectorStates.Outcome(
                                    false,
                                    ConnectorStates.summary(status.get()),
                                    List.of(name + " is " + state)));
                }
                if (!ConnectorStates.errors(status.get()).isEmpty()) {
                    out.printf("%s %s has failed tasks: restarting them%n", action, name);
                    rest.restartFailed(name);
                }
            }
        }
        out.printf("%s %s (%s) on %s%n", action, name, definition.connectorClass(), rest.base());
        ConnectorStates.Outcome outcome = states.awaitRunning(name, timeout);
        if (outcome.reached()) {
            out.printf("  %s is running: %s%n", name, outcome.summary());
        } else {
            out.printf("  %s is NOT running: %s%n", name, outcome.summary());
            outcome.errors().forEach(e -> out.printf("  %s%n", e));
        }
        return new Result(name, action, outcome);
    }
}
