package dev.lakestream.snowflake.verify;

import dev.lakestream.snowflake.migration.SnowflakeObjects;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a migrated schema the way an operator would: every table and view exists, the stream is
 * append-only and not stale, the task is started. Each problem is one line saying what to do.
 */
public final class SchemaVerifier {

    private final Connection connection;

    public SchemaVerifier(Connection connection) {
        this.connection = connection;
    }

    /**
     * @return the problems found; empty if the schema is as the migrations leave it
     */
    public List<String> problems() throws SQLException {
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, String>> tables = show("SHOW TABLES");
        for (String table : SnowflakeObjects.TABLES) {
            if (!tables.containsKey(table)) {
                problems.add("table " + table + " is missing: run migrate");
            }
        }
        Map<String, Map<String, String>> views = show("SHOW VIEWS");
        for (String view : SnowflakeObjects.VIEWS) {
            if (!views.containsKey(view)) {
                problems.add("view " + view + " is missing: run migrate");
            }
        }
        Map<String, Map<String, String>> streams = show("SHOW STREAMS");
        for (String stream : SnowflakeObjects.STREAMS) {
            Map<String, String> row = streams.get(stream);
            if (row == null) {
                problems.add("stream " + stream + " is missing: run migrate");
            } else if ("true".equalsIgnoreCase(row.get("stale"))) {
                problems.add(
                        "stream "
                                + stream
                                + " is stale (unread past the table's retention): recreate it"
                                + " and replay the connector");
            }
        }
        Map<String, Map<String, String>> tasks = show("SHOW TASKS");
        for (String task : SnowflakeObjects.TASKS) {
            Map<String, String> row = tasks.get(task);
            if (row == null) {
                problems.add("task " + task + " is missing: run migrate");
            } else if (!"started".equalsIgnoreCase(row.get("state"))) {
                problems.add(
                        "task "
                                + task
                                + " is "
                                + row.get("state")
                                + ": run migrate (it resumes tasks last) or ALTER TASK "
                                + task
                                + " RESUME");
            }
        }
        return problems;
    }

    /** The states of the tasks and streams, for {@code status}. */
    public List<String> describe() throws SQLException {
        List<String> lines = new ArrayList<>();
        show("SHOW TASKS")
                .forEach(
                        (name, row) ->
                                lines.add(
                                        "task "
                                                + name
                                                + ": "
                                                + row.get("state")
                                                + ", schedule "
                                                + row.get("schedule")));
        show("SHOW STREAMS")
                .forEach(
                        (name, row) ->
                                lines.add(
                                        "stream "
                                                + name
                                                + ": stale="
                                                + row.get("stale")
                                                + ", stale after "
                                                + row.get("stale_after")));
        return lines;
    }

    /** A SHOW command in the current schema: name -> column -> value. */
    private Map<String, Map<String, String>> show(String command) throws SQLException {
        Map<String, Map<String, String>> rows = new HashMap<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(command + " IN SCHEMA")) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, String> row = new HashMap<>();
                for (int i = 1; i <= columns; i++) {
                    row.put(
                            rs.getMetaData().getColumnLabel(i).toLowerCase(Locale.ROOT),
                            rs.getString(i));
                }
                rows.put(row.get("name"), row);
            }
        }
        return rows;
    }
}
