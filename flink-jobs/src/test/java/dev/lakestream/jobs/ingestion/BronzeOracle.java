package dev.lakestream.jobs.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakestream.catalog.BronzeChanges.Change;
import dev.lakestream.shop.ShopSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What bronze must hold, computed independently of the pipeline: row triggers in PostgreSQL record
 * every committed row change (the audit log), and the tables themselves give the final state. The
 * audit tables live outside the captured publication, so they are never captured.
 *
 * <p>Checks: per table, key and operation the captured changes equal the audited ones in the same
 * order (LSN order vs. execution order, which agree per row); no (table, key, LSN) appears twice;
 * every row present before the job started was snapshotted exactly once; and folding bronze per key
 * (filling unchanged TOAST columns from earlier images) gives the current row.
 */
final class BronzeOracle {

    static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private BronzeOracle() {}

    static void installAudit(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS audit");
            s.execute(
                    "CREATE TABLE IF NOT EXISTS audit.changes (id bigserial PRIMARY KEY, tbl text"
                            + " NOT NULL, op text NOT NULL, image jsonb NOT NULL)");
            s.execute(
                    "CREATE OR REPLACE FUNCTION audit.capture() RETURNS trigger LANGUAGE plpgsql AS"
                            + " $$ BEGIN INSERT INTO audit.changes(tbl, op, image) VALUES"
                            + " (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, CASE TG_OP WHEN 'INSERT'"
                            + " THEN 'c' WHEN 'UPDATE' THEN 'u' ELSE 'd' END, CASE WHEN TG_OP ="
                            + " 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END); RETURN NULL;"
                            + " END $$");
            for (String table : ShopSchema.TABLES) {
                String trigger = "audit_" + table.replace('.', '_');
                s.execute("DROP TRIGGER IF EXISTS " + trigger + " ON " + table);
                s.execute(
                        "CREATE TRIGGER "
                                + trigger
                                + " AFTER INSERT OR UPDATE OR DELETE ON "
                                + table
                                + " FOR EACH ROW EXECUTE FUNCTION audit.capture()");
            }
        }
    }

    /** Row counts per table, e.g. the rows a snapshot must read. */
    static Map<String, Long> rowCounts(Connection c) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Statement s = c.createStatement()) {
            for (String table : ShopSchema.TABLES) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        }
        return counts;
    }

    /** Audited changes per table, in execution order. */
    static Map<String, List<String[]>> audited(Connection c) throws Exception {
        Map<String, List<String[]>> byTable = new HashMap<>();
        for (String table : ShopSchema.TABLES) {
            byTable.put(table, new ArrayList<>());
        }
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT tbl, op, image::text FROM audit.changes ORDER BY id")) {
            while (rs.next()) {
                String table = rs.getString(1);
                String key = keyOf(table, JSON.readTree(rs.getString(3)));
                byTable.get(table).add(new String[] {key, rs.getString(2)});
            }
        }
        return byTable;
    }

    static long auditedCount(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT count(*) FROM audit.changes WHERE tbl = '" + table + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Current rows of a table as JSON, by key. */
    static Map<String, JsonNode> currentRows(Connection c, String table) throws Exception {
        Map<String, JsonNode> rows = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT to_jsonb(t)::text FROM " + table + " t")) {
            while (rs.next()) {
                JsonNode row = JSON.readTree(rs.getString(1));
                rows.put(keyOf(table, row), row);
            }
        }
        return rows;
    }

    static String keyOf(String table, JsonNode image) {
        return ShopSchema.primaryKey(table).stream()
                .map(column -> image.get(column).asText())
                .collect(Collectors.joining("|"));
    }

    /**
     * Asserts bronze for one table.
     *
     * @param snapshotKeys keys present when the job started (each must be read exactly once)
     * @param audited audited changes after the snapshot, in execution order
     */
    static void assertExact(
            String table,
            List<Change> bronze,
            Set<String> snapshotKeys,
            List<String[]> audited,
            Map<String, JsonNode> current)
            throws Exception {
        // no (key, lsn) twice among changes
        Set<String> seen = new HashSet<>();
        for (Change change : bronze) {
            if (!change.op().equals("r")) {
                assertThat(seen.add(change.key() + "@" + change.lsn()))
                        .as(
                                "%s: change %s at LSN %d is in bronze twice",
                                table, change.key(), change.lsn())
                        .isTrue();
            }
        }

        // snapshot: exactly the rows present at start, once each
        Map<String, Long> reads =
                bronze.stream()
                        .filter(c -> c.op().equals("r"))
                        .collect(
                                Collectors.groupingBy(
                                        c -> bronzeKey(table, c), Collectors.counting()));
        assertThat(reads.keySet()).as("%s: snapshot keys", table).isEqualTo(snapshotKeys);
        assertThat(reads.values())
                .as("%s: each row snapshotted once", table)
                .allMatch(n -> n == 1L);

        // streamed changes: per key, same operations in the same order as executed
        Map<String, List<String>> expected = new HashMap<>();
        for (String[] a : audited) {
            expected.computeIfAbsent(a[0], k -> new ArrayList<>()).add(a[1]);
        }
        Map<String, List<String>> actual = new HashMap<>();
        bronze.stream()
                .filter(c -> !c.op().equals("r"))
                .sorted(Comparator.comparingLong(Change::lsn))
                .forEach(
                        c ->
                                actual.computeIfAbsent(bronzeKey(table, c), k -> new ArrayList<>())
                                        .add(c.op()));
        assertThat(actual).as("%s: operations per key in LSN order", table).isEqualTo(expected);

        // folding bronze per key gives today's rows
        Map<String, List<Change>> byKey =
                bronze.stream().collect(Collectors.groupingBy(c -> bronzeKey(table, c)));
        Map<String, ObjectNode> folded = new HashMap<>();
        for (Map.Entry<String, List<Change>> e : byKey.entrySet()) {
            List<Change> events = new ArrayList<>(e.getValue());
            // the snapshot read comes before every streamed change of its key
            events.sort(
                    Comparator.comparing((Change c) -> c.op().equals("r") ? 0 : 1)
                            .thenComparingLong(Change::lsn));
            ObjectNode state = null;
            for (Change c : events) {
                if (c.op().equals("d")) {
                    assertThat(c.after()).isNull();
                    assertThat(JSON.readTree(c.before()).size())
                            .as("%s: a delete's before image holds only the key", table)
                            .isEqualTo(ShopSchema.primaryKey(table).size());
                    state = null;
                } else {
                    ObjectNode after = (ObjectNode) JSON.readTree(c.after());
                    assertThat(c.after()).doesNotContain("__debezium_unavailable_value");
                    for (String missing : c.unavailableColumns()) {
                        assertThat(state)
                                .as(
                                        "%s: TOAST column %s unchanged but no earlier image",
                                        table, missing)
                                .isNotNull();
                        after.set(missing, state.get(missing));
                    }
                    state = after;
                }
            }
            if (state != null) {
                folded.put(e.getKey(), state);
            }
        }
        assertThat(folded.keySet()).as("%s: live keys", table).isEqualTo(current.keySet());
        for (Map.Entry<String, JsonNode> e : current.entrySet()) {
            assertSameRow(table, e.getKey(), e.getValue(), folded.get(e.getKey()));
        }
    }

    /**
     * Folds bronze per key in LSN order alone, snapshot reads included at their own LSN, as
     * silver's applier does, and checks the result is today's table. Unlike {@link #assertExact} it
     * does not put snapshot reads first, so it also holds after a re-snapshot.
     */
    static void assertLsnOrderedFoldIsTheTable(
            String table, List<Change> bronze, Map<String, JsonNode> current) throws Exception {
        Map<String, List<Change>> byKey =
                bronze.stream().collect(Collectors.groupingBy(c -> bronzeKey(table, c)));
        Map<String, ObjectNode> folded = new HashMap<>();
        for (Map.Entry<String, List<Change>> e : byKey.entrySet()) {
            List<Change> events = new ArrayList<>(e.getValue());
            events.sort(Comparator.comparingLong(Change::lsn));
            ObjectNode state = null;
            for (Change c : events) {
                if (c.op().equals("d")) {
                    state = null;
                    continue;
                }
                ObjectNode after = (ObjectNode) JSON.readTree(c.after());
                for (String missing : c.unavailableColumns()) {
                    if (state != null) {
                        after.set(missing, state.get(missing));
                    }
                }
                state = after;
            }
            if (state != null) {
                folded.put(e.getKey(), state);
            }
        }
        assertThat(folded.keySet()).as("%s: live keys", table).isEqualTo(current.keySet());
        for (Map.Entry<String, JsonNode> e : current.entrySet()) {
            assertSameRow(table, e.getKey(), e.getValue(), folded.get(e.getKey()));
        }
    }

    private static String bronzeKey(String table, Change change) {
        try {
            return keyOf(table, JSON.readTree(change.key()));
        } catch (Exception e) {
            throw new AssertionError("bad key JSON " + change.key(), e);
        }
    }

    private static void assertSameRow(
            String table, String key, JsonNode expected, JsonNode actual) {
        assertThat(fieldNames(actual))
                .as("%s %s columns", table, key)
                .isEqualTo(fieldNames(expected));
        for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
            String column = it.next();
            JsonNode want = expected.get(column);
            JsonNode got = actual.get(column);
            if (want.isTextual() && got.isTextual() && looksLikeTimestamp(want.asText())) {
                assertThat(OffsetDateTime.parse(got.asText()).toInstant())
                        .as("%s %s.%s", table, key, column)
                        .isEqualTo(OffsetDateTime.parse(want.asText()).toInstant());
            } else if (want.isNumber()) {
                assertThat(got.isNumber())
                        .as("%s %s.%s is a number: %s", table, key, column, got)
                        .isTrue();
                assertThat(got.decimalValue().toPlainString())
                        .as("%s %s.%s", table, key, column)
                        .isEqualTo(want.decimalValue().toPlainString());
            } else {
                assertThat(got).as("%s %s.%s", table, key, column).isEqualTo(want);
            }
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static boolean looksLikeTimestamp(String s) {
        if (s.length() < 20 || s.charAt(10) != 'T') {
            return false;
        }
        try {
            OffsetDateTime.parse(s);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
