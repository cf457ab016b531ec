package dev.lakestream.ops.lineage;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** The lineage report as a person reads it. */
final class LineageText {

    private LineageText() {}

    static void print(GoldLineage.Report r, PrintStream out) {
        Map<String, Object> g = r.gold();
        out.printf(
                "gold sales_daily_metrics %s store %d: version %d, %s orders, net revenue %s %s%n",
                r.saleDate(),
                r.storeId(),
                r.version(),
                g.get("order_count"),
                GoldLineage.money(g.get("net_revenue")),
                g.get("currency"));
        out.printf(
                "  published by %s (job %s) in checkpoint %d: gold snapshot %s%n",
                r.job(), r.jobId(), r.checkpoint(), orUnknown(r.goldSnapshot()));
        r.silverSnapshots()
                .forEach(
                        (table, snapshot) ->
                                out.printf(
                                        "  silver %s as of that checkpoint: snapshot %s%n",
                                        table, orUnknown(snapshot)));
        out.println(
                r.kafka() == null
                        ? "  Kafka: no record of this version found in " + r.topic()
                        : String.format(
                                "  Kafka %s partition %d offset %d",
                                r.topic(), r.kafka().partition(), r.kafka().offset()));
        out.printf("orders of the row: %d %s%n", r.orders().size(), r.orders());
        out.printf("source changes behind it: %d%n", r.changes().size());
        if (r.changes().stream().anyMatch(c -> c.position() >= 0 && isFix(c))) {
            out.println(
                    "  (fix@: a refused change fixed and re-injected from quarantine; see"
                            + " ./lakestream quarantine list --status reinjected)");
        }
        header(out);
        r.changes().forEach(c -> change(c, out));
        if (!r.readSince().isEmpty()) {
            out.printf("read since, without changing the row's KPIs: %d%n", r.readSince().size());
            r.readSince().forEach(c -> change(c, out));
        }
        if (r.notReadYet() > 0) {
            out.printf(
                    "not read by the TransformationJob yet: %d newer changes of these orders%n",
                    r.notReadYet());
        }
        if (!r.feeds().isEmpty()) {
            out.println("feed records behind its exchange rate and visitors:");
            // one line per request or file, its records' positions listed
            Map<String, java.util.List<GoldLineage.SourceChange>> byOrigin =
                    new java.util.LinkedHashMap<>();
            for (GoldLineage.SourceChange c : r.feeds()) {
                byOrigin.computeIfAbsent(
                                c.table()
                                        + " "
                                        + c.origin()
                                        + ", bronze checkpoint "
                                        + orUnknown(c.bronzeCheckpoint())
                                        + " snapshot "
                                        + orUnknown(c.bronzeSnapshot()),
                                k -> new java.util.ArrayList<>())
                        .add(c);
            }
            byOrigin.forEach(
                    (origin, records) ->
                            out.printf(
                                    "  %s: %d record(s), positions %s%n",
                                    origin,
                                    records.size(),
                                    records.stream()
                                            .map(c -> String.valueOf(c.originPosition()))
                                            .collect(java.util.stream.Collectors.joining(","))));
        }
    }

    private static void header(PrintStream out) {
        out.printf(
                "  %-16s %-2s %-30s %-20s %-7s %-28s %s%n",
                "table",
                "op",
                "key",
                "LSN",
                "tx",
                "bronze checkpoint/snapshot",
                "read in checkpoint/silver snapshot");
    }

    private static void change(GoldLineage.SourceChange c, PrintStream out) {
        out.printf(
                "  %-16s %-2s %-30s %-20s %-7s %-28s %s%n",
                c.table(),
                c.op(),
                c.key(),
                "r".equals(c.op())
                        ? "snapshot@" + lsn(c.position())
                        : isFix(c) ? "fix@" + lsn(c.position()) : lsn(c.position()),
                c.txId() == null ? "" : c.txId(),
                orUnknown(c.bronzeCheckpoint()) + " / " + orUnknown(c.bronzeSnapshot()),
                orUnknown(c.consumedCheckpoint()) + " / " + orUnknown(c.silverSnapshot()));
    }

    private static boolean isFix(GoldLineage.SourceChange c) {
        return c.origin() != null
                && c.origin()
                        .startsWith(dev.lakestream.catalog.BronzeTables.CORRECTION_ORIGIN_PREFIX);
    }

    /** PostgreSQL's notation of an LSN, e.g. 0/16B3748. */
    static String lsn(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase(Locale.ROOT)
                + "/"
                + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase(Locale.ROOT);
    }

    private static String orUnknown(Object value) {
        return value == null ? "?" : value.toString();
    }
}
