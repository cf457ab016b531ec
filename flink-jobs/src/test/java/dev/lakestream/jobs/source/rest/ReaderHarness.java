package dev.lakestream.jobs.source.rest;

import dev.lakestream.jobs.source.CollectingReaderOutput;
import dev.lakestream.jobs.source.SourceRecord;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;

/**
 * Drives a {@link RestSourceReader} outside Flink, as the source operator does: {@code pollNext}
 * and {@code snapshotState} from one thread, collecting what is emitted.
 */
final class ReaderHarness implements AutoCloseable {

    final RestSourceReader reader;
    final List<SourceRecord> emitted = new CopyOnWriteArrayList<>();
    private final CollectingReaderOutput output = new CollectingReaderOutput(emitted);

    ReaderHarness(RestSourceSettings settings, List<RestSplit> restored) {
        reader =
                new RestSourceReader(
                        settings, new Context(), s -> new RestPoller(s, new RestHttp(s)));
        reader.addSplits(restored);
        reader.start();
    }

    /** One {@code pollNext}, as the operator calls it when the reader is available. */
    ReaderHarness poll() {
        reader.pollNext(output);
        return this;
    }

    List<RestSplit> snapshot(long checkpointId) {
        return reader.snapshotState(checkpointId);
    }

    List<SourceRecord> good() {
        return emitted.stream().filter(r -> !r.rejected()).toList();
    }

    @Override
    public void close() throws Exception {
        reader.close();
    }

    private static final class Context implements SourceReaderContext {
        @Override
        public SourceReaderMetricGroup metricGroup() {
            return UnregisteredMetricsGroup.createSourceReaderMetricGroup();
        }

        @Override
        public Configuration getConfiguration() {
            return new Configuration();
        }

        @Override
        public String getLocalHostName() {
            return "localhost";
        }

        @Override
        public int getIndexOfSubtask() {
            return 0;
        }

        @Override
        public void sendSplitRequest() {}

        @Override
        public void sendSourceEventToCoordinator(SourceEvent sourceEvent) {}

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
            return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
        }
    }
}
