package dev.lakestream.jobs.source.files;

import dev.lakestream.jobs.config.JobSettings;
import dev.lakestream.jobs.source.CollectingReaderOutput;
import dev.lakestream.jobs.source.SourceRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;

/**
 * Landing files read exactly as the file source reads them (split reader, line interpreter, record
 * emitter), for tests outside this package that follow a line on from the source: the records carry
 * the real sequence (last-modified second and line) and the real refusals.
 */
public final class LandedFiles {

    private static final String PREFIX = "landing/foot_traffic/";

    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final FileSourceSettings settings =
            FileSourceSettings.from(
                            JobSettings.fromMap(
                                    Map.of(
                                            "source.files.enabled",
                                            "true",
                                            "source.files.uri",
                                            "s3://" + InMemoryObjectStore.BUCKET + "/" + PREFIX),
                                    FileSourceOptions.knownKeys(),
                                    Set.of()))
                    .orElseThrow();

    /** Every record of the file, good and refused, in line order. */
    public List<SourceRecord> read(String name, String text, long lastModifiedMillis)
            throws Exception {
        LandingFile file = store.put(PREFIX + name, text, lastModifiedMillis);
        List<SourceRecord> out = new ArrayList<>();
        drain(settings, store, LandingFileSplit.unread(file), Long.MAX_VALUE, out);
        return out;
    }

    /**
     * Reads a split as the source reader would: each line through the emitter into a split state.
     * Stops after {@code limit} emitted records and returns the split to checkpoint, or {@code
     * null} when the file was read to its end.
     */
    static LandingFileSplit drain(
            FileSourceSettings settings,
            LandingObjectStore store,
            LandingFileSplit split,
            long limit,
            List<SourceRecord> out)
            throws Exception {
        LandingFileSplitState state = new LandingFileSplitState(split);
        LandingRecordEmitter emitter =
                new LandingRecordEmitter(new org.apache.flink.metrics.SimpleCounter());
        var output = new CollectingReaderOutput(out);
        try (LandingFileSplitReader reader = new LandingFileSplitReader(settings, store)) {
            reader.handleSplitsChanges(new SplitsAddition<>(List.of(split)));
            while (true) {
                RecordsWithSplitIds<LandingLine> batch = reader.fetch();
                String id = batch.nextSplit();
                if (id != null) {
                    LandingLine line;
                    while ((line = batch.nextRecordFromSplit()) != null) {
                        if (out.size() >= limit && line.record() != null) {
                            return state.toSplit();
                        }
                        emitter.emitRecord(line, output, state);
                    }
                }
                if (batch.finishedSplits().contains(split.splitId())) {
                    return null;
                }
            }
        }
    }
}
