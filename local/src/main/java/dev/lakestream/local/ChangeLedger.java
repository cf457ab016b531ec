package dev.lakestream.local;

import dev.lakestream.shop.ShopSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A ledger of every row change PostgreSQL commits to the shop tables, kept by row triggers in a
 * schema of its own ({@code lakestream_ledger}, outside the captured publication). It is the local
 * stack's independent account of "the events the generator made": transactional, so it survives a
 * hard kill, and counted per table and operation to compare with bronze.
 */
final class ChangeLedger {

    static final String SCHEMA = "lakestream_ledger";

    private ChangeLedger() {}

    static void install(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            s.execute(
                    "CREATE TABLE IF NOT EXISTS "
                            + SCHEMA
                            + ".counts (tbl text NOT NULL, op text NOT NULL, n bigint NOT NULL,"
                            + " PRIMARY KEY (tbl, op))");
            s.execute(
                    "CREATE OR REPLACE FUNCTION "
                            + SCHEMA
                            + ".count_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " INSERT INTO "
                            + SCHEMA
                            + ".counts AS c (tbl, op, n) VALUES (TG_TABLE_SCHEMA || '.' ||"
                            + " TG_TABLE_NAME, CASE TG_OP WHEN 'INSERT' THEN 'c' WHEN 'UPDATE'"
                            + " THEN 'u' ELSE 'd' END, 1) ON CONFLICT (tbl, op) DO UPDATE SET n ="
                            + " c.n + 1; RETURN NULL; END $$");
            for (String table : ShopSchema.TABLES) {
                String trigger = "ledger_" + table.replace('.', '_');
                s.execute(
                        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = '"
                                + trigger
                                + "') THEN CREATE TRIGGER "
                                + trigger
                                + " AFTER INSERT OR UPDATE OR DELETE ON "
                                + table
                                + " FOR EACH ROW EXECUTE FUNCTION "
                                + SCHEMA
                                + ".count_change(); END IF; END $$");
            }
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /** Committed changes per table and operation ({@code c}, {@code u}, {@code d}). */
    static Map<String, Map<String, Long>> counts(Connection c) throws SQLException {
        Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
        for (String table : ShopSchema.TABLES) {
            Map<String, Long> ops = new LinkedHashMap<>();
            ops.put("c", 0L);
            ops.put("u", 0L);
            ops.put("d", 0L);
            counts.put(table, ops);
        }
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT tbl, op, n FROM " + SCHEMA + ".counts")) {
            while (rs.next()) {
                Map<String, Long> ops = counts.get(rs.getString(1));
                if (ops != null) {
                    ops.put(rs.getString(2), rs.getLong(3));
                }
            }
        }
        return counts;
    }

    static long total(Map<String, Long> ops) {
        return ops.values().stream().mapToLong(Long::longValue).sum();
    }
}
