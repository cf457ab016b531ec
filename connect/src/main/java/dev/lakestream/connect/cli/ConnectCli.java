package dev.lakestream.connect.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakestream.connect.config.ConnectorConfigException;
import dev.lakestream.connect.config.ConnectorDefinition;
import dev.lakestream.connect.deploy.ConnectorDeployer;
import dev.lakestream.connect.deploy.ConnectorStates;
import dev.lakestream.connect.replay.ChannelReplay;
import dev.lakestream.connect.replay.ChannelTokenReset;
import dev.lakestream.connect.replay.ReplayPlan;
import dev.lakestream.connect.replay.ReplayPlanner;
import dev.lakestream.connect.replay.ReplayRecord;
import dev.lakestream.connect.replay.ReplayRefusedException;
import dev.lakestream.connect.replay.ReplayTarget;
import dev.lakestream.connect.replay.Replayer;
import dev.lakestream.connect.replay.SnowflakeChannelTokenReset;
import dev.lakestream.connect.rest.ConnectRestClient;
import dev.lakestream.connect.rest.ConnectRestException;
import dev.lakestream.connect.strimzi.KafkaConnectorFile;
import dev.lakestream.connect.strimzi.StrimziReplay;
import dev.lakestream.snowflake.channel.ChannelOffsetTokens;
import dev.lakestream.snowflake.connection.SettingsException;
import dev.lakestream.snowflake.connection.SnowflakeSettings;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * {@code deploy}, {@code status} and {@code replay} of Kafka Connect connectors through the Connect
 * REST API; for a connector that Strimzi manages, {@code replay --strimzi} writes the replay as
 * manifests and a kubectl script instead ({@link StrimziReplay}). Exit codes: 0 ok, 1 failure (a
 * connector does not run, Connect or Snowflake refused a step), 2 bad usage or configuration, or a
 * replay its checks refused.
 */
public final class ConnectCli {

    static final String USAGE =
            String.join(
                    "\n",
                    "usage: lakestream-connect [--connect-url URL] <command> [options]",
                    "",
                    "commands:",
                    "  deploy [--timeout 120s] FILE...",
                    "      create or update each connector (JSON: {\"name\":...,\"config\":{...}})",
                    "      and wait until it and its tasks run; prints task errors if not",
                    "  status NAME...",
                    "      state of the connector and its tasks, its configuration (secrets",
                    "      masked) and its committed offsets",
                    "  replay NAME (--to-earliest | --to-timestamp INSTANT | --to-offsets T:P=O[,...])",
                    "         [--dry-run] [--force] [--timeout 120s] [--bootstrap-servers HOST:PORT]",
                    "      stop the connector, move its sink offsets, reset the Snowflake channel",
                    "      offset tokens (Snowflake sink), resume; --dry-run prints the plan only.",
                    "      Snowflake sink: first logs in and lists the channels, and refuses (exit 2,",
                    "      connector untouched) if a partition has no channel or a target is beyond",
                    "      its channel's offset token, which would skip records; --force allows the",
                    "      latter. A failure after the stop leaves the connector stopped (exit 1):",
                    "      run the same replay again.",
                    "  replay NAME (--to-...) --strimzi NAMESPACE --connector-file FILE --out DIR",
                    "         [--force] [--timeout 300s] [--bootstrap-servers HOST:PORT]",
                    "      for a connector that Strimzi manages (strimzi.io/use-connector-resources),",
                    "      whose operator undoes REST changes: computes the same plan (the topics,",
                    "      class and topic map from FILE, the KafkaConnector's YAML, e.g. kubectl get",
                    "      kafkaconnector NAME -o yaml; offsets from the brokers) and writes, without",
                    "      touching the cluster, the KafkaConnector patches (spec.state stopped,",
                    "      spec.alterOffsets, running), the ConfigMap with offsets.json and replay.sh,",
                    "      which applies them in order with kubectl and the annotation",
                    "      strimzi.io/connector-offsets=alter, and resets the Snowflake channels",
                    "      with replay-channels. Needs Strimzi 0.44+ (kafka.strimzi.io/v1: 0.49+).",
                    "  replay-channels (check | reset) PLAN [--force]",
                    "      the Snowflake steps of a replay from the plan.json of replay --strimzi:",
                    "      check lists the channels and refuses as replay does (run it before the",
                    "      stop); reset sets and reads back the channel offset tokens (only while",
                    "      the connector is stopped with its offsets moved). replay.sh runs both.",
                    "",
                    "environment:",
                    "  CONNECT_URL              Connect REST API (default http://localhost:8083)",
                    "  KAFKA_BOOTSTRAP_SERVERS  brokers, for replay (or --bootstrap-servers)",
                    "  SNOWFLAKE_*              for a replay of the Snowflake sink: see",
                    "                           lakestream-snowflake --help",
                    "  LAKESTREAM_REPLAY_RECORD where replays record each channel offset token they",
                    "                           set, one JSON line each (default",
                    "                           lakestream-replays.jsonl in the working directory)",
                    "");

