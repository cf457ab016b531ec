package dev.lakestream.jobs.ingestion;

import dev.lakestream.jobs.bronze.RecordBronzeMapper;
import dev.lakestream.jobs.source.SourceRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

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

    /** Good records become bronze rows; refused ones go to {@link #REJECTS}. */
    public static final class Splitter extends ProcessFunction<SourceRecord, RowData> {

        private static final long serialVersionUID = 1L;
        private final RecordBronzeMapper mapper;

        public Splitter(RecordBronzeMapper mapper) {
            this.mapper = mapper;
        }

        @Override
        public void processElement(SourceRecord record, Context ctx, Collector<RowData> out) {
            if (record.rejected()) {
                ctx.output(REJECTS, mapper.toReject(record));
            } else {
                out.collect(mapper.toBronze(record));
            }
        }
    }
}
