package dev.lakestream.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakestream.verification.gold.GoldTopicReader;
import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;

/** Prints gold {@code sales_daily_metrics} as read from Kafka: the live KPI table. */
final class GoldBoard {

    private GoldBoard() {}

    /**
     * The newest sale date's KPIs per store (the shop's "today"), and the newest date whose rows
     * already carry the late feeds (the day's exchange rate and door-counter visitors).
     */
    static void print(String bootstrapServers, String topic, PrintStream out) {
        try {
            Map<String, JsonNode> gold = GoldTopicReader.current(bootstrapServers, topic);
            if (gold.isEmpty()) {
                out.println("  gold: no KPIs published yet");
                return;
            }
            TreeMap<String, JsonNode> byKey = new TreeMap<>(gold);
            String latest = byKey.lastKey().split("\\|")[0];
            String complete = null;
            for (String date :
                    byKey.descendingKeySet().stream()
                            .map(k -> k.split("\\|")[0])
                            .distinct()
                            .toList()) {
                boolean allIn =
                        byKey.entrySet().stream()
                                .filter(e -> e.getKey().startsWith(date + "|"))
                                .allMatch(
                                        e ->
                                                !e.getValue().path("net_revenue_reporting").isNull()
                                                        && !e.getValue().path("visitors").isNull());
                if (allIn) {
                    complete = date;
                    break;
                }
            }
            out.printf(
                    "  gold sales_daily_metrics on Kafka: %d keys; %s per store:%n",
                    gold.size(), latest);
            day(byKey, latest, out);
            if (complete != null && !complete.equals(latest)) {
                out.printf("  newest day with its exchange rate and visitors in: %s%n", complete);
                day(byKey, complete, out);
            }
        } catch (RuntimeException e) {
            out.println("  gold: unavailable (" + e.getMessage() + ")");
        }
    }

    private static void day(Map<String, JsonNode> gold, String date, PrintStream out) {
        header(out);
        gold.forEach(
                (key, value) -> {
                    if (key.startsWith(date + "|")) {
                        row(out, value);
                    }
                });
    }

    static void printAll(String bootstrapServers, String topic, PrintStream out) {
        Map<String, JsonNode> gold = GoldTopicReader.current(bootstrapServers, topic);
        out.println(gold.size() + " (sale_date, store) keys on " + topic + " (read_committed):");
        header(out);
        gold.values().forEach(v -> row(out, v));
    }

    private static void header(PrintStream out) {
        out.printf(
                "  %-10s %5s %4s %7s %9s %6s %12s %10s %12s %10s %9s %12s %8s %6s%n",
                "date",
                "store",
                "cur",
                "orders",
                "cancelled",
                "items",
                "gross",
                "discounts",
                "net",
                "avg order",
                "customers",
                "net report",
                "visitors",
                "conv");
    }

    private static void row(PrintStream out, JsonNode v) {
        out.printf(
                "  %-10s %5d %4s %7d %9d %6d %12s %10s %12s %10s %9d %12s %8s %6s%n",
                v.get("sale_date").asText(),
                v.get("store_id").asLong(),
                v.get("currency").asText(),
                v.get("order_count").asLong(),
                v.get("cancelled_order_count").asLong(),
                v.get("items_sold").asLong(),
                v.get("gross_revenue").asText(),
                v.get("discounts").asText(),
                v.get("net_revenue").asText(),
                v.get("avg_order_value").isNull() ? "-" : v.get("avg_order_value").asText(),
                v.get("distinct_customers").asLong(),
                orDash(v, "net_revenue_reporting", v.path("reporting_currency").asText("") + " "),
                orDash(v, "visitors", ""),
                orDash(v, "conversion_rate", ""));
    }

    /** A field's text, or "-" while it is null or absent (a rate that has not arrived yet). */
    private static String orDash(JsonNode v, String field, String prefix) {
        JsonNode n = v.path(field);
        return n.isMissingNode() || n.isNull() ? "-" : prefix + n.asText();
    }
}
