package dev.lakestream.snowflake.cli;

import dev.lakestream.snowflake.connection.SettingsException;
import dev.lakestream.snowflake.connection.SnowflakeConnections;
import dev.lakestream.snowflake.connection.SnowflakeSettings;
import dev.lakestream.snowflake.migration.SnowflakeMigrations;
import dev.lakestream.snowflake.verify.SchemaVerifier;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * {@code migrate}, {@code status} and {@code verify} of the Snowflake schema, configured from the
 * environment ({@link SnowflakeSettings}). Exit codes: 0 ok, 1 failure (Snowflake refused, or
 * verify found problems), 2 bad usage or configuration.
 */
public final class SnowflakeCli {

    static final String USAGE =
            String.join(
                    "\n",
                    "usage: lakestream-snowflake <command>",
                    "",
                    "commands:",
                    "  migrate   apply pending migrations (db/snowflake), then resume the tasks",
                    "  status    applied and pending migrations, task and stream states",
                    "  verify    check tables, views, stream (not stale) and tasks (started)",
                    "",
                    "environment (key-pair authentication only):",
                    "  SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_DATABASE, SNOWFLAKE_SCHEMA",
                    "  SNOWFLAKE_PRIVATE_KEY (unencrypted PKCS#8) or SNOWFLAKE_PRIVATE_KEY_FILE",
                    "    [+ SNOWFLAKE_PRIVATE_KEY_PASSPHRASE]",
                    "  SNOWFLAKE_ROLE, SNOWFLAKE_WAREHOUSE, SNOWFLAKE_HOST (optional)",
                    "");

    private SnowflakeCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.length != 1 || args[0].equals("-h") || args[0].equals("--help")) {
            (args.length == 1 ? out : err).print(USAGE);
            return args.length == 1 ? 0 : 2;
        }
        String command = args[0];
        if (!List.of("migrate", "status", "verify").contains(command)) {
            err.println("unknown command: " + command);
            err.print(USAGE);
            return 2;
        }
        SnowflakeSettings settings;
        try {
            settings = SnowflakeSettings.fromEnvironment(env);
        } catch (SettingsException e) {
            err.println("configuration error: " + e.getMessage());
            return 2;
        }
        out.println("connecting: " + settings);
        SnowflakeConnections connections = new SnowflakeConnections(settings);
        Flyway flyway = SnowflakeMigrations.flyway(connections, settings.schema());
        try {
            switch (command) {
                case "migrate" -> {
                    MigrateResult result = flyway.migrate();
                    out.printf(
                            "migrated %s.%s: %d migration(s) applied, now at version %s; tasks"
                                    + " resumed%n",
                            settings.database(),
                            settings.schema(),
                            result.migrationsExecuted,
                            result.targetSchemaVersion);
                    return 0;
                }
                case "status" -> {
                    for (MigrationInfo info : flyway.info().all()) {
                        out.printf(
                                "  %-4s %-40s %s%n",
                                info.getVersion() == null ? "" : info.getVersion(),
                                info.getDescription(),
                                info.getState().getDisplayName());
                    }
                    try (Connection c = connections.getConnection()) {
                        new SchemaVerifier(c).describe().forEach(line -> out.println("  " + line));
                    }
                    return 0;
                }
                default -> {
                    flyway.validate();
                    List<String> problems;
                    try (Connection c = connections.getConnection()) {
                        problems = new SchemaVerifier(c).problems();
                    }
                    if (problems.isEmpty()) {
                        out.println("verify: ok");
                        return 0;
                    }
                    problems.forEach(p -> err.println("verify: " + p));
                    return 1;
                }
            }
        } catch (FlywayException | SQLException e) {
            err.println(command + " failed: " + e.getMessage());
            return 1;
        }
    }
}
