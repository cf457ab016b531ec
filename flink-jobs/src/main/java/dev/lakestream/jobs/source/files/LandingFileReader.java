package dev.lakestream.jobs.source.files;

import dev.lakestream.jobs.source.SourceRecord;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.metrics.Counter;

/**
 * One parallel reader: asks the enumerator for a file when it has none, reads it through {@link
 * LandingFileSplitReader} in a fetcher thread, and checkpoints the position of every unfinished
 * file. A finished file is not in its state; the enumerator never hands it out again.
 *
 * <p>Metrics: {@code filesRead} (files read to their end) and {@code linesRead} (lines emitted,
 * good or refused; blank lines and a CSV header are not counted).
 */
final class LandingFileReader
        extends SingleThreadMultiplexSourceReaderBase<
                LandingLine, SourceRecord, LandingFileSplit, LandingFileSplitState> {

    LandingFileReader(
            Supplier<SplitReader<LandingLine, LandingFileSplit>> splitReaders,
            Configuration configuration,
            SourceReaderContext context) {
        this(splitReaders, configuration, context, context.metricGroup().counter("linesRead"));
    }

    private LandingFileReader(
            Supplier<SplitReader<LandingLine, LandingFileSplit>> splitReaders,
            Configuration configuration,
            SourceReaderContext context,
            Counter linesRead) {
        super(splitReaders, new LandingRecordEmitter(linesRead), configuration, context);
        this.filesRead = context.metricGroup().counter("filesRead");
    }

    private final Counter filesRead;

    @Override
    public void start() {
        if (getNumberOfCurrentlyAssignedSplits() == 0) {
            context.sendSplitRequest();
        }
    }

    @Override
    protected void onSplitFinished(Map<String, LandingFileSplitState> finished) {
        filesRead.inc(finished.size());
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
