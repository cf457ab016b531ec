package dev.lakestream.jobs.changelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Corrections re-injected from the quarantine ({@link Corrections}): "the change at L, as it should
 * have been", whatever order the original, the correction, a duplicate of the correction and newer
 * changes arrive in; a second identical correction changes nothing.
 */
class LsnOrderedApplierCorrectionTest {

    private static final String T = "shop.order_lines";
    private static final String K = "{\"order_id\":1,\"line_no\":1}";
    private static final String OVERRIDE = "order_lines.discount.max";

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

    @Test
    void aCorrectionOfTheNewestChangeReEmitsTheRowFixedAndOnceOnly() throws Exception {
        send(change("c", 10, Map.of("qty", "2", "discount", "25.00")));
        send(correction(10, Map.of("qty", "2", "discount", "5.00"), null));
        send(correction(10, Map.of("qty", "2", "discount", "5.00"), null)); // duplicate

        assertThat(output())
                .containsExactly(
                        "+I@10 {discount=25.00, qty=2}",
                        "-U@10 {discount=25.00, qty=2}",
                        "+U@10 {discount=5.00, qty=2}");
    }

    @Test
    void aCorrectionArrivingBeforeItsOriginalMakesTheOriginalADuplicate() throws Exception {
        send(correction(10, Map.of("qty", "2", "discount", "5.00"), null));
        send(change("c", 10, Map.of("qty", "2", "discount", "25.00")));

        assertThat(output()).containsExactly("+I@10 {discount=5.00, qty=2}");
    }

    @Test
    void anOverrideAloneReEmitsTheRowOnceCarryingItsRules() throws Exception {
        send(change("c", 10, Map.of("qty", "1", "discount", "12.00")));
        send(correction(10, Map.of("qty", "1", "discount", "12.00"), OVERRIDE));
        send(correction(10, Map.of("qty", "1", "discount", "12.00"), OVERRIDE));

        List<RowChange> out = harness.extractOutputValues();
        assertThat(out).extracting(r -> r.kind).containsExactly("+I", "-U", "+U");
        assertThat(out.get(0).overrides).isNull();
        assertThat(out.get(2).overrides).isEqualTo(OVERRIDE);
    }

    @Test
    void overridesStopWithTheNextChangeOfTheRow() throws Exception {
        send(correction(10, Map.of("qty", "1", "discount", "12.00"), OVERRIDE));
        send(change("u", 20, Map.of("qty", "3", "discount", "12.00")));

        List<RowChange> out = harness.extractOutputValues();
        assertThat(out)
                .extracting(r -> r.kind + "@" + r.lsn)
                .containsExactly("+I@10", "-U@20", "+U@20");
        assertThat(out.get(0).overrides).isEqualTo(OVERRIDE);
        assertThat(out.get(2).overrides).as("the change at 20 was not overridden").isNull();
    }

    @Test
    void anOlderCorrectionOverwritesOnlyTheColumnsStillFromItsLsn() throws Exception {
        send(change("c", 10, Map.of("qty", "2", "discount", "25.00", "note", "\"a\"")));
        // a newer change wrote qty and note; discount still comes from 10 (unchanged TOAST-like)
        send(changeWithUnavailable("u", 20, Map.of("qty", "3", "note", "\"b\""), "discount"));
        output();
        send(correction(10, Map.of("qty", "9", "discount", "5.00", "note", "\"z\""), null));

        assertThat(output())
                .containsExactly(
                        "-U@20 {discount=25.00, note=\"b\", qty=3}",
                        "+U@20 {discount=5.00, note=\"b\", qty=3}");
    }

    @Test
    void aCorrectionOlderThanADeleteIsDropped() throws Exception {
        send(change("c", 10, Map.of("qty", "2", "discount", "25.00")));
        send(change("d", 20, Map.of()));
        output();
        send(correction(10, Map.of("qty", "2", "discount", "5.00"), null));

        assertThat(output()).isEmpty();
    }

    @Test
    void anyArrivalOrderOfOriginalCorrectionDuplicateAndNewerChangesGivesTheSameRow()
            throws Exception {
        List<ChangeEvent> changes =
                List.of(
                        change("c", 10, Map.of("qty", "2", "discount", "25.00", "note", "\"a\"")),
                        correction(
                                10, Map.of("qty", "2", "discount", "5.00", "note", "\"a\""), null),
                        correction(
                                10, Map.of("qty", "2", "discount", "5.00", "note", "\"a\""), null),
                        changeWithUnavailable(
                                "u", 20, Map.of("qty", "3", "note", "\"b\""), "discount"),
                        changeWithUnavailable("u", 5, Map.of("qty", "1"), "discount", "note"));
        Random random = new Random(7);
        for (int round = 0; round < 40; round++) {
            List<ChangeEvent> shuffled = new ArrayList<>(changes);
            Collections.shuffle(shuffled, random);
            harness.close();
            harness = newHarness();
            harness.open();
            for (ChangeEvent e : shuffled) {
                send(e);
            }
            List<String> out = output();
            assertThat(replayNet(out))
                    .as("net effect of %s", shuffled)
                    .containsExactly("{discount=5.00, note=\"b\", qty=3}");
        }
    }

    @Test
    void aCorrectionSurvivesSnapshotAndRestoreAndIsNotAppliedTwice() throws Exception {
        send(change("c", 10, Map.of("qty", "1", "discount", "12.00")));
        send(correction(10, Map.of("qty", "1", "discount", "2.00"), OVERRIDE));
        output();
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = newHarness();
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();
        send(correction(10, Map.of("qty", "1", "discount", "2.00"), OVERRIDE)); // replayed
        send(change("c", 10, Map.of("qty", "1", "discount", "12.00"))); // replayed

        assertThat(output()).isEmpty();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, RowChange>
            newHarness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new LsnOrderedApplier()),
                e -> e.table + e.key,
                org.apache.flink.api.common.typeinfo.Types.STRING);
    }

    private void send(ChangeEvent e) throws Exception {
        harness.processElement(new StreamRecord<>(e));
    }

    private List<String> output() {
        List<String> out = new ArrayList<>();
        for (RowChange r : harness.extractOutputValues()) {
            out.add(r.kind + "@" + r.lsn + " " + new TreeMap<>(r.values));
        }
        harness.getOutput().clear();
        return out;
    }

    /** Applies a changelog to a multiset: what a sink ends up with. */
    private static List<String> replayNet(List<String> changelog) {
        List<String> rows = new ArrayList<>();
        for (String line : changelog) {
            String row = line.substring(line.indexOf(' ') + 1);
            if (line.startsWith("+")) {
                rows.add(row);
            } else {
                assertThat(rows.remove(row)).as("retraction of an emitted row: %s", line).isTrue();
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

    private static ChangeEvent correction(long lsn, Map<String, String> values, String overrides) {
        ChangeEvent e = new ChangeEvent(T, K, "u", lsn, values, List.of());
        e.correction = true;
        e.overrides = overrides;
        return e;
    }
}
