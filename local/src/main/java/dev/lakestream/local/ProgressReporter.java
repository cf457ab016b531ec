package dev.lakestream.local;

import dev.lakestream.catalog.BronzeChanges;
import dev.lakestream.shop.ShopSchema;
import dev.lakestream.shop.workload.WorkloadStats;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.iceberg.Table;

/**
 * What a person watching the local stack needs to follow it: the job's state, what the generator
 * did, how many changes each bronze table has committed against how many PostgreSQL made, how old
 * the last bronze commit is, and how far the replication slot lags behind the WAL.
 */
final class ProgressReporter {

    private final Connection shop;
    private final String slotName;
    private final Function<String, Table> bronzeTable;
    private final Supplier<String> jobState;
    private final PrintStream out;
    private final Instant started = Instant.now();
    private long lastTransactions;
    private Instant lastTick = Instant.now();

    ProgressReporter(
            Connection shop,
            String slotName,
            Function<String, Table> bronzeTable,
            Supplier<String> jobState,
            PrintStream out) {
        this.shop = shop;
        this.slotName = slotName;
        this.bronzeTable = bronzeTable;
        this.jobState = jobState;
        this.out = out;
    }

    /** Committed bronze rows per table, and PostgreSQL's changes per table. */
    record Totals(Map<String, Long> bronze, Map<String, Long> postgres) {
        long behind() {
            long behind = 0;
            for (var e : postgres.entrySet()) {
                behind += Math.max(0, e.getValue() - bronze.getOrDefault(e.getKey(), 0L));
            }
            return behind;
        }
    }

    Totals totals() throws SQLException {
        Map<String, Map<String, Long>> ledger = ChangeLedger.counts(shop);
        Map<String, Long> bronze = new java.util.LinkedHashMap<>();
        Map<String, Long> postgres = new java.util.LinkedHashMap<>();
        for (String table : ShopSchema.TABLES) {
            bronze.put(table, BronzeChanges.committedRows(bronzeTable.apply(table)));
            postgres.put(table, ChangeLedger.total(ledger.get(table)));
        }
        return new Totals(bronze, postgres);
    }

    void report(WorkloadStats generator) {
        try {
            Totals totals = totals();
            Instant now = Instant.now();
            long tx = generator == null ? 0 : generator.transactions();
            double seconds = Math.max(0.001, Duration.between(lastTick, now).toMillis() / 1000.0);
            double rate = (tx - lastTransactions) / seconds;
            lastTransactions = tx;
            lastTick = now;
            out.printf(
                    "%n[%s] job %s | generator %,d tx (%.1f tx/s) | slot lag %s | last bronze"
                            + " commit %s%n",
                    elapsed(Duration.between(started, now)),
                    jobState.get(),
                    tx,
                    rate,
                    slotLag(),
                    lastCommitAge(now));
            out.printf(
                    "  %-18s %16s %16s %10s%n",
                    "table", "changes in PG", "rows in bronze", "behind");
            for (String table : ShopSchema.TABLES) {
                long pg = totals.postgres().get(table);
                long br = totals.bronze().get(table);
                out.printf("  %-18s %,16d %,16d %,10d%n", table, pg, br, Math.max(0, pg - br));
            }
        } catch (SQLException | RuntimeException e) {
            out.println("  (progress unavailable: " + e.getMessage() + ")");
        }
    }

    private String slotLag() throws SQLException {
        try (PreparedStatement ps =
                shop.prepareStatement(
                        "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) FROM"
                                + " pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slotName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getObject(1) == null) {
                    return "n/a (no slot yet)";
                }
                long bytes = rs.getLong(1);
                return bytes < 1024 ? bytes + " B" : String.format("%,d kB", bytes / 1024);
            }
        }
    }

    private String lastCommitAge(Instant now) {
        long newest = 0;
        for (String table : ShopSchema.TABLES) {
            Table t = bronzeTable.apply(table);
            t.refresh();
            if (t.currentSnapshot() != null) {
                newest = Math.max(newest, t.currentSnapshot().timestampMillis());
            }
        }
        if (newest == 0) {
            return "none yet";
        }
        return Duration.between(Instant.ofEpochMilli(newest), now).toSeconds() + " s ago";
    }

    private static String elapsed(Duration d) {
        return String.format("%02d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }
}