    private ConnectCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** Bad usage: exit code 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    public static int run(
            String[] arguments, Map<String, String> env, PrintStream out, PrintStream err) {
        return run(arguments, env, out, err, ConnectCli::admin);
    }

    /** With the brokers' admin client made by {@code admins} from the bootstrap servers. */
    static int run(
            String[] arguments,
            Map<String, String> env,
            PrintStream out,
            PrintStream err,
            Function<String, Admin> admins) {
        Deque<String> args = new ArrayDeque<>(List.of(arguments));
        if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
            (args.isEmpty() ? err : out).print(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        try {
            URI connectUrl = URI.create(env.getOrDefault("CONNECT_URL", "http://localhost:8083"));
            if ("--connect-url".equals(args.peekFirst())) {
                args.removeFirst();
                connectUrl = URI.create(value(args, "--connect-url"));
            }
            ConnectRestClient rest = new ConnectRestClient(connectUrl);
            String command = args.isEmpty() ? "" : args.removeFirst();
            return switch (command) {
                case "deploy" -> deploy(rest, args, out);
                case "status" -> status(rest, args, out);
                case "replay" -> replay(rest, args, env, out, admins);
                case "replay-channels" -> replayChannels(args, env, out);
                default -> throw new UsageException("unknown command: '" + command + "'");
            };
        } catch (UsageException | ConnectorConfigException | SettingsException e) {
            err.println("error: " + e.getMessage());
            if (e instanceof UsageException) {
                err.print(USAGE);
            }
            return 2;
        } catch (ReplayRefusedException e) {
            err.println("refused: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (ConnectRestException | UncheckedIOException | IllegalStateException e) {
            err.println("failed: " + e.getMessage());
            return 1;
        }
    }

    private static int deploy(ConnectRestClient rest, Deque<String> args, PrintStream out) {
        Duration timeout = Duration.ofSeconds(120);
        List<ConnectorDefinition> definitions = new ArrayList<>();
        while (!args.isEmpty()) {
            String arg = args.removeFirst();
            if (arg.equals("--timeout")) {
                timeout = duration(value(args, "--timeout"));
            } else if (arg.startsWith("--")) {
                throw new UsageException("deploy: unknown option " + arg);
            } else {
                definitions.add(ConnectorDefinition.load(Path.of(arg)));
            }
        }
        if (definitions.isEmpty()) {
            throw new UsageException("deploy: give at least one connector file");
        }
        ConnectorDeployer deployer = new ConnectorDeployer(rest, out);
        boolean allRunning = true;
        for (ConnectorDefinition definition : definitions) {
            allRunning &= deployer.deploy(definition, timeout).running();
        }
        return allRunning ? 0 : 1;
    }

    private static int status(ConnectRestClient rest, Deque<String> args, PrintStream out) {
        if (args.isEmpty()) {
            throw new UsageException("status: give at least one connector name");
        }
        boolean allRunning = true;
        for (String name : args) {
            Optional<JsonNode> status = rest.status(name);
            if (status.isEmpty()) {
                out.printf("%s: no such connector on %s%n", name, rest.base());
                allRunning = false;
                continue;
            }
            out.printf("%s: %s%n", name, ConnectorStates.summary(status.get()));
            List<String> errors = ConnectorStates.errors(status.get());
            errors.forEach(e -> out.printf("  %s%n", e));
            rest.config(name)
                    .ifPresent(
                            config ->
                                    ConnectorDefinition.masked(config)
                                            .forEach(
                                                    (k, v) ->
                                                            out.printf("  config %s=%s%n", k, v)));
            for (JsonNode offset : rest.offsets(name).path("offsets")) {
                JsonNode partition = offset.path("partition");
                out.printf(
                        "  offset %s-%s: %s%n",
                        partition.path("kafka_topic").asText(),
                        partition.path("kafka_partition").asText(),
                        offset.path("offset").path("kafka_offset").asText());
            }
            String state = status.get().path("connector").path("state").asText();
            allRunning &= errors.isEmpty() && "RUNNING".equals(state);
        }
        return allRunning ? 0 : 1;
    }

    private static int replay(
            ConnectRestClient rest,
            Deque<String> args,
            Map<String, String> env,
            PrintStream out,
            Function<String, Admin> admins) {
        if (args.isEmpty() || args.peekFirst().startsWith("--")) {
            throw new UsageException("replay: give the connector name first");
        }
        String name = args.removeFirst();
        ReplayTarget target = null;
        boolean dryRun = false;
        boolean force = false;
        Duration timeout = null;
        String bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
        String namespace = null;
        Path connectorFile = null;
        Path outDir = null;
        while (!args.isEmpty()) {
            String arg = args.removeFirst();
            ReplayTarget next = null;
            switch (arg) {
                case "--to-earliest" -> next = new ReplayTarget.Earliest();
                case "--to-timestamp" ->
                        next = ReplayTarget.timestamp(value(args, "--to-timestamp"));
                case "--to-offsets" -> next = ReplayTarget.offsets(value(args, "--to-offsets"));
                case "--dry-run" -> dryRun = true;
                case "--force" -> force = true;
                case "--timeout" -> timeout = duration(value(args, "--timeout"));
                case "--bootstrap-servers" -> bootstrap = value(args, "--bootstrap-servers");
                case "--strimzi" -> namespace = value(args, "--strimzi");
                case "--connector-file" -> connectorFile = Path.of(value(args, "--connector-file"));
                case "--out" -> outDir = Path.of(value(args, "--out"));
                default -> throw new UsageException("replay: unknown option " + arg);
            }
            if (next != null) {
                if (target != null) {
                    throw new UsageException(
                            "replay: give only one of --to-earliest,"
                                    + " --to-timestamp, --to-offsets");
                }
                target = next;
            }
        }
        if (target == null) {
            throw new UsageException(
                    "replay: give one of --to-earliest, --to-timestamp, --to-offsets");
        }
        boolean strimzi = namespace != null;
        if (!strimzi && (connectorFile != null || outDir != null)) {
            throw new UsageException(
                    "replay: --connector-file and --out belong to --strimzi NAMESPACE");
        }
        if (strimzi && (connectorFile == null || outDir == null || dryRun)) {
            throw new UsageException(
                    "replay --strimzi: give --connector-file (the KafkaConnector's YAML) and --out"
                            + " DIR; it changes nothing anyway, so there is no --dry-run");
        }
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new UsageException(
                    "replay: KAFKA_BOOTSTRAP_SERVERS is not set (or give --bootstrap-servers)");
        }
        // read before the brokers are asked: a wrong file is a usage error, not a Kafka one
        Map<String, String> connectorConfig =
                strimzi ? KafkaConnectorFile.load(connectorFile, name).config() : null;
        ReplayPlan plan;
        try (Admin admin = admins.apply(bootstrap)) {
            ReplayPlanner planner = new ReplayPlanner(admin, rest);
            plan =
                    strimzi
                            ? planner.plan(name, connectorConfig, target)
                            : planner.plan(name, target);
        }
        out.print(plan.describe());
        if (strimzi) {
            StrimziReplay replay =
                    new StrimziReplay(
                            plan,
                            namespace,
                            force,
                            timeout == null ? Duration.ofSeconds(300) : timeout);
            replay.write(outDir);
            out.print(replay.describe(outDir));
            return 0;
        }
        if (dryRun) {
            out.println("dry run: nothing changed");
            return 0;
        }
        ChannelTokenReset channels;
        if (plan.channelResets().isEmpty()) {
            channels = NO_CHANNELS;
        } else {
            // read before the connector is stopped: a missing variable must not leave it so
            SnowflakeSettings settings = SnowflakeSettings.fromEnvironment(env);
            channels = new SnowflakeChannelTokenReset(settings);
        }
        return new Replayer(rest, channels, out, replayRecord(env))
                        .execute(plan, timeout == null ? Duration.ofSeconds(120) : timeout, force)
                ? 0
                : 1;
    }

    /** The Snowflake steps of a replay, from a saved plan: {@code check} or {@code reset}. */
    private static int replayChannels(
            Deque<String> args, Map<String, String> env, PrintStream out) {
        String step = args.isEmpty() ? "" : args.removeFirst();
        if (!step.equals("check") && !step.equals("reset")) {
            throw new UsageException("replay-channels: give check or reset, then the plan file");
        }
        if (args.isEmpty() || args.peekFirst().startsWith("--")) {
            throw new UsageException(
                    "replay-channels: give the plan.json that replay --strimzi wrote");
        }
        ReplayPlan plan = StrimziReplay.readPlan(Path.of(args.removeFirst()));
        boolean force = false;
        while (!args.isEmpty()) {
            String arg = args.removeFirst();
            if (!arg.equals("--force")) {
                throw new UsageException("replay-channels: unknown option " + arg);
            }
            force = true;
        }
        if (plan.channelResets().isEmpty()) {
            out.printf("%s: no Snowflake channels to %s%n", plan.connector(), step);
            return 0;
        }
        ChannelReplay channels =
                new ChannelReplay(
                        new SnowflakeChannelTokenReset(SnowflakeSettings.fromEnvironment(env)),
                        out,
                        replayRecord(env));
        if (step.equals("check")) {
            channels.preflight(plan, force);
            out.printf("   Snowflake agrees: %s may be stopped%n", plan.connector());
        } else {
            channels.reset(plan, force);
        }
        return 0;
    }

    /** Where replays record the channel offset tokens they set ({@link ReplayRecord}). */
    static ReplayRecord replayRecord(Map<String, String> env) {
        return ReplayRecord.jsonLines(
                Path.of(env.getOrDefault("LAKESTREAM_REPLAY_RECORD", "lakestream-replays.jsonl")));
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                        30_000));
    }

    /** A connector other than the Snowflake sink: its plan has no channels, none are asked for. */
    private static final ChannelTokenReset NO_CHANNELS =
            new ChannelTokenReset() {
                @Override
                public List<ChannelOffsetTokens.Channel> channels(String table) {
                    throw new IllegalStateException("not a Snowflake sink: no channels");
                }

                @Override
                public void setOffsetToken(String table, String channel, long offsetToken) {
                    throw new IllegalStateException("not a Snowflake sink: no channels");
                }
            };

    private static String value(Deque<String> args, String option) {
        if (args.isEmpty() || args.peekFirst().startsWith("--")) {
            throw new UsageException(option + " needs a value");
        }
        return args.removeFirst();
    }

    /** {@code 90s}, {@code 5m} or an ISO-8601 duration. */
    static Duration duration(String value) {
        try {
            if (value.matches("\\d+s")) {
                return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            if (value.matches("\\d+m")) {
                return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new UsageException("--timeout: '" + value + "' is not a duration such as 120s");
        }
    }
}
