package dev.lakestream.jobs.silver;

import dev.lakestream.jobs.changelog.RowChange;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.iceberg.DistributionMode;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.FlinkSink;

/**
 * Silver: the entity changelogs cleansed by {@link EntityRules}, upserted into one typed Iceberg
 * table per entity; refused changes go, with their rule and reason, to the quarantine table.
 *
 * <pre>
 *  changelog --[silver-cleanse]--+--> cleansed changelog --> silver.&lt;entity&gt; (upsert by key)
 *                                 |                       \-> gold
 *                                 +--(refused)--> quarantine.silver_rejects (upsert by refusal)
 * </pre>
 */
public final class SilverTopology {

    private SilverTopology() {}

    static final OutputTag<RowData> REJECTS =
            new OutputTag<>("silver-rejects", InternalTypeInfo.of(QuarantineRecord.ROW_TYPE));

    /** Cleanses the changelog; the refused changes are the {@link #REJECTS} side output. */
    public static SingleOutputStreamOperator<RowChange> cleanse(DataStream<RowChange> changes) {
        return changes.process(new Cleanser(), RowChange.TYPE)
                .uid(SilverOperatorIds.CLEANSE)
                .name("cleanse and validate");
    }

    /** Upserts each entity's cleansed changes into its silver table; quarantines the refused. */
    public static void sink(
            SingleOutputStreamOperator<RowChange> cleansed,
            List<String> sourceTables,
            Function<String, TableLoader> silverTable,
            TableLoader quarantine) {
        for (String table : sourceTables) {
            SilverRowConverter converter =
                    SilverRowConverter.forSourceTable(table, Clock.systemUTC());
            DataStream<RowData> rows =
                    cleansed.filter(c -> c.table.equals(table))
                            .name("silver " + table)
                            .map(converter::toRowData, InternalTypeInfo.of(converter.rowType()))
                            .name("typed " + table);
            FlinkSink.forRowData(rows)
                    .tableLoader(silverTable.apply(table))
                    .upsert(true)
                    .distributionMode(DistributionMode.HASH)
                    .uidPrefix(SilverOperatorIds.silverSink(table))
                    .append();
        }
        quarantine(cleansed.getSideOutput(REJECTS), quarantine);
    }

    /**
     * Upserts refused changes into the quarantine table on its key (source table, key, LSN, rule;
     * see {@code QuarantineTables}): a change refused again, when bronze is re-read or a checkpoint
     * replayed, rewrites its row instead of adding one. Hashed by that key, so one writer owns each
     * key and two copies never land in one commit from two writers.
     */
    public static void quarantine(DataStream<RowData> rejects, TableLoader quarantine) {
        FlinkSink.forRowData(rejects)
                .tableLoader(quarantine)
                .upsert(true)
                .distributionMode(DistributionMode.HASH)
                .uidPrefix(SilverOperatorIds.QUARANTINE_SINK)
                .append();
    }

    /** The function of the cleansing operator, for tests that run it in a harness. */
    public static ProcessFunction<RowChange, RowChange> cleanser() {
        return new Cleanser();
    }

    /** Applies the rules: accepted changes go on, refused ones to the quarantine. */
    private static final class Cleanser extends ProcessFunction<RowChange, RowChange> {

        private static final long serialVersionUID = 1L;
        private final EntityRules rules = new EntityRules();

        @Override
        public void processElement(RowChange change, Context ctx, Collector<RowChange> out) {
            CleansingResult result = rules.apply(change);
            if (result instanceof CleansingResult.Accepted accepted) {
                out.collect(accepted.change());
            } else if (result instanceof CleansingResult.Rejected rejected) {
                ctx.output(
                        REJECTS,
                        QuarantineRecord.of(rejected, java.time.Instant.now()).toRowData());
            }
        }
    }
}
