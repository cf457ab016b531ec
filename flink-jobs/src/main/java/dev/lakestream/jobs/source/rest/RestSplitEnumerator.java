package dev.lakestream.jobs.source.rest;

import java.util.List;
import java.util.Optional;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the one split (the endpoint) to one reader: the first to register, or, after that reader
 * failed, any registered reader. Readers of a parallelism above one beyond the first stay idle.
 */
final class RestSplitEnumerator implements SplitEnumerator<RestSplit, RestEnumeratorState> {

    private static final Logger LOG = LoggerFactory.getLogger(RestSplitEnumerator.class);

    private final SplitEnumeratorContext<RestSplit> context;
    private RestSplit unassigned;

    RestSplitEnumerator(SplitEnumeratorContext<RestSplit> context, Optional<RestSplit> unassigned) {
        this.context = context;
        this.unassigned = unassigned.orElse(null);
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        assignTo(subtaskId);
    }

    @Override
    public void addSplitsBack(List<RestSplit> splits, int subtaskId) {
        if (!splits.isEmpty()) {
            unassigned = splits.get(0);
            LOG.info("{} handed back by reader {}", unassigned, subtaskId);
        }
        context.registeredReaders().keySet().stream()
                .sorted()
                .findFirst()
                .ifPresent(this::assignTo);
    }

    @Override
    public void addReader(int subtaskId) {
        assignTo(subtaskId);
    }

    private void assignTo(int subtaskId) {
        if (unassigned != null && context.registeredReaders().containsKey(subtaskId)) {
            LOG.info("assigning {} to reader {}", unassigned, subtaskId);
            context.assignSplit(unassigned, subtaskId);
            unassigned = null;
        }
    }

    @Override
    public RestEnumeratorState snapshotState(long checkpointId) {
        return new RestEnumeratorState(Optional.ofNullable(unassigned));
    }

    @Override
    public void close() {}
}
