package dev.lakestream.local;

import static dev.lakestream.local.LocalStack.GOLD_TOPIC;

import dev.lakestream.verification.gold.GoldReconciliation;
import dev.lakestream.verification.gold.GoldTopicHistory;
import dev.lakestream.verification.gold.GoldTopicTransactions;
import java.io.PrintStream;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

/**
 * The local stack's checks of gold: the KPIs on Kafka against the same KPIs computed by SQL in
 * PostgreSQL ({@link GoldReconciliation}), and the topic's record contract as a consumer and
 * Snowflake's MERGE see it ({@link GoldTopicHistory}, {@link GoldTopicTransactions}).
 */
final class GoldVerification {

    private final LocalServices services;
    private final PrintStream out;

    GoldVerification(LocalServices services, PrintStream out) {
        this.services = services;
        this.out = out;
    }

    /**
     * Whether gold on Kafka equals PostgreSQL now; with {@code report}, prints why and checks the
     * topic.
     */
    boolean reconcile(boolean report) throws Exception {
        Map<String, String> expected;
        try (Connection c = services.shopConnection()) {
            expected = GoldReconciliation.fromPostgres(c, "EUR");
        }
        Map<String, String> published =
                GoldReconciliation.fromKafka(services.kafka().bootstrapServers(), GOLD_TOPIC);
        boolean equal = expected.equals(published);
        if (report) {
            if (equal) {
                out.println(
                        "gold on Kafka equals PostgreSQL for all "
                                + expected.size()
                                + " (sale_date, store) keys");
            } else {
                int differing = 0;
                java.util.Set<String> keys = new java.util.TreeSet<>(expected.keySet());
                keys.addAll(published.keySet());
                for (String key : keys) {
                    if (!java.util.Objects.equals(expected.get(key), published.get(key))
                            && differing++ < 10) {
                        out.println("  " + key + "  PostgreSQL: " + expected.get(key));
                        out.println("  " + key + "  Kafka:      " + published.get(key));
                    }
                }
                out.println("gold on Kafka differs from PostgreSQL for " + differing + " keys");
            }
            equal &= topicHoldsItsContract();
        }
        return equal;
    }

    /**
     * Reads the gold topic from the start, record by record, as a consumer does: versions strictly
     * grow per key, no key twice in one transaction, and Snowflake's MERGE rule ends at the latest
     * state for 200 random batch splits. Prints the result; true when all hold.
     */
    boolean topicHoldsItsContract() {
        List<GoldTopicHistory.Entry> history =
                GoldTopicHistory.read(services.kafka().bootstrapServers(), GOLD_TOPIC);
        List<String> violations = violations(history);
        List<String> wrong = GoldTopicHistory.keysWrongUnderMerge(history, 200, 1);
        long keys = history.stream().map(GoldTopicHistory.Entry::key).distinct().count();
        out.println(
                "gold topic read from the start: "
                        + history.size()
                        + " records for "
                        + keys
                        + " keys; "
                        + violations.size()
                        + " breaches of the record contract; Snowflake's MERGE rule over 200"
                        + " random batch splits: "
                        + wrong.size()
                        + " keys wrong");
        violations.stream().limit(10).forEach(v -> out.println("  " + v));
        wrong.stream().limit(10).forEach(w -> out.println("  wrong under MERGE: " + w));
        return violations.isEmpty() && wrong.isEmpty();
    }

    /**
     * Breaches of the record contract in the gold topic's history, one record per key and
     * transaction included (told from the broker's log segments).
     */
    List<String> violations(List<GoldTopicHistory.Entry> history) {
        return GoldTopicHistory.violations(
                history, GoldTopicTransactions.read(services.kafka().logDirectory(), GOLD_TOPIC));
    }
}
