package dev.lakestream.jobs.changelog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.jobs.silver.CleansingResult;
import dev.lakestream.jobs.silver.EntityRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * LSN ordering per key with Flink's keyed operator harness: in order, out of order, duplicated,
 * replayed, with unchanged TOAST columns, and across snapshot and restore.
 */
class LsnOrderedApplierTest {

    private static final String T = "shop.orders";
    private static final String K = "{\"order_id\":1}";

    private KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, RowChange> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, RowChange>
            newHarness() throws Exception {
        return newHarness(new LsnOrderedApplier());
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, RowChange>
            newHarness(LsnOrderedApplier applier) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(applier),
                e -> e.table + e.key,
                org.apache.flink.api.common.typeinfo.Types.STRING);
    }

    @Test
    void inOrderChangesBecomeAChangelogWithRetractions() throws Exception {
        send(change("c", 10, Map.of("status", "\"PLACED\"", "total", "10.00")));
        send(change("u", 20, Map.of("status", "\"PAID\"", "total", "10.00")));
        send(change("d", 30, Map.of()));

        assertThat(output())
                .containsExactly(
                        "+I@10 {status=\"PLACED\", total=10.00}",
                        "-U@20 {status=\"PLACED\", total=10.00}",
                        "+U@20 {status=\"PAID\", total=10.00}",
                        "-D@30 {status=\"PAID\", total=10.00}");
    }

    @Test
    void olderAndDuplicateChangesAreDropped() throws Exception {
        send(change("c", 10, Map.of("status", "\"PLACED\"")));
        send(change("u", 30, Map.of("status", "\"SHIPPED\"")));
        send(change("u", 20, Map.of("status", "\"PAID\""))); // late
        send(change("u", 30, Map.of("status", "\"SHIPPED\""))); // duplicate
        send(change("c", 10, Map.of("status", "\"PLACED\""))); // replayed

        assertThat(output())
                .containsExactly(
                        "+I@10 {status=\"PLACED\"}",
                        "-U@30 {status=\"PLACED\"}",
                        "+U@30 {status=\"SHIPPED\"}");
    }

    @Test
    void aDeleteWinsOverOlderChangesArrivingAfterIt() throws Exception {
        send(change("c", 10, Map.of("status", "\"PLACED\"")));
        send(change("d", 30, Map.of()));
        send(change("u", 20, Map.of("status", "\"PAID\"")));

        assertThat(output())
                .containsExactly("+I@10 {status=\"PLACED\"}", "-D@30 {status=\"PLACED\"}");
    }

    @Test
    void aKeyCanLiveAgainAfterADeleteWithoutOldValues() throws Exception {
        send(change("c", 10, Map.of("status", "\"PLACED\"", "note", "\"gift\"")));
        send(change("d", 20, Map.of()));
        send(change("c", 30, Map.of("status", "\"PLACED\"", "note", "null")));

        assertThat(output())
                .containsExactly(
                        "+I@10 {note=\"gift\", status=\"PLACED\"}",
                        "-D@20 {note=\"gift\", status=\"PLACED\"}",
                        "+I@30 {note=null, status=\"PLACED\"}");
    }

    @Test
    void snapshotReadsLoseAgainstStreamedChangesWhicheverComesFirst() throws Exception {
        send(change("u", 50, Map.of("status", "\"PAID\"")));
        send(change("r", 0, Map.of("status", "\"PLACED\"")));

        assertThat(output()).containsExactly("+I@50 {status=\"PAID\"}");
    }

    @Test
    void unchangedToastColumnsAreFilledFromTheLastKnownRow() throws Exception {
        send(change("r", 0, Map.of("price", "9.99", "description", "\"long text\"")));
        send(changeWithUnavailable("u", 40, Map.of("price", "10.99"), "description"));

        assertThat(output())
                .containsExactly(
                        "+I@0 {description=\"long text\", price=9.99}",
                        "-U@40 {description=\"long text\", price=9.99}",
                        "+U@40 {description=\"long text\", price=10.99}");
    }

    @Test
    void aToastUpdateArrivingFirstWaitsForTheChangeThatBringsTheColumn() throws Exception {
        // newer update (description unchanged) read before the older one that wrote description
        send(changeWithUnavailable("u", 40, Map.of("price", "10.99"), "description"));
        assertThat(output()).as("incomplete rows are not emitted").isEmpty();

        send(change("u", 30, Map.of("price", "9.99", "description", "\"new text\"")));
        assertThat(output()).containsExactly("+I@40 {description=\"new text\", price=10.99}");
    }

    @Test
    void anyArrivalOrderGivesTheSameFinalRow() throws Exception {
        List<ChangeEvent> changes =
                List.of(
                        change("r", 0, Map.of("a", "1", "b", "\"x\"", "c", "true")),
                        change("u", 10, Map.of("a", "2", "b", "\"y\"", "c", "true")),
                        changeWithUnavailable("u", 20, Map.of("a", "3", "c", "false"), "b"),
                        change("u", 30, Map.of("a", "4", "b", "\"z\"", "c", "false")),
                        changeWithUnavailable("u", 40, Map.of("a", "5", "c", "true"), "b"));
        Random random = new Random(3);
        for (int round = 0; round < 20; round++) {
            List<ChangeEvent> shuffled = new ArrayList<>(changes);
            Collections.shuffle(shuffled, random);
            shuffled.add(shuffled.get(random.nextInt(shuffled.size()))); // and a duplicate
            harness.close();
            harness = newHarness();
            harness.open();
            for (ChangeEvent e : shuffled) {
                send(e);
            }
            List<String> out = output();
            assertThat(out.get(out.size() - 1))
                    .as("order %s", shuffled)
                    .endsWith("{a=5, b=\"z\", c=true}");
            assertThat(replayNet(out))
                    .as("net effect of the changelog")
                    .containsExactly("{a=5, b=\"z\", c=true}");
        }
    }

    @Test
    void aDeleteKeepsOnlyItsLsnAndThatOnlyUntilTheRetentionHorizon() throws Exception {
        harness.close();
        harness = newHarness(new LsnOrderedApplier(Duration.ofHours(1)));
        harness.open();
        harness.setStateTtlProcessingTime(0);
        send(change("c", 10, Map.of("status", "\"PLACED\"")));
        send(change("d", 30, Map.of()));
        assertThat(harness.numKeyedStateEntries()).as("the tombstone alone").isEqualTo(1);

        harness.setStateTtlProcessingTime(Duration.ofMinutes(59).toMillis());
        send(change("u", 20, Map.of("status", "\"PAID\""))); // late, within the horizon
        assertThat(output())
                .containsExactly("+I@10 {status=\"PLACED\"}", "-D@30 {status=\"PLACED\"}");

        harness.setStateTtlProcessingTime(Duration.ofMinutes(61).toMillis());
        send(change("u", 20, Map.of("status", "\"PAID\""))); // beyond it: the key is forgotten
        assertThat(output())
                .as("why the horizon must exceed every reorder window")
                .containsExactly("+I@20 {status=\"PAID\"}");
    }

    @Test
    void aLiveRowNeverExpiresHoweverOld() throws Exception {
        harness.close();
        harness = newHarness(new LsnOrderedApplier(Duration.ofHours(1)));
        harness.open();
        harness.setStateTtlProcessingTime(0);
        send(change("c", 10, Map.of("status", "\"PLACED\"")));
        harness.setStateTtlProcessingTime(Duration.ofDays(400).toMillis());
        send(change("u", 20, Map.of("status", "\"PAID\"")));
        send(change("c", 10, Map.of("status", "\"PLACED\""))); // replayed, still recognised

        assertThat(output())
                .containsExactly(
                        "+I@10 {status=\"PLACED\"}",
                        "-U@20 {status=\"PLACED\"}",
                        "+U@20 {status=\"PAID\"}");
    }

    @Test
    void aTombstoneSurvivesSnapshotAndRestore() throws Exception {
        send(change("c", 10, Map.of("status", "\"PLACED\"")));
        send(change("d", 30, Map.of()));
        output();
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        send(change("u", 20, Map.of("status", "\"PAID\"")));
        send(change("c", 40, Map.of("status", "\"PLACED\"")));

        assertThat(output()).containsExactly("+I@40 {status=\"PLACED\"}");
    }

    @Test
    void stateSurvivesSnapshotAndRestore() throws Exception {
        send(change("c", 10, Map.of("status", "\"PLACED\"", "description", "\"long\"")));
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        send(
                change(
                        "c",
                        10,
                        Map.of("status", "\"PLACED\"", "description", "\"long\""))); // replayed
        send(changeWithUnavailable("u", 20, Map.of("status", "\"PAID\""), "description"));

        assertThat(output())
                .as("the replayed insert is recognised, the TOAST value is remembered")
                .containsExactly(
                        "-U@20 {description=\"long\", status=\"PLACED\"}",
                        "+U@20 {description=\"long\", status=\"PAID\"}");
    }

    @Test
    void valueTypesAreFlinkPojosNotKryo() {
        ExecutionConfig config = new ExecutionConfig();
        for (var type : List.of(ChangeEvent.TYPE, RowChange.TYPE, KeyState.TYPE)) {
            assertThat(type).isInstanceOf(PojoTypeInfo.class);
            assertThat(
                            type.createSerializer(config.getSerializerConfig())
                                    .getClass()
                                    .getSimpleName())
                    .isEqualTo("PojoSerializer");
        }
    }

    private void send(ChangeEvent e) throws Exception {
        harness.processElement(new StreamRecord<>(e));
    }

    @Test
    void aTruncateLeavesEveryKeyAsItWasAndGoesOnAsOneChangeTheRulesRefuse() throws Exception {
        send(change("c", 10, Map.of("status", "\"PLACED\"")));
        send(new ChangeEvent(T, "{}", "t", 20, Map.of(), List.of()));
        send(change("u", 30, Map.of("status", "\"PAID\"")));

        List<String> out = output();
        assertThat(out).hasSize(4);
        assertThat(out.get(0)).isEqualTo("+I@10 {status=\"PLACED\"}");
        assertThat(out.get(1))
                .startsWith("+I@20 {" + BronzeChangeParser.TRUNCATED + "=TRUNCATE of shop.orders")
                .contains("silver and gold still hold its rows");
        assertThat(out.subList(2, 4))
                .as("the key's row is untouched by the TRUNCATE")
                .containsExactly("-U@30 {status=\"PLACED\"}", "+U@30 {status=\"PAID\"}");
        CleansingResult.Rejected refused =
                (CleansingResult.Rejected)
                        new EntityRules()
                                .apply(
                                        new RowChange(
                                                org.apache.flink.types.RowKind.INSERT,
                                                T,
                                                "{}",
                                                20,
                                                Map.of(
                                                        BronzeChangeParser.TRUNCATED,
                                                        LsnOrderedApplier.truncateReason(
                                                                new ChangeEvent(
                                                                        T, "{}", "t", 20, Map.of(),
                                                                        List.of())))));
        assertThat(refused.rejection().rule()).isEqualTo("orders.truncate");
    }

    private List<String> output() {
        List<String> out = new ArrayList<>();
        for (RowChange r : harness.extractOutputValues()) {
            out.add(r.kind + "@" + r.lsn + " " + new java.util.TreeMap<>(r.values));
        }
        harness.getOutput().clear();
        return out;
    }

    /** Applies a changelog to a multiset: what a sink ends up with. */
    private static List<String> replayNet(List<String> changelog) {
        List<String> rows = new ArrayList<>();
        for (String line : changelog) {
            String kind = line.substring(0, 2);
            String row = line.substring(line.indexOf(' ') + 1);
            if (kind.equals("+I") || kind.equals("+U")) {
                rows.add(row);
            } else {
                assertThat(rows.remove(row))
                        .as("retraction of a row that was emitted: %s", line)
                        .isTrue();
            }
        }
        return rows;
    }

    private static ChangeEvent change(String op, long lsn, Map<String, String> values) {
        return new ChangeEvent(T, K, op, lsn, values, List.of());
    }

    private static ChangeEvent changeWithUnavailable(
            String op, long lsn, Map<String, String> values, String... unavailable) {
        return new ChangeEvent(T, K, op, lsn, values, List.of(unavailable));
    }
}
