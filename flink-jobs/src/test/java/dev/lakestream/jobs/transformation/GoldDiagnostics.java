package dev.lakestream.jobs.transformation;

import dev.lakestream.catalog.BronzeChanges;
import dev.lakestream.catalog.BronzeTables;
import dev.lakestream.catalog.SilverTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * When gold differs from SQL: the orders of each differing key, their lines in PG, silver and
 * bronze.
 */
final class GoldDiagnostics {

    private GoldDiagnostics() {}

    static String explain(
            Connection c, Catalog catalog, Map<String, String> expected, Map<String, String> actual)
            throws Exception {
        StringBuilder b = new StringBuilder();
        TreeSet<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String key : keys) {
            if (Objects.equals(expected.get(key), actual.get(key))) {
                continue;
            }
            b.append(key)
                    .append("\n  SQL   ")
                    .append(expected.get(key))
                    .append("\n  KAFKA ")
                    .append(actual.get(key))
                    .append('\n');
            String[] parts = key.split("\\|");
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "SELECT o.order_id FROM shop.orders o JOIN shop.stores s USING (store_id)"
                                    + " WHERE (o.created_at AT TIME ZONE s.time_zone)::date = ?::date"
                                    + " AND o.store_id = ?")) {
                ps.setString(1, parts[0]);
                ps.setLong(2, Long.parseLong(parts[1]));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long order = rs.getLong(1);
                        b.append("  order ").append(order).append('\n');
                        b.append("    pg lines     ").append(pgLines(c, order)).append('\n');
                        b.append("    silver lines ")
                                .append(silverLines(catalog, order))
                                .append('\n');
                        b.append("    bronze lines ")
                                .append(bronzeLines(catalog, order))
                                .append('\n');
                    }
                }
            }
        }
        return b.toString();
    }

    private static List<String> pgLines(Connection c, long order) throws Exception {
        List<String> lines = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT line_no, quantity, unit_price FROM shop.order_lines WHERE order_id = ?"
                                + " ORDER BY line_no")) {
            ps.setLong(1, order);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lines.add(rs.getInt(1) + ":" + rs.getInt(2) + "x" + rs.getBigDecimal(3));
                }
            }
        }
        return lines;
    }

    private static List<String> silverLines(Catalog catalog, long order) throws Exception {
        Table t =
                catalog.loadTable(
                        SilverTables.definitionFor("silver", "shop.order_lines").identifier());
        t.refresh();
        List<String> lines = new ArrayList<>();
        try (CloseableIterable<Record> rows = IcebergGenerics.read(t).build()) {
            for (Record r : rows) {
                if (((Long) r.getField("order_id")) == order) {
                    lines.add(
                            r.getField("line_no")
                                    + ":"
                                    + r.getField("quantity")
                                    + "x"
                                    + r.getField("unit_price")
                                    + "@"
                                    + r.getField("_lsn"));
                }
            }
        }
        return lines;
    }

    private static List<String> bronzeLines(Catalog catalog, long order) {
        Table t = catalog.loadTable(BronzeTables.identifierFor("bronze", "shop.order_lines"));
        List<String> events = new ArrayList<>();
        for (BronzeChanges.Change ch : BronzeChanges.readAll(t)) {
            if (ch.key().startsWith("{\"order_id\":" + order + ",")) {
                events.add(ch.op() + "@" + ch.lsn() + " " + ch.key());
            }
        }
        events.sort(null);
        return events;
    }
}
