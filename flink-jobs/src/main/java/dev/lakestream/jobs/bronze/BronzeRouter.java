package dev.lakestream.jobs.bronze;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits the single change stream of the CDC source into one side output per source table, so each
 * bronze table gets a sink of its own (and its own commit per checkpoint). It keeps the tables'
 * {@link BronzeTableMetrics}.
 */
public final class BronzeRouter extends ProcessFunction<RowData, RowData>
        implements CheckpointedFunction, CheckpointListener {

    private static final long serialVersionUID = 1L;

    private final Map<String, OutputTag<RowData>> tags;
    private transient BronzeTableMetrics metrics;

    public BronzeRouter(List<String> sourceTables) {
        Map<String, OutputTag<RowData>> byTable = new HashMap<>();
        for (String table : sourceTables) {
            byTable.put(table, tagFor(table));
        }
        this.tags = byTable;
    }

    public static OutputTag<RowData> tagFor(String sourceTable) {
        return new OutputTag<>("bronze-" + sourceTable, BronzeRow.typeInfo());
    }

    @Override
    public void open(OpenContext openContext) {
        metrics =
                BronzeTableMetrics.register(
                        getRuntimeContext().getMetricGroup(),
                        tags.keySet(),
                        System::currentTimeMillis);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        // no state: the metrics start afresh with each run
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        metrics.barrier(context.getCheckpointId());
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        metrics.committed(checkpointId);
    }

    @Override
    public void processElement(RowData row, Context ctx, Collector<RowData> out) {
        String table = row.getString(BronzeRow.SOURCE_TABLE).toString();
        OutputTag<RowData> tag = tags.get(table);
        if (tag == null) {
            throw new IllegalStateException("No bronze table for source table " + table);
        }
        metrics.row(table, BronzeRow.sourceMillis(row));
        ctx.output(tag, row);
    }
}
