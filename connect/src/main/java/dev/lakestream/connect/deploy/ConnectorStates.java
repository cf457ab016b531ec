package dev.lakestream.connect.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakestream.connect.rest.ConnectRestClient;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a connector to reach a state, printing progress, and tells a running connector from a
 * failed one.
 *
 * <p>Connect reports a connector and each of its tasks separately ({@code RUNNING}, {@code PAUSED},
 * {@code STOPPED}, {@code FAILED}, {@code UNASSIGNED}, {@code RESTARTING}); a connector whose own
 * state is {@code RUNNING} may still have failed tasks, or none yet. "Running" here means the
 * connector and at least one task are running and no task has failed. A failure is reported at
 * once, with the worker's stack trace, since a failed task does not recover by itself.
 */
public final class ConnectorStates {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
    // right after a config change the status may still show the previous tasks' failure
    private static final Duration SETTLE = Duration.ofSeconds(3);

    private final ConnectRestClient rest;
    private final PrintStream out;

    public ConnectorStates(ConnectRestClient rest, PrintStream out) {
        this.rest = rest;
        this.out = out;
    }

    /** What a wait ended with. */
    public record Outcome(boolean reached, String summary, List<String> errors) {}

    /** Waits until the connector and all its tasks run (and there is at least one task). */
    public Outcome awaitRunning(String name, Duration timeout) {
        return await(name, "RUNNING", timeout);
    }

    /** Waits until the connector is stopped (KIP-875), its tasks shut down. */
    public Outcome awaitStopped(String name, Duration timeout) {
        return await(name, "STOPPED", timeout);
    }

    private Outcome await(String name, String target, Duration timeout) {
        Instant start = Instant.now();
        Instant deadline = start.plus(timeout);
        Instant nextProgress = start.plus(PROGRESS_EVERY);
        String summary = "no status yet";
        while (true) {
            Optional<JsonNode> status = rest.status(name);
            if (status.isPresent()) {
                summary = summary(status.get());
                List<String> errors = errors(status.get());
                if (!errors.isEmpty() && Instant.now().isAfter(start.plus(SETTLE))) {
                    return new Outcome(false, summary, errors);
                }
                if (reached(status.get(), target)) {
                    return new Outcome(true, summary, List.of());
                }
            }
            Instant now = Instant.now();
            if (now.isAfter(deadline)) {
                return new Outcome(
                        false,
                        summary,
                        List.of(name + " did not reach " + target + " within " + timeout));
            }
            if (now.isAfter(nextProgress)) {
                out.printf(
                        "  waiting for %s to be %s (%d s): %s%n",
                        name, target, Duration.between(start, now).toSeconds(), summary);
                nextProgress = now.plus(PROGRESS_EVERY);
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    private static boolean reached(JsonNode status, String target) {
        String connectorState = status.path("connector").path("state").asText();
        JsonNode tasks = status.path("tasks");
        if ("STOPPED".equals(target)) {
            // a stopped connector has no tasks left
            return "STOPPED".equals(connectorState) && tasks.isEmpty();
        }
        if (!target.equals(connectorState) || tasks.isEmpty()) {
            return false;
        }
        for (JsonNode task : tasks) {
            if (!target.equals(task.path("state").asText())) {
                return false;
            }
        }
        return true;
    }

    /** One line: connector state and each task's state. */
    public static String summary(JsonNode status) {
        StringBuilder s =
                new StringBuilder("connector ")
                        .append(status.path("connector").path("state").asText("?"));
        JsonNode tasks = status.path("tasks");
        s.append(", tasks [");
        for (int i = 0; i < tasks.size(); i++) {
            JsonNode task = tasks.get(i);
            if (i > 0) {
                s.append(", ");
            }
            s.append(task.path("id").asInt()).append(": ").append(task.path("state").asText());
        }
        return s.append("]").toString();
    }

    /** The traces of a failed connector and of its failed tasks, first lines only. */
    public static List<String> errors(JsonNode status) {
        List<String> errors = new ArrayList<>();
        JsonNode connector = status.path("connector");
        if ("FAILED".equals(connector.path("state").asText())) {
            errors.add("connector: " + firstLines(connector.path("trace").asText("")));
        }
        for (JsonNode task : status.path("tasks")) {
            if ("FAILED".equals(task.path("state").asText())) {
                errors.add(
                        "task "
                                + task.path("id").asInt()
                                + ": "
                                + firstLines(task.path("trace").asText("")));
            }
        }
        return errors;
    }

    private static String firstLines(String trace) {
        String[] lines = trace.split("\n");
        StringBuilder s = new StringBuilder();
        int shown = 0;
        for (String line : lines) {
            // the exception and its causes say what is wrong; the frames rarely do
            if (shown == 0 || line.startsWith("Caused by:")) {
                if (shown > 0) {
                    s.append("\n    ");
                }
                s.append(line.strip());
                shown++;
            }
        }
        return s.toString();
    }
}
