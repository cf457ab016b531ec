package dev.lakestream.jobs.ingestion;

import dev.lakestream.catalog.LineageTables;
import dev.lakestream.jobs.bronze.BronzeRouter;
import dev.lakestream.jobs.bronze.BronzeRow;
import dev.lakestream.jobs.bronze.BronzeRowMapper;
import dev.lakestream.jobs.bronze.RecordBronzeMapper;
import dev.lakestream.jobs.lineage.LedgerPosition;
import dev.lakestream.jobs.lineage.LineageLedger;
import dev.lakestream.jobs.source.SourceRecord;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.iceberg.DistributionMode;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.FlinkSink;

/**
 * Wires the IngestionJob; it only connects streams, so tests and the local stack hand it the same
 * real source and sinks the job uses.
 *
 * <pre>
 *  PostgreSQL --pgoutput--> [postgres-cdc-source] --bronze rows--> [bronze-router]
 *                                                                     |  one side output per table
 *                        +--------------------------------------------+-------------- ...
 *                        v                                            v
 *   [bronze-sink-shop-orders: writer -> committer]   [bronze-sink-shop-order_lines: ...]
 *                        |  one Iceberg commit per checkpoint         |
 *                        v                                            v
 *                 bronze.shop_orders                          bronze.shop_order_lines
 * </pre>
 *
 * <p>Exactly once: the source's WAL position and the writers' pending data files are in the same
 * checkpoint; the committer commits those files when the checkpoint completes and records the
 * checkpoint id in the snapshot summary, so a restart neither loses nor re-commits them.
 */
public final class IngestionTopology {

    private IngestionTopology() {}

    /**
     * @param source produces bronze rows (see {@code BronzeRow})
     * @param sourceTables schema-qualified source tables, one bronze table each
     * @param bronzeTable the loader of a source table's bronze table
     * @param writeParallelism writers per bronze table, or null for the job's parallelism
     */
    public static void build(
            StreamExecutionEnvironment env,
            Source<RowData, ?, ?> source,
            List<String> sourceTables,
            Function<String, TableLoader> bronzeTable,
            Integer writeParallelism,
            LineageLedger ledger) {
        DataStream<RowData> changes =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "postgres-cdc-source")
                        .uid(OperatorIds.POSTGRES_SOURCE)
                        .name("PostgreSQL CDC (pgoutput)");

        SingleOutputStreamOperator<RowData> routed =
                changes.process(new BronzeRouter(sourceTables))
                        .uid(OperatorIds.BRONZE_ROUTER)
                        .name("route to bronze tables");

        for (String table : sourceTables) {
            appendToBronze(
                    routed.getSideOutput(BronzeRouter.tagFor(table)),
                    table,
                    bronzeTable.apply(table),
                    writeParallelism,
                    ledger);
        }
    }

    /**
     * One bronze table's sink: writers and a committer, one Iceberg commit per checkpoint; the
     * ledger notes what each commit holds.
     */
    private static void appendToBronze(
            DataStream<RowData> rows,
            String table,
            TableLoader loader,
            Integer writeParallelism,
            LineageLedger ledger) {
        DataStream<RowData> noted =
                ledger.tap(
                        rows,
                        OperatorIds.bronzeLedger(table),
                        LineageTables.LAYER_BRONZE,
                        BronzeRow.typeInfo(),
                        IngestionTopology::positionOf);
        FlinkSink.Builder sink =
                FlinkSink.forRowData(noted)
                        .tableLoader(loader)
                        .distributionMode(DistributionMode.NONE)
                        .uidPrefix(OperatorIds.bronzeSink(table));
        if (writeParallelism != null) {
            sink.writeParallelism(writeParallelism);
        }
        sink.append();
    }

    /** Where a bronze row came from, for the lineage ledger. */
    static LedgerPosition positionOf(RowData row) {
        return new LedgerPosition(
                row.getString(BronzeRow.SOURCE_TABLE).toString(),
                row.getLong(BronzeRow.LSN),
                row.isNullAt(BronzeRow.TX_ID) ? null : row.getLong(BronzeRow.TX_ID),
                row.isNullAt(BronzeRow.ORIGIN) ? null : row.getString(BronzeRow.ORIGIN).toString(),
                row.isNullAt(BronzeRow.ORIGIN_POSITION)
                        ? -1
                        : row.getLong(BronzeRow.ORIGIN_POSITION),
                null);
    }

    /** A polled or file source and the name its records carry ({@code rest:exchange_rates}). */
    public record RecordInput(
            String sourceName, Source<SourceRecord, ?, ?> source, Integer parallelism) {}

    /**
     * Wires the REST and file sources: each source's good records into its own bronze table, the
     * records any of them refused into one quarantine table.
     *
     * <pre>
     *  [source-rest-exchange_rates] --> [records-rest-exchange_rates] --> bronze.rest_exchange_rates
     *  [source-files-foot_traffic]  --> [records-files-foot_traffic]  --> bronze.files_foot_traffic
     *                                       \ refused (both) --union--> quarantine.ingestion_rejects
     * </pre>
     *
     * Exactly once as for CDC: each source's position (cursor, file offsets) is in the checkpoint
     * whose completion commits the Iceberg files written from it.
     */
    public static void buildRecords(
            StreamExecutionEnvironment env,
            List<RecordInput> inputs,
            Function<String, TableLoader> bronzeTable,
            TableLoader ingestionRejects,
            Integer writeParallelism,
            LineageLedger ledger) {
        if (inputs.isEmpty()) {
            return;
        }
        RecordBronzeMapper mapper = new RecordBronzeMapper(BronzeRowMapper.EpochClock.system());
        DataStream<RowData> rejects = null;
        for (RecordInput input : inputs) {
            String table = RecordBronzeMapper.sourceTable(input.sourceName());
            DataStreamSource<SourceRecord> records =
                    env.fromSource(
                            input.source(),
                            WatermarkStrategy.noWatermarks(),
                            input.sourceName(),
                            SourceRecords.TYPE);
            records.uid(OperatorIds.recordSource(input.sourceName()));
            if (input.parallelism() != null) {
                records.setParallelism(input.parallelism());
            }
            TableLoader bronzeLoader = bronzeTable.apply(table);
            SingleOutputStreamOperator<RowData> bronze =
                    records.process(
                                    new SourceRecords.Splitter(
                                            mapper,
                                            input.sourceName(),
                                            bronzeLoader,
                                            ingestionRejects),
                                    BronzeRow.typeInfo())
                            .uid(OperatorIds.recordSplitter(input.sourceName()))
                            .name("records of " + input.sourceName());
            appendToBronze(bronze, table, bronzeLoader, writeParallelism, ledger);
            DataStream<RowData> refused = bronze.getSideOutput(SourceRecords.REJECTS);
            rejects = rejects == null ? refused : rejects.union(refused);
        }
        // upserts on (source, origin, position): a record refused again after a restart, from
        // the same read, rewrites its row instead of adding one
        FlinkSink.forRowData(rejects)
                .tableLoader(ingestionRejects)
                .upsert(true)
                .distributionMode(DistributionMode.NONE)
                .writeParallelism(1)
                .uidPrefix(OperatorIds.INGESTION_REJECTS_SINK)
                .append();
    }
}
