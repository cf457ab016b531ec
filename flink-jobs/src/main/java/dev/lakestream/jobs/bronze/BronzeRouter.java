package dev.lakestream.jobs.bronze;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits the single change stream of the CDC source into one side output per source table, so each
 * bronze table gets a sink of its own (and its own commit per checkpoint).
 */
public final class BronzeRouter extends ProcessFunction<RowData, RowData> {

    private static final long serialVersionUID = 1L;

    private final Map<String, OutputTag<RowData>> tags;

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
    public void processElement(RowData row, Context ctx, Collector<RowData> out) {
        String table = row.getString(BronzeRow.SOURCE_TABLE).toString();
        OutputTag<RowData> tag = tags.get(table);
        if (tag == null) {
            throw new IllegalStateException("No bronze table for source table " + table);
        }
        ctx.output(tag, row);
    }
}
