package dev.lakestream.jobs.source.files;

import dev.lakestream.jobs.source.SourceRecord;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.metrics.Counter;

/**
 * Emits a line's record and moves its split past the line in the same step, so a checkpoint taken
 * between two records holds exactly the position after the last emitted one.
 */
final class LandingRecordEmitter
        implements RecordEmitter<LandingLine, SourceRecord, LandingFileSplitState> {

    private final Counter linesRead;

    LandingRecordEmitter(Counter linesRead) {
        this.linesRead = linesRead;
    }

    @Override
    public void emitRecord(
            LandingLine line, SourceOutput<SourceRecord> output, LandingFileSplitState split) {
        if (line.record() != null) {
            output.collect(line.record(), line.record().sourceTimeMillis());
            linesRead.inc();
        }
        split.advance(line);
    }
}
