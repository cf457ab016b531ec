package dev.lakestream.ops;

import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.jobs.transformation.TransformationConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./lakestream <command> --config transformation.properties [--source-config
 * ingestion.properties] [options]}: the operator's commands beside the jobs.
 *
 * <pre>
 *  lineage     the source changes, snapshots and Kafka offsets behind a gold row
 *  reconcile   source vs silver and silver vs gold, once or every few minutes
 *  quarantine  list, fix and re-inject quarantined changes
 * </pre>
 *
 * Secrets come from the environment as for the jobs ({@code LAKESTREAM_CATALOG_JDBC_PASSWORD},
 * ...).
 */
public final class OpsCli {

    private OpsCli() {}

    /** The commands, by name, in usage order. */
    public static Map<String, OpsCommand> commands() {
        Map<String, OpsCommand> commands = new LinkedHashMap<>();
        commands.put("lineage", new dev.lakestream.ops.lineage.LineageCommand());
        commands.put("reconcile", new dev.lakestream.ops.reconcile.ReconcileCommand());
        commands.put("quarantine", new dev.lakestream.ops.quarantine.QuarantineCommand());
        return commands;
    }

    public static String usage() {
        StringBuilder s =
                new StringBuilder(
                        "usage: ./lakestream <command> --config <transformation.properties>"
                                + " [--source-config <ingestion.properties>] [options]\n"
                                + "commands:\n");
        commands().forEach((name, c) -> s.append(String.format("  %-11s %s%n", name, c.summary())));
        s.append("'./lakestream <command> --help' lists a command's options");
        return s.toString();
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** Parses the common options, loads the configurations and runs the command. */
    public static int run(
            String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        if (args.length == 0 || List.of("help", "-h", "--help").contains(args[0])) {
            out.println(usage());
            return args.length == 0 ? 2 : 0;
        }
        OpsCommand command = commands().get(args[0]);
        if (command == null) {
            err.println("lakestream: unknown command '" + args[0] + "'");
            err.println(usage());
            return 2;
        }
        Path config = null;
        Path sourceConfig = null;
        List<String> rest = new ArrayList<>();
        try {
            for (int i = 1; i < args.length; i++) {
                switch (args[i]) {
                    case "--config" -> config = Path.of(value(args, ++i, "--config"));
                    case "--source-config" ->
                            sourceConfig = Path.of(value(args, ++i, "--source-config"));
                    case "--help", "-h" -> {
                        out.println(command.usage());
                        return 0;
                    }
                    default -> rest.add(args[i]);
                }
            }
            if (config == null) {
                throw new InvalidSettingException(
                        "--config",
                        "is required: name the TransformationJob's configuration file (catalog,"
                                + " namespaces, gold topic)");
            }
            OpsContext context =
                    new OpsContext(
                            TransformationConfig.load(config, environment),
                            Optional.ofNullable(sourceConfig)
                                    .map(f -> IngestionConfig.load(f, environment)),
                            out);
            return command.run(context, rest);
        } catch (IllegalArgumentException e) {
            err.println("lakestream " + args[0] + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("lakestream " + args[0] + ": " + e);
            return 1;
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}
