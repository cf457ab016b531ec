package dev.lakestream.jobs.lineage;

import dev.lakestream.catalog.LineageTables;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.util.OutputTag;
import org.apache.iceberg.DistributionMode;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.FlinkSink;

/**
 * The lineage ledger of one job: taps put on its streams ({@link #tap}) note what each checkpoint
 * carries, and one Iceberg sink ({@link #sinkTo}) commits their rows to {@code lineage.commits}
 * with that checkpoint.
 *
 * <pre>
 *  ... --[ledger-*: pass through, note positions]--> the stream's own sink (bronze, gold, ...)
 *              \ one row per table and subtask, just ahead of each barrier
 *               --union--> [lineage-ledger-sink] --> lineage.commits (one commit per checkpoint)
 * </pre>
 */
public final class LineageLedger {

    static final OutputTag<RowData> ROWS =
            new OutputTag<>(
                    "lineage-ledger",
                    InternalTypeInfo.of(FlinkSchemaUtil.convert(LineageTables.SCHEMA)));

    private final String job;
    private final List<DataStream<RowData>> rows = new ArrayList<>();

    /**
     * @param job the job's name, as the ledger names it
     */
    public LineageLedger(String job) {
        this.job = job;
    }

    /**
     * Notes the positions of {@code stream}'s elements; returns the same elements, to be used in
     * place of {@code stream}.
     *
     * @param uid the tap's operator uid (stable across versions)
     * @param layer {@link LineageTables#LAYER_BRONZE}, {@link LineageTables#LAYER_CONSUMED} or
     *     {@link LineageTables#LAYER_GOLD}
     */
    public <T> DataStream<T> tap(
            DataStream<T> stream,
            String uid,
            String layer,
            TypeInformation<T> type,
            LedgerPosition.Extractor<T> positions) {
        SingleOutputStreamOperator<T> tapped =
                stream.transform("lineage: " + layer, type, new LedgerTap<>(job, layer, positions))
                        .uid(uid)
                        .setParallelism(stream.getParallelism());
        rows.add(tapped.getSideOutput(ROWS));
        return tapped;
    }

    /** Appends every tap's rows to the ledger table, one commit per checkpoint. */
    public void sinkTo(TableLoader ledgerTable, String uidPrefix) {
        if (rows.isEmpty()) {
            return;
        }
        DataStream<RowData> all = rows.get(0);
        for (int i = 1; i < rows.size(); i++) {
            all = all.union(rows.get(i));
        }
        FlinkSink.forRowData(all)
                .tableLoader(ledgerTable)
                .distributionMode(DistributionMode.NONE)
                .writeParallelism(1)
                .uidPrefix(uidPrefix)
                .append();
    }
}
