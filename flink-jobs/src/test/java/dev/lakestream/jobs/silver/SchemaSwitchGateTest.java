package dev.lakestream.jobs.silver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.jobs.changelog.RowChange;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;

/** A table's records of a second schema wait for the next checkpoint, in their key's order. */
class SchemaSwitchGateTest {

    private static final String WIDE = "{\"quantity\":\"long\"}";

    @Test
    void aSecondSchemaWaitsForTheBarrierAndKeepsItsKeysOrder() throws Exception {
        try (var h = harness(null)) {
            h.processElement(new StreamRecord<>(change("k1", 1, null)));
            h.processElement(new StreamRecord<>(change("k2", 2, WIDE))); // second schema: held
            h.processElement(new StreamRecord<>(change("k3", 3, null))); // first schema: passes
            h.processElement(new StreamRecord<>(change("k2", 4, null))); // k2 waits: held too
            assertThat(lsns(h)).containsExactly(1L, 3L);

            h.snapshot(1, 10);
            h.setProcessingTime(h.getProcessingTime() + 1);
            // behind the barrier, the held records go through the rule again, in order: k2@2
            // opens the new checkpoint with the wide schema, k2@4 must follow it
            assertThat(lsns(h)).containsExactly(1L, 3L, 2L);

            h.snapshot(2, 20);
            h.setProcessingTime(h.getProcessingTime() + 1);
            assertThat(lsns(h)).containsExactly(1L, 3L, 2L, 4L);
        }
    }

    @Test
    void heldRecordsAreInTheCheckpointAndARestoreEmitsThem() throws Exception {
        OperatorSubtaskState state;
        try (var h = harness(null)) {
            h.processElement(new StreamRecord<>(change("k1", 1, null)));
            h.processElement(new StreamRecord<>(change("k2", 2, WIDE)));
            state = h.snapshot(1, 10);
        }
        try (var h = harness(state)) {
            h.setProcessingTime(h.getProcessingTime() + 1);
            assertThat(lsns(h)).containsExactly(2L);
        }
    }

    private static OneInputStreamOperatorTestHarness<RowChange, RowChange> harness(
            OperatorSubtaskState restore) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<RowChange, RowChange>(new SchemaSwitchGate());
        h.setup(RowChange.TYPE.createSerializer(new org.apache.flink.api.common.ExecutionConfig()));
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private static List<Long> lsns(OneInputStreamOperatorTestHarness<RowChange, RowChange> h) {
        return h.extractOutputValues().stream().map(c -> c.lsn).toList();
    }

    private static RowChange change(String key, long lsn, String types) {
        return new RowChange(RowKind.INSERT, "shop.order_lines", key, lsn, Map.of("quantity", 1L))
                .withTypes(types);
    }
}
