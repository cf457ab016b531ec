package dev.lakestream.jobs.source.files;

import java.io.IOException;
import java.util.ArrayDeque;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the splits of one reader, one file after the other, in batches of lines: one streamed
 * {@code GetObject} from the split's offset per file, never the whole file in memory.
 *
 * <p>A batch stops at {@value #MAX_LINES_PER_FETCH} lines or {@value #MAX_BYTES_PER_FETCH} bytes,
 * so a reader holds at most a few batches (the fetch queue) plus one line of at most {@code
 * source.files.max-line-length} bytes, whatever the size of the file.
 */
final class LandingFileSplitReader implements SplitReader<LandingLine, LandingFileSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(LandingFileSplitReader.class);
    static final int MAX_LINES_PER_FETCH = 4096;
    static final int MAX_BYTES_PER_FETCH = 1 << 20;

    private final FileSourceSettings settings;
    private final LandingObjectStore store;
    private final ArrayDeque<LandingFileSplit> queue = new ArrayDeque<>();

    private LandingFileSplit current;
    private LineInterpreter interpreter;
    private LineCursor cursor;

    LandingFileSplitReader(FileSourceSettings settings, LandingObjectStore store) {
        this.settings = settings;
        this.store = store;
    }

    @Override
    public RecordsWithSplitIds<LandingLine> fetch() throws IOException {
        RecordsBySplits.Builder<LandingLine> batch = new RecordsBySplits.Builder<>();
        if (current == null) {
            current = queue.poll();
            if (current == null) {
                return batch.build();
            }
            interpreter = new LineInterpreter(settings, current);
            LOG.info(
                    "Reading {} from byte {} (line {})",
                    current.file().uri(),
                    current.offset(),
                    current.nextLine());
        }
        String id = current.splitId();
        LandingFile file = current.file();
        if (interpreter.formatProblem() != null) {
            batch.add(id, new LandingLine(interpreter.rejectFile(), file.size(), 1L, null));
            return finish(batch, id);
        }
        if (cursor == null) {
            if (current.offset() >= file.size()) {
                return finish(batch, id);
            }
            try {
                cursor =
                        new LineCursor(
                                store.open(file, current.offset()),
                                current.offset(),
                                current.nextLine(),
                                settings.maxLineLength());
            } catch (LandingObjectStore.FileGoneException e) {
                batch.add(
                        id,
                        new LandingLine(
                                interpreter.reject(current.nextLine(), "", e.getMessage()),
                                file.size(),
                                current.nextLine(),
                                null));
                return finish(batch, id);
            }
        }
        long startOffset = cursor.nextOffset();
        for (int lines = 0; lines < MAX_LINES_PER_FETCH; lines++) {
            if (!cursor.next()) {
                return finish(batch, id);
            }
            LandingLine line = interpreter.interpret(cursor);
            if (line != null) {
                batch.add(id, line);
            }
            if (cursor.nextOffset() - startOffset >= MAX_BYTES_PER_FETCH) {
                break;
            }
        }
        return batch.build();
    }

    private RecordsWithSplitIds<LandingLine> finish(
            RecordsBySplits.Builder<LandingLine> batch, String id) throws IOException {
        LOG.info("Finished {}", current.file().uri());
        closeCursor();
        batch.addFinishedSplit(id);
        current = null;
        interpreter = null;
        return batch.build();
    }

    private void closeCursor() throws IOException {
        if (cursor != null) {
            LineCursor c = cursor;
            cursor = null;
            c.close();
        }
    }

    @Override
    public void handleSplitsChanges(SplitsChange<LandingFileSplit> change) {
        if (!(change instanceof SplitsAddition)) {
            throw new UnsupportedOperationException(
                    "Unsupported split change " + change.getClass().getSimpleName());
        }
        queue.addAll(change.splits());
    }

    @Override
    public void wakeUp() {
        // fetch() returns after one bounded batch; nothing blocks indefinitely
    }

    @Override
    public void close() throws Exception {
        try {
            closeCursor();
        } finally {
            store.close();
        }
    }
}
