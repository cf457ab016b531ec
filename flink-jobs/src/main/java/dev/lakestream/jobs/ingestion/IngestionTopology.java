package dev.lakestream.jobs.ingestion;

import dev.lakestream.jobs.bronze.BronzeRouter;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
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
            Integer writeParallelism) {
        DataStream<RowData> changes =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "postgres-cdc-source")
                        .uid(OperatorIds.POSTGRES_SOURCE)
                        .name("PostgreSQL CDC (pgoutput)");

        SingleOutputStreamOperator<RowData> routed =
                changes.process(new BronzeRouter(sourceTables))
                        .uid(OperatorIds.BRONZE_ROUTER)
                        .name("route to bronze tables");

        for (String table : sourceTables) {
            FlinkSink.Builder sink =
                    FlinkSink.forRowData(routed.getSideOutput(BronzeRouter.tagFor(table)))
                            .tableLoader(bronzeTable.apply(table))
                            .distributionMode(DistributionMode.NONE)
                            .uidPrefix(OperatorIds.bronzeSink(table));
            if (writeParallelism != null) {
                sink.writeParallelism(writeParallelism);
            }
            sink.append();
        }
    }
}
