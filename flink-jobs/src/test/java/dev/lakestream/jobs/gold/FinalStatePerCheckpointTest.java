package dev.lakestream.jobs.gold;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * One final state per key per checkpoint, with Flink's harness: intermediate states never leave,
 * they leave just before the barrier, transient groups and unchanged states publish nothing,
 * versions only grow, and a restore from a checkpoint without its completion publishes the same.
 */
class FinalStatePerCheckpointTest {

    private static KeyedOneInputStreamOperatorTestHarness<
                    String, SalesDailyMetrics, SalesDailyMetrics>
            harness(OperatorSubtaskState restore) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new FinalStatePerCheckpoint(), SalesDailyMetrics::groupKey, Types.STRING);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private static SalesDailyMetrics state(long store, long orders, String net, long version) {
        SalesDailyMetrics m = new SalesDailyMetrics();
        m.saleDate = "2026-11-29";
        m.storeId = store;
        m.currency = "EUR";
        m.orderCount = orders;
        m.itemsSold = orders;
        m.grossRevenue = new BigDecimal(net);
        m.discounts = new BigDecimal("0.00");
        m.netRevenue = new BigDecimal(net);
        m.version = version;
        m.updatedAt = "2026-11-29T10:00:0" + (version % 10) + "Z";
        return m;
    }

    private static SalesDailyMetrics deleted(long store, long version) {
        SalesDailyMetrics m = new SalesDailyMetrics();
        m.saleDate = "2026-11-29";
        m.storeId = store;
        m.version = version;
        m.deleted = true;
        return m;
    }

    private static List<String> published(
            KeyedOneInputStreamOperatorTestHarness<String, SalesDailyMetrics, SalesDailyMetrics>
                    h) {
        List<String> out = new ArrayList<>();
        for (SalesDailyMetrics m : h.extractOutputValues()) {
            out.add(
                    m.storeId
                            + (m.deleted ? " deleted" : " orders " + m.orderCount)
                            + " v"
                            + m.version);
        }
        return out;
    }

    @Test
    void onlyTheFinalStateOfEachKeyLeavesAndOnlyAheadOfTheBarrier() throws Exception {
        var h = harness(null);
        h.processElement(new StreamRecord<>(state(1, 1, "10.00", 10)));
        h.processElement(new StreamRecord<>(state(2, 1, "5.00", 11)));
        // an edited line: its retraction, then its addition
        h.processElement(new StreamRecord<>(state(1, 0, "0.00", 12)));
        h.processElement(new StreamRecord<>(state(1, 1, "12.00", 13)));
        assertThat(h.extractOutputValues()).as("nothing before the barrier").isEmpty();

        h.prepareSnapshotPreBarrier(1);
        assertThat(published(h)).containsExactly("1 orders 1 v13", "2 orders 1 v11");
        h.close();
    }

    @Test
    void aGroupBornAndGoneBetweenTwoCheckpointsPublishesNothing() throws Exception {
        var h = harness(null);
        h.processElement(new StreamRecord<>(state(1, 1, "10.00", 10)));
        h.processElement(new StreamRecord<>(deleted(1, 11)));
        h.prepareSnapshotPreBarrier(1);
        assertThat(h.extractOutputValues()).isEmpty();
        h.close();
    }

    @Test
    void aGroupDeletedAndRecreatedPublishesItsEndStateAndADeleteOnlyWhenGone() throws Exception {
        var h = harness(null);
        h.processElement(new StreamRecord<>(state(1, 1, "10.00", 10)));
        h.prepareSnapshotPreBarrier(1);
        // an order moved to another day and back within one checkpoint
        h.processElement(new StreamRecord<>(deleted(1, 11)));
        h.processElement(new StreamRecord<>(state(1, 1, "10.00", 12)));
        h.prepareSnapshotPreBarrier(2);
        assertThat(published(h)).as("the end state equals what was published").hasSize(1);

        h.processElement(new StreamRecord<>(state(1, 2, "30.00", 13)));
        h.processElement(new StreamRecord<>(deleted(1, 14)));
        h.prepareSnapshotPreBarrier(3);
        h.processElement(new StreamRecord<>(deleted(1, 15)));
        h.prepareSnapshotPreBarrier(4);
        assertThat(published(h)).containsExactly("1 orders 1 v10", "1 deleted v14");

        h.processElement(new StreamRecord<>(state(1, 1, "7.00", 16)));
        h.endInput();
        assertThat(published(h)).last().isEqualTo("1 orders 1 v16");
        h.close();
    }

    @Test
    void aPublishedDeleteKeepsOnlyItsVersionAndThatOnlyUntilTheRetentionHorizon() throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new FinalStatePerCheckpoint(java.time.Duration.ofHours(1)),
                        SalesDailyMetrics::groupKey,
                        Types.STRING);
        h.open();
        h.setStateTtlProcessingTime(0);
        h.processElement(new StreamRecord<>(state(1, 1, "10.00", 10)));
        h.prepareSnapshotPreBarrier(1);
        h.processElement(new StreamRecord<>(deleted(1, 20)));
        h.prepareSnapshotPreBarrier(2);
        assertThat(h.numKeyedStateEntries()).as("the delete's version alone").isEqualTo(1);

        h.setStateTtlProcessingTime(java.time.Duration.ofMinutes(59).toMillis());
        h.processElement(new StreamRecord<>(state(1, 1, "10.00", 15))); // comes back, lower
        h.prepareSnapshotPreBarrier(3);
        assertThat(published(h))
                .as("within the horizon, above the delete")
                .containsExactly("1 orders 1 v10", "1 deleted v20", "1 orders 1 v21");

        h.processElement(new StreamRecord<>(deleted(1, 30)));
        h.prepareSnapshotPreBarrier(4);
        h.setStateTtlProcessingTime(java.time.Duration.ofMinutes(59 + 61).toMillis());
        h.processElement(new StreamRecord<>(deleted(1, 31))); // a late delete after the horizon
        h.prepareSnapshotPreBarrier(5);
        h.processElement(new StreamRecord<>(state(1, 2, "20.00", 40)));
        h.prepareSnapshotPreBarrier(6);
        assertThat(published(h))
                .as("the late delete publishes nothing; the group comes back at its own version")
                .containsExactly(
                        "1 orders 1 v10",
                        "1 deleted v20",
                        "1 orders 1 v21",
                        "1 deleted v30",
                        "1 orders 2 v40");
        h.close();
    }

    @Test
    void aVersionThatDoesNotGrowIsRaisedAboveThePublishedOne() throws Exception {
        var h = harness(null);
        h.processElement(new StreamRecord<>(state(1, 1, "10.00", 10)));
        h.prepareSnapshotPreBarrier(1);
        h.processElement(new StreamRecord<>(state(1, 2, "20.00", 9)));
        h.prepareSnapshotPreBarrier(2);
        assertThat(published(h)).containsExactly("1 orders 1 v10", "1 orders 2 v11");
        h.close();
    }

    @Test
    void aRestoreWithoutTheCompletionNoticePublishesTheSameRecordsAgain() throws Exception {
        var h = harness(null);
        h.processElement(new StreamRecord<>(state(1, 1, "10.00", 10)));
        h.prepareSnapshotPreBarrier(1);
        OperatorSubtaskState checkpoint = h.snapshot(1, 1);
        h.processElement(new StreamRecord<>(state(1, 2, "20.00", 11)));
        h.processElement(new StreamRecord<>(state(2, 1, "1.00", 12)));
        h.prepareSnapshotPreBarrier(2);
        List<String> beforeFailure = published(h).subList(1, 3);
        h.close(); // fails before checkpoint 2 completes: its Kafka transaction is aborted

        var restored = harness(checkpoint);
        restored.processElement(new StreamRecord<>(state(1, 1, "10.00", 10)));
        restored.prepareSnapshotPreBarrier(2);
        assertThat(restored.extractOutputValues())
                .as("the state published before the checkpoint is not published again")
                .isEmpty();
        restored.processElement(new StreamRecord<>(state(2, 1, "1.00", 12)));
        restored.processElement(new StreamRecord<>(state(1, 2, "20.00", 11)));
        restored.prepareSnapshotPreBarrier(3);
        assertThat(published(restored)).containsExactlyInAnyOrderElementsOf(beforeFailure);
        restored.close();
    }

    /**
     * Random streams of states for a few keys, cut by random checkpoints: per key and checkpoint at
     * most one record, versions strictly grow, and the last record of each key is its last state.
     */
    @Test
    void acrossRandomCheckpointsEachKeyEndsAtItsLastStateWithGrowingVersions() throws Exception {
        for (long seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            var h = harness(null);
            Map<Long, SalesDailyMetrics> last = new HashMap<>();
            Map<Long, Long> version = new HashMap<>();
            int checkpoints = 0;
            int outputsBefore = 0;
            for (int i = 0; i < 300; i++) {
                long store = random.nextInt(5);
                long v = version.merge(store, 1L + random.nextInt(3), Long::sum);
                SalesDailyMetrics m =
                        random.nextInt(6) == 0
                                ? deleted(store, v)
                                : state(store, random.nextInt(3), random.nextInt(3) + ".00", v);
                h.processElement(new StreamRecord<>(m));
                last.put(store, m);
                if (random.nextInt(10) == 0) {
                    h.prepareSnapshotPreBarrier(++checkpoints);
                    List<SalesDailyMetrics> out = h.extractOutputValues();
                    List<Long> keys =
                            out.subList(outputsBefore, out.size()).stream()
                                    .map(o -> o.storeId)
                                    .toList();
                    assertThat(keys)
                            .as("seed %d: one record per key per checkpoint", seed)
                            .doesNotHaveDuplicates();
                    outputsBefore = out.size();
                }
            }
            h.endInput();
            Map<Long, SalesDailyMetrics> seen = new HashMap<>();
            for (SalesDailyMetrics o : h.extractOutputValues()) {
                SalesDailyMetrics before = seen.put(o.storeId, o);
                if (before != null) {
                    assertThat(o.version).as("seed %d", seed).isGreaterThan(before.version);
                }
            }
            for (Map.Entry<Long, SalesDailyMetrics> e : last.entrySet()) {
                SalesDailyMetrics end = e.getValue();
                SalesDailyMetrics got = seen.get(e.getKey());
                if (end.deleted) {
                    assertThat(got == null || got.deleted)
                            .as("seed %d store %d ends deleted or never seen", seed, e.getKey())
                            .isTrue();
                } else {
                    assertThat(got).as("seed %d store %d", seed, e.getKey()).isNotNull();
                    assertThat(FinalStatePerCheckpoint.sameMetrics(got, end))
                            .as("seed %d store %d ends at %s, got %s", seed, e.getKey(), end, got)
                            .isTrue();
                }
            }
            h.close();
        }
    }
}
