package dev.lakestream.jobs.ingestion;

import dev.lakestream.jobs.bronze.BronzeTableMetrics;
import dev.lakestream.jobs.bronze.RecordBronzeMapper;
import dev.lakestream.jobs.source.SourceRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.iceberg.flink.TableLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records of the REST and file sources inside the IngestionJob: their Flink type, and the split
 * of good records (to bronze) from refused ones (to {@code quarantine.ingestion_rejects}).
 */
public final class SourceRecords {

    private SourceRecords() {}

    /** {@link SourceRecord} is a Java record: Flink serialises it as a POJO, never with Kryo. */
    public static final TypeInformation<SourceRecord> TYPE = TypeInformation.of(SourceRecord.class);

    /** The refused records, as {@code quarantine.ingestion_rejects} rows. */
    public static final OutputTag<RowData> REJECTS =
            new OutputTag<>(
                    "ingestion-rejects", InternalTypeInfo.of(RecordBronzeMapper.REJECT_ROW_TYPE));

    /**
     * Good records become bronze rows; refused ones go to {@link #REJECTS}. Both pass a {@link
     * ReplayFence} first: after a restore, what the source reads again and the tables already hold
     * from the runs since that checkpoint is dropped (counted in {@code replayedRecordsDropped}).
     * Each checkpoint stores the time its barrier passed here, where the fence starts.
     *
     * <p>Metrics: the bronze table's {@link BronzeTableMetrics}, and the refused records in {@code
     * ingestion.source.<source>.rejects} (the reason of each is in the quarantine row; refusals
     * have no rule names, as they are about the record's form, not its values).
     */
    public static final class Splitter extends ProcessFunction<SourceRecord, RowData>
            implements CheckpointedFunction, CheckpointListener {

        private static final long serialVersionUID = 1L;
        private static final Logger LOG = LoggerFactory.getLogger(Splitter.class);

        private final RecordBronzeMapper mapper;
        private final String source;
        private final TableLoader bronzeTable;
        private final TableLoader rejectsTable;
        private transient ListState<Long> checkpointTimes;
        private transient ReplayFence fence;
        private transient Counter dropped;
        private transient Counter rejects;
        private transient BronzeTableMetrics bronzeMetrics;

        /**
         * @param source the source's name, e.g. {@code rest:exchange_rates}
         * @param bronzeTable its bronze table, read once on restore
         * @param rejectsTable {@code quarantine.ingestion_rejects}, read once on restore
         */
        public Splitter(
                RecordBronzeMapper mapper,
                String source,
                TableLoader bronzeTable,
                TableLoader rejectsTable) {
            this.mapper = mapper;
            this.source = source;
            this.bronzeTable = bronzeTable;
            this.rejectsTable = rejectsTable;
        }

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            // union: after a rescale every subtask sees every time; they are of one checkpoint
            checkpointTimes =
                    context.getOperatorStateStore()
                            .getUnionListState(
                                    new ListStateDescriptor<>("replay-fence-time", Types.LONG));
            fence = ReplayFence.none();
            if (!context.isRestored()) {
                return;
            }
            long time = -1;
            for (Long t : checkpointTimes.get()) {
                time = Math.max(time, t);
            }
            if (time < 0) {
                LOG.warn(
                        "{}: the restored state has no replay fence time (taken before this"
                                + " version); records read again since it would land twice",
                        source);
                return;
            }
            try (TableLoader bronze = bronzeTable.clone();
                    TableLoader rejects = rejectsTable.clone()) {
                bronze.open();
                rejects.open();
                fence = ReplayFence.load(bronze.loadTable(), rejects.loadTable(), source, time);
            }
            LOG.info(
                    "{}: restored a checkpoint of {}; bronze and quarantine hold {} rows of it"
                            + " made since (minus {} of clock margin), which are not written again"
                            + " when read again",
                    source,
                    java.time.Instant.ofEpochMilli(time),
                    fence.size(),
                    ReplayFence.CLOCK_MARGIN);
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            checkpointTimes.update(java.util.List.of(ReplayFence.pointInTime()));
            bronzeMetrics.barrier(context.getCheckpointId());
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            bronzeMetrics.committed(checkpointId);
        }

        @Override
        public void open(OpenContext openContext) {
            dropped = getRuntimeContext().getMetricGroup().counter("replayedRecordsDropped");
            rejects =
                    getRuntimeContext()
                            .getMetricGroup()
                            .addGroup("ingestion")
                            .addGroup("source", source)
                            .counter("rejects");
            bronzeMetrics =
                    BronzeTableMetrics.register(
                            getRuntimeContext().getMetricGroup(),
                            java.util.List.of(RecordBronzeMapper.sourceTable(source)),
                            System::currentTimeMillis);
        }

        @Override
        public void processElement(SourceRecord record, Context ctx, Collector<RowData> out) {
            if (record.rejected()) {
                RowData reject = mapper.toReject(record);
                if (!dropReplayed(fence.holdsReject(reject))) {
                    rejects.inc();
                    ctx.output(REJECTS, reject);
                }
            } else {
                RowData row = mapper.toBronze(record);
                if (!dropReplayed(fence.holdsBronze(row))) {
                    bronzeMetrics.row(
                            row.getString(dev.lakestream.jobs.bronze.BronzeRow.SOURCE_TABLE)
                                    .toString(),
                            dev.lakestream.jobs.bronze.BronzeRow.sourceMillis(row));
                    out.collect(row);
                }
            }
        }

        private boolean dropReplayed(boolean held) {
            if (held) {
                dropped.inc();
                if (fence.dropped() == 1) {
                    LOG.info(
                            "{}: dropping records read again that bronze or the quarantine"
                                    + " already holds (counted in replayedRecordsDropped)",
                            source);
                }
            }
            return held;
        }
    }
}
