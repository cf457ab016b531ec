package dev.lakestream.jobs.lineage;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.table.data.RowData;

/**
 * Passes every element on unchanged and notes, per table, the source positions it saw; just ahead
 * of each checkpoint barrier it emits one {@code lineage.commits} row per table to {@link
 * LineageLedger#ROWS}. Rows emitted before barrier {@code n} belong to checkpoint {@code n}, as do
 * the elements before it: the ledger's sink commits them with the data they describe.
 *
 * <p>Keeps no state: what was seen since the last barrier is re-seen after a restore.
 */
final class LedgerTap<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {

    private static final long serialVersionUID = 1L;

    private final String job;
    private final String layer;
    private final LedgerPosition.Extractor<T> positions;
    private transient Map<String, LedgerEntry> seen;

    LedgerTap(String job, String layer, LedgerPosition.Extractor<T> positions) {
        this.job = job;
        this.layer = layer;
        this.positions = positions;
        setChainingStrategy(ChainingStrategy.ALWAYS);
    }

    @Override
    public void open() throws Exception {
        super.open();
        seen = new LinkedHashMap<>();
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        LedgerPosition p = positions.of(element.getValue());
        if (p != null) {
            seen.computeIfAbsent(p.table(), t -> new LedgerEntry()).add(p);
        }
        output.collect(element);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        if (seen.isEmpty()) {
            return;
        }
        String jobId = getRuntimeContext().getJobInfo().getJobId().toHexString();
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        long now = System.currentTimeMillis();
        for (Map.Entry<String, LedgerEntry> e : seen.entrySet()) {
            RowData row =
                    e.getValue().toRow(job, jobId, checkpointId, layer, e.getKey(), subtask, now);
            output.collect(LineageLedger.ROWS, new StreamRecord<>(row));
        }
        seen.clear();
    }
}
