package dev.lakestream.shop.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.shop.ShopSchema;
import dev.lakestream.shop.TestShop;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the generator against what a CDC pipeline actually receives: PostgreSQL's logical decoding
 * output (the {@code test_decoding} plugin), not just the tables' contents.
 */
class ChangeStreamITCase {

    private static final Pattern CHANGE =
            Pattern.compile("^table (\\S+): (INSERT|UPDATE|DELETE): (.*)$", Pattern.DOTALL);

    private static EmbeddedPostgres pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg =
                EmbeddedPostgres.builder()
                        .setServerConfig("wal_level", "logical")
                        .setServerConfig("max_replication_slots", "4")
                        // decoding reads only flushed WAL; the embedded default is "off"
                        .setServerConfig("synchronous_commit", "on")
                        .start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void statsEqualTheDecodedChangeStream() throws Exception {
        WorkloadConfig config =
                WorkloadConfig.builder()
                        .seed(11)
                        .customers(100)
                        .products(50)
                        .initialOrders(60)
                        .rate(0)
                        .build();
        try (Connection c = TestShop.freshShop(pg, "decoding")) {
            try (Statement st = c.createStatement()) {
                st.execute(
                        "SELECT pg_create_logical_replication_slot('shop_slot', 'test_decoding')");
            }
            String url = TestShop.jdbcUrl(pg, "decoding");
            WorkloadStats.Snapshot mixed;
            WorkloadStats.Snapshot prices;
            try (WorkloadGenerator g = WorkloadGenerator.connect(url, "postgres", null, config)) {
                g.seedReferenceData();
                g.runTransactions(400);
                mixed = g.stats().snapshot();
            }
            // a second, resumed generator that only changes prices
            try (WorkloadGenerator g =
                    WorkloadGenerator.connect(
                            url,
                            "postgres",
                            null,
                            config.withMix(TransactionMix.only(TransactionKind.PRICE_CHANGE)))) {
                g.runTransactions(100);
                prices = g.stats().snapshot();
            }

            List<String> stream = new ArrayList<>();
            try (Statement st = c.createStatement();
                    ResultSet rs =
                            st.executeQuery(
                                    "SELECT data FROM pg_logical_slot_get_changes('shop_slot',"
                                            + " NULL, NULL, 'skip-empty-xacts', '1')")) {
                while (rs.next()) {
                    stream.add(rs.getString(1));
                }
            }

            Map<String, Map<RowOperation, Long>> decoded = emptyCounts();
            long commits = 0;
            long unchangedToast = 0;
            List<String> deletes = new ArrayList<>();
            for (String line : stream) {
                if (line.startsWith("COMMIT")) {
                    commits++;
                    continue;
                }
                Matcher m = CHANGE.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                RowOperation op = RowOperation.valueOf(m.group(2));
                decoded.get(m.group(1)).merge(op, 1L, Long::sum);
                if (op == RowOperation.UPDATE
                        && m.group(1).equals(ShopSchema.PRODUCTS)
                        && m.group(3).contains("description[text]:unchanged-toast-datum")) {
                    unchangedToast++;
                }
                if (op == RowOperation.DELETE) {
                    deletes.add(line);
                }
            }

            Map<String, Map<RowOperation, Long>> expected = emptyCounts();
            for (WorkloadStats.Snapshot s : List.of(mixed, prices)) {
                s.rows()
                        .forEach(
                                (table, ops) ->
                                        ops.forEach(
                                                (op, n) ->
                                                        expected.get(table)
                                                                .merge(op, n, Long::sum)));
            }
            assertThat(decoded).isEqualTo(expected);
            assertThat(commits)
                    .isEqualTo(
                            mixed.transactions()
                                    + mixed.seedTransactions()
                                    + prices.transactions());

            // price changes leave the TOASTed description out of the change record
            assertThat(unchangedToast).isPositive();
            // REPLICA IDENTITY DEFAULT: a delete carries the primary key and nothing else
            assertThat(deletes)
                    .isNotEmpty()
                    .allMatch(
                            d ->
                                    d.matches(
                                                    "table shop\\.orders: DELETE:"
                                                            + " order_id\\[bigint\\]:\\d+")
                                            || d.matches(
                                                    "table shop\\.order_lines: DELETE:"
                                                            + " order_id\\[bigint\\]:\\d+"
                                                            + " line_no\\[integer\\]:\\d+"),
                            "key-only delete");
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_drop_replication_slot('shop_slot')");
            }
        }
    }

    private static Map<String, Map<RowOperation, Long>> emptyCounts() {
        Map<String, Map<RowOperation, Long>> counts = new LinkedHashMap<>();
        for (String table : ShopSchema.TABLES) {
            Map<RowOperation, Long> ops = new EnumMap<>(RowOperation.class);
            for (RowOperation op : RowOperation.values()) {
                ops.put(op, 0L);
            }
            counts.put(table, ops);
        }
        return counts;
    }
}
