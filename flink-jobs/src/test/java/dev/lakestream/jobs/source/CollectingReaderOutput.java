package dev.lakestream.jobs.source;

import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;

/**
 * A reader output into a list, for driving the sources' readers and record emitters outside Flink
 * in unit tests. Every split shares the one list.
 */
public final class CollectingReaderOutput implements ReaderOutput<SourceRecord> {

    private final List<SourceRecord> records;

    public CollectingReaderOutput(List<SourceRecord> records) {
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

    @Override
    public SourceOutput<SourceRecord> createOutputForSplit(String splitId) {
        return this;
    }

    @Override
    public void releaseOutputForSplit(String splitId) {}
}
