package dev.lakestream.jobs.source.files;

import dev.lakestream.jobs.source.SourceRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The landing-zone file source: monitors {@code s3://bucket/landing/<dataset>/}, reads each CSV
 * (with header) or JSON Lines file once and only once across restarts, streamed line by line, and
 * emits one {@link SourceRecord} per line: good rows as JSON objects with file URI and line number,
 * bad ones rejected with the reason, for quarantine.
 *
 * <pre>
 *                 ┌ enumerator (job manager) ──────────────────────────────┐
 *  S3 landing/ ──►│ ListObjectsV2 every discovery-interval                 │
 *                 │ LandingDiscovery: settled, not done, not taken → queue │
 *                 └──────┬─────────────────────────────────────────────────┘
 *                        │ one file = one split, to the reader that asks
 *                        ▼
 *  reader 1..n:  GetObject Range: bytes=&lt;offset&gt;-  → LineCursor → LineInterpreter → SourceRecord
 *                checkpoint: (file, offset, next line, CSV header) of the file being read
 * </pre>
 *
 * <p><b>Exactly once.</b> A reader checkpoints the byte offset and number of the next unread line
 * of its file (plus the CSV header), so a restore resumes with a range read at the next line. The
 * enumerator checkpoints the files it has handed out, so a finished file is never handed out again;
 * files handed out after the last checkpoint come back through {@code addSplitsBack}.
 *
 * <p><b>Bounded state.</b> The enumerator keeps a watermark {@code W} (the newest last-modified
 * time of any file it took) and only the files taken with last-modified in {@code [W - lateness,
 * W]}. A listed file older than {@code W - lateness} counts as done and is never read. The state
 * thus holds one lateness window of files (default 1 h), whether the folder is a day or ten years
 * old. The contract this implies: a file must become visible within {@code lateness} of its
 * last-modified time relative to the newest file already seen. S3 sets last-modified when a single
 * PUT completes (always fine) and when a multipart upload <i>starts</i> (fine if uploads take less
 * than lateness + settle-time); objects copied in with an old preserved date must be re-uploaded.
 * Listing still costs one {@code ListObjectsV2} page per 1000 objects in the folder: expire or move
 * old files with a lifecycle rule.
 *
 * <p>The enumerator reports the gauges {@code rememberedFiles} (the window's taken set: watch it
 * stay flat) and {@code pendingFiles} (files listed but not yet handed to a reader: a growing
 * number means the readers fall behind).
 *
 * <p>An overwritten key (newer last-modified) is a new file and is read again; a version replaced
 * while being read fails its {@code If-Match} etag check and is quarantined as one record.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * FileSourceSettings files = FileSourceSettings.from(jobSettings).orElseThrow();
 * DataStream<SourceRecord> records =
 *     env.fromSource(new LandingFileSource(files), WatermarkStrategy.noWatermarks(),
 *             files.sourceName())
 *         .uid("source-files-" + files.dataset());
 * }</pre>
 */
public final class LandingFileSource
        implements Source<SourceRecord, LandingFileSplit, LandingEnumeratorState>,
                ResultTypeQueryable<SourceRecord> {

    private static final long serialVersionUID = 1L;

    private final FileSourceSettings settings;
    private final LandingObjectStore.Factory storeFactory;

    /** A source reading S3 with a client built from the settings' {@code s3.*} keys. */
    public LandingFileSource(FileSourceSettings settings) {
        this(settings, new S3LandingObjectStore.Factory(settings.s3()));
    }

    /** A source reading any object store (tests use one over memory). */
    public LandingFileSource(FileSourceSettings settings, LandingObjectStore.Factory storeFactory) {
        this.settings = settings;
        this.storeFactory = storeFactory;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<SourceRecord, LandingFileSplit> createReader(SourceReaderContext context) {
        return new LandingFileReader(
                () -> new LandingFileSplitReader(settings, storeFactory.open()),
                context.getConfiguration(),
                context);
    }

    @Override
    public SplitEnumerator<LandingFileSplit, LandingEnumeratorState> createEnumerator(
            SplitEnumeratorContext<LandingFileSplit> context) {
        return restoreEnumerator(context, LandingEnumeratorState.empty());
    }

    @Override
    public SplitEnumerator<LandingFileSplit, LandingEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<LandingFileSplit> context, LandingEnumeratorState state) {
        return new LandingFileEnumerator(
                context, settings, storeFactory, state, System::currentTimeMillis);
    }

    @Override
    public SimpleVersionedSerializer<LandingFileSplit> getSplitSerializer() {
        return LandingFileSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<LandingEnumeratorState> getEnumeratorCheckpointSerializer() {
        return LandingEnumeratorStateSerializer.INSTANCE;
    }

    @Override
    public TypeInformation<SourceRecord> getProducedType() {
        return TypeInformation.of(SourceRecord.class);
    }
}
