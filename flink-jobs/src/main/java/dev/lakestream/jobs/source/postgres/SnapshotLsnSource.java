package dev.lakestream.jobs.source.postgres;

import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.cdc.connectors.base.config.SourceConfig;
import org.apache.flink.cdc.connectors.base.source.meta.offset.Offset;
import org.apache.flink.cdc.connectors.base.source.meta.split.SourceRecords;
import org.apache.flink.cdc.connectors.base.source.meta.split.SourceSplitState;
import org.apache.flink.cdc.connectors.base.source.meta.wartermark.WatermarkEvent;
import org.apache.flink.cdc.connectors.base.source.metrics.SourceReaderMetrics;
import org.apache.flink.cdc.connectors.base.source.reader.IncrementalSourceRecordEmitter;
import org.apache.flink.cdc.connectors.postgres.source.PostgresDialect;
import org.apache.flink.cdc.connectors.postgres.source.PostgresSourceBuilder;
import org.apache.flink.cdc.connectors.postgres.source.PostgresSourceBuilder.PostgresIncrementalSource;
import org.apache.flink.cdc.connectors.postgres.source.offset.PostgresOffset;
import org.apache.flink.cdc.connectors.postgres.source.offset.PostgresOffsetFactory;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Flink CDC's PostgreSQL source, except that snapshot reads carry a WAL position: the low watermark
 * of their chunk (the server's WAL position taken just before the chunk was read), written into the
 * record's {@code source.lsn}, where Flink CDC leaves 0.
 *
 * <p>Why: silver applies changes per key in LSN order. With snapshot rows at LSN 0, a re-snapshot
 * (after the slot was lost) could never correct a row silver already holds. At the low watermark a
 * snapshot row is newer than every change it can contain that is not streamed again, and older than
 * every change streamed after it: Flink CDC streams a chunk's keys from its high watermark on (the
 * changes between low and high are folded into the row by the back-fill), or, with {@code
 * source.postgres.snapshot.skip-backfill}, from the lowest low watermark on.
 *
 * <pre>
 *  chunk: [low watermark] row row row ... [high watermark]
 *                |          \--source.lsn = low--> BronzeDeserializationSchema --> bronze (op r)
 *                \--remembered per reader
 * </pre>
 */
public final class SnapshotLsnSource<T> extends PostgresIncrementalSource<T> {

    private static final long serialVersionUID = 1L;

    public SnapshotLsnSource(
            PostgresSourceBuilder<T> builder, DebeziumDeserializationSchema<T> deserializer) {
        super(
                builder.getConfigFactory(),
                deserializer,
                new PostgresOffsetFactory(),
                new PostgresDialect(builder.getConfigFactory().create(0)));
    }

    @Override
    protected RecordEmitter<SourceRecords, T, SourceSplitState> createRecordEmitter(
            SourceConfig sourceConfig, SourceReaderMetrics sourceReaderMetrics) {
        return new SnapshotLsnEmitter<>(
                deserializationSchema,
                sourceReaderMetrics,
                sourceConfig.isIncludeSchemaChanges(),
                offsetFactory);
    }

    /** Stamps each snapshot row with the low watermark of the chunk it was read in. */
    static final class SnapshotLsnEmitter<T> extends IncrementalSourceRecordEmitter<T> {

        // the emitter serves one reader and reads one chunk at a time
        private Long chunkLsn;

        SnapshotLsnEmitter(
                DebeziumDeserializationSchema<T> deserializer,
                SourceReaderMetrics metrics,
                boolean includeSchemaChanges,
                org.apache.flink.cdc.connectors.base.source.meta.offset.OffsetFactory offsets) {
            super(deserializer, metrics, includeSchemaChanges, offsets);
        }

        @Override
        protected void processElement(
                SourceRecord element, SourceOutput<T> output, SourceSplitState splitState)
                throws Exception {
            if (splitState.isSnapshotSplitState()) {
                if (WatermarkEvent.isLowWatermarkEvent(element)) {
                    chunkLsn = lsnOf(getOffsetPosition(element));
                } else if (WatermarkEvent.isHighWatermarkEvent(element)) {
                    chunkLsn = null;
                } else if (chunkLsn != null) {
                    stamp(element, chunkLsn);
                }
            }
            super.processElement(element, output, splitState);
        }

        private static Long lsnOf(Offset offset) {
            if (offset instanceof PostgresOffset postgres && postgres.getLsn() != null) {
                return postgres.getLsn().asLong();
            }
            return null;
        }

        /** Sets {@code source.lsn} of a snapshot read, which Flink CDC leaves at 0 (or null). */
        static void stamp(SourceRecord record, long lsn) {
            if (!(record.value() instanceof Struct value)
                    || value.schema().field("source") == null) {
                return;
            }
            Struct source = value.getStruct("source");
            if (source == null || source.schema().field("lsn") == null) {
                return;
            }
            // a row the back-fill rebuilt from a change keeps that change's real LSN
            if (source.get("lsn") instanceof Number current && current.longValue() != 0L) {
                return;
            }
            source.put("lsn", lsn);
        }
    }
}
