package dev.lakestream.jobs.source.rest;

import dev.lakestream.jobs.source.SourceRecord;
import java.util.Optional;
import java.util.function.Function;
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
 * The polling REST source: one endpoint, polled incrementally by a cursor kept in Flink's
 * checkpoints, emitting {@link SourceRecord}s (good ones for bronze, refused ones for quarantine).
 *
 * <pre>
 *   RestSplitEnumerator --(the one split: cursor + ids at cursor)--> RestSourceReader
 *                                                                      |  fetch thread:
 *   GET url?query&amp;updated_since=cursor&amp;page=1..n  &lt;-- RestPoller &lt;---+  RestHttp (auth, rate
 *        |                                                              |  cap, time-outs,
 *        v  PageParser: records array (+ next token / Link)             |  retries, Retry-After)
 *   one poll cycle = records of all its pages + next split state ------&gt;+
 *                                                                      |  pollNext: emit the
 *                                                                      v  whole cycle, then
 *                                                  SourceRecord stream    adopt its state
 * </pre>
 *
 * A checkpoint holds the split state of the last cycle emitted whole, so after a restore the next
 * poll asks from that cursor and drops what it already emitted there: no record lost or repeated.
 *
 * <p>Unbounded. The endpoint is one split read by one reader, so the IngestionJob runs the source
 * with parallelism 1 and the fixed uid of {@code OperatorIds.recordSource}, so that savepoints keep
 * the cursor across upgrades (see {@code IngestionTopology.buildRecords}).
 */
public final class RestSource
        implements Source<SourceRecord, RestSplit, RestEnumeratorState>,
                ResultTypeQueryable<SourceRecord> {

    private static final long serialVersionUID = 1L;

    private final RestSourceSettings settings;

    public RestSource(RestSourceSettings settings) {
        this.settings = settings;
    }

    public RestSourceSettings settings() {
        return settings;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<SourceRecord, RestSplit> createReader(SourceReaderContext context) {
        return new RestSourceReader(settings, context, pollers());
    }

    /** How a reader gets its poller; a seam for tests. */
    Function<RestSourceSettings, RestPoller> pollers() {
        return s -> new RestPoller(s, new RestHttp(s));
    }

    @Override
    public SplitEnumerator<RestSplit, RestEnumeratorState> createEnumerator(
            SplitEnumeratorContext<RestSplit> context) {
        return new RestSplitEnumerator(context, Optional.of(RestSplit.initial(settings)));
    }

    @Override
    public SplitEnumerator<RestSplit, RestEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<RestSplit> context, RestEnumeratorState checkpoint) {
        return new RestSplitEnumerator(context, checkpoint.unassigned());
    }

    @Override
    public SimpleVersionedSerializer<RestSplit> getSplitSerializer() {
        return RestSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<RestEnumeratorState> getEnumeratorCheckpointSerializer() {
        return new RestEnumeratorStateSerializer();
    }

    @Override
    public TypeInformation<SourceRecord> getProducedType() {
        return TypeInformation.of(SourceRecord.class);
    }
}
