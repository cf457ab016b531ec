package dev.lakestream.jobs.source.files;

import dev.lakestream.jobs.source.SourceRecord;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;

/**
 * One parallel reader: asks the enumerator for a file when it has none, reads it through {@link
 * LandingFileSplitReader} in a fetcher thread, and checkpoints the position of every unfinished
 * file. A finished file is not in its state; the enumerator never hands it out again.
 */
final class LandingFileReader
        extends SingleThreadMultiplexSourceReaderBase<
                LandingLine, SourceRecord, LandingFileSplit, LandingFileSplitState> {

    LandingFileReader(
            Supplier<SplitReader<LandingLine, LandingFileSplit>> splitReaders,
            Configuration configuration,
            SourceReaderContext context) {
        super(splitReaders, new LandingRecordEmitter(), configuration, context);
    }

    @Override
    public void start() {
        if (getNumberOfCurrentlyAssignedSplits() == 0) {
            context.sendSplitRequest();
        }
    }

    @Override
    protected void onSplitFinished(Map<String, LandingFileSplitState> finished) {
        context.sendSplitRequest();
    }

    @Override
    protected LandingFileSplitState initializedState(LandingFileSplit split) {
        return new LandingFileSplitState(split);
    }

    @Override
    protected LandingFileSplit toSplitType(String splitId, LandingFileSplitState state) {
        return state.toSplit();
    }
}
