package dev.lakestream.jobs.source.files;

import dev.lakestream.jobs.source.SourceRecord;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.SourceOutput;

/** A source output into a list, for driving the record emitter in unit tests. */
final class CollectingOutput implements SourceOutput<SourceRecord> {

    private final List<SourceRecord> records;

    CollectingOutput(List<SourceRecord> records) {
        this.records = records;
    }

    @Override
    public void collect(SourceRecord record) {
        records.add(record);
    }

    @Override
    public void collect(SourceRecord record, long timestamp) {
        records.add(record);
    }

    @Override
    public void emitWatermark(Watermark watermark) {}

    @Override
    public void markIdle() {}

    @Override
    public void markActive() {}
}
