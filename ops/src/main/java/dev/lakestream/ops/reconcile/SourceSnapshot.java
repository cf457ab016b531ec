package dev.lakestream.ops.reconcile;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The source side of a cycle: one {@code REPEATABLE READ, READ ONLY} transaction on PostgreSQL, so
 * every range and every row fetched later in the cycle comes from the same snapshot. Checksums are
 * computed server-side ({@link CanonicalRow#sql()}, {@link RowHash#sql(String)}); only one row per
 * range, and the rows of ranges that differ, cross the network.
 */
public final class SourceSnapshot implements AutoCloseable {

    private final Connection connection;

    private SourceSnapshot(Connection connection) {
        this.connection = connection;
    }

    /** Opens the snapshot; the first query fixes it. */
    public static SourceSnapshot open(String jdbcUrl, Properties properties) throws SQLException {
        Connection c = DriverManager.getConnection(jdbcUrl, properties);
        try {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try (Statement s = c.createStatement()) {
                // fixes the snapshot now, not at the first (maybe much later) table query
                s.execute("SELECT 1");
            }
            return new SourceSnapshot(c);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Rows and checksum per range index of the first key column. */
    public Map<Long, RangeSummary> ranges(CanonicalRow row, long width) throws SQLException {
        String k = "t." + row.keyColumns().get(0);
        String sql =
                "SELECT floor("
                        + k
                        + "::numeric / ?)::bigint AS r, count(*), sum("
                        + RowHash.sql(row.sql())
                        + "::numeric) FROM "
                        + row.sourceTable()
                        + " t GROUP BY 1";
        Map<Long, RangeSummary> ranges = new TreeMap<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setLong(1, width);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ranges.put(
                            rs.getLong(1),
                            new RangeSummary(rs.getLong(2), RowHash.wrap(rs.getBigDecimal(3))));
                }
            }
        }
        return ranges;
    }

    /** Each row of a range: its key and {@link RowHash}. */
    public Map<RowKey, Long> rows(CanonicalRow row, KeyRange range) throws SQLException {
        List<String> key = row.keyColumns();
        String sql =
                "SELECT "
                        + String.join(", ", key.stream().map(c -> "t." + c).toList())
                        + ", md5("
                        + row.sql()
                        + ") FROM "
                        + row.sourceTable()
                        + " t WHERE t."
                        + key.get(0)
                        + " BETWEEN ? AND ?";
        Map<RowKey, Long> rows = new TreeMap<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setLong(1, range.start());
            ps.setLong(2, range.end());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<Long> values = new ArrayList<>();
                    for (int i = 1; i <= key.size(); i++) {
                        values.add(rs.getLong(i));
                    }
                    rows.put(new RowKey(values), RowHash.ofMd5Hex(rs.getString(key.size() + 1)));
                }
            }
        }
        return rows;
    }

    /** The canonical text of one source row, for the unit test that holds it against Java's. */
    String text(CanonicalRow row, String where) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT "
                                        + row.sql()
                                        + " FROM "
                                        + row.sourceTable()
                                        + " t WHERE "
                                        + where)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            connection.rollback();
        } finally {
            connection.close();
        }
    }
}
