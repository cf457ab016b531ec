package dev.lakestream.jobs.source.files;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the landing folder every discovery interval and hands each new file, as one split, to the
 * next reader that asks. Which files are new is {@link LandingDiscovery}'s call; its bounded state
 * is this enumerator's checkpoint.
 *
 * <pre>
 *  every interval:  ListObjectsV2 (worker thread) ──filter──► candidates
 *                                                              │ (coordinator thread)
 *                                       LandingDiscovery.accept ▼
 *  reader asks ──► waiting readers ◄── pending splits ──assign──► reader
 *  reader fails ─► addSplitsBack ──► pending (front)
 * </pre>
 */
final class LandingFileEnumerator
        implements SplitEnumerator<LandingFileSplit, LandingEnumeratorState> {

    private static final Logger LOG = LoggerFactory.getLogger(LandingFileEnumerator.class);

    private final SplitEnumeratorContext<LandingFileSplit> context;
    private final FileSourceSettings settings;
    private final LandingObjectStore.Factory storeFactory;
    private final LandingDiscovery discovery;
    private final LongSupplier clock;
    private final Set<Integer> waitingReaders = new LinkedHashSet<>();
    private LandingObjectStore store;
    // replaced, never changed, by the coordinator thread; read by the listing thread
    private volatile LandingDiscovery.View view;

    LandingFileEnumerator(
            SplitEnumeratorContext<LandingFileSplit> context,
            FileSourceSettings settings,
            LandingObjectStore.Factory storeFactory,
            LandingEnumeratorState restored,
            LongSupplier clock) {
        this.context = context;
        this.settings = settings;
        this.storeFactory = storeFactory;
        this.discovery = new LandingDiscovery(settings, restored);
        this.clock = clock;
        this.view = discovery.view();
    }

    // published for the metric reporter thread; the discovery itself is coordinator-thread only
    private volatile int rememberedFiles;
    private volatile int pendingFiles;
    private org.apache.flink.metrics.Counter discovered;

    @Override
    public void start() {
        store = storeFactory.open();
        publishCounts();
        context.metricGroup().gauge("rememberedFiles", () -> rememberedFiles);
        context.metricGroup().gauge("pendingFiles", () -> pendingFiles);
        discovered = context.metricGroup().counter("filesDiscovered");
        LOG.info(
                "Monitoring {} every {} ({} files remembered, {} waiting)",
                settings.folderUri(),
                settings.discoveryInterval(),
                rememberedFiles,
                pendingFiles);
        long interval = settings.discoveryInterval().toMillis();
        context.callAsync(this::listCandidates, this::onListed, 0L, interval);
    }

    /** A listing made at one moment, and the files in it that looked new then. */
    private record Listing(long nowMillis, List<LandingFile> candidates) {}

    // runs in a worker thread: touches only the immutable view and the thread-safe client
    private Listing listCandidates() throws IOException {
        long now = clock.getAsLong();
        LandingDiscovery.View seen = view;
        List<LandingFile> candidates = new ArrayList<>();
        store.list(
                settings.bucket(),
                settings.prefix(),
                file -> {
                    if (seen.looksNew(file, now)) {
                        candidates.add(file);
                    }
                });
        return new Listing(now, candidates);
    }

    private void onListed(Listing listing, Throwable error) {
        if (error != null) {
            LOG.warn(
                    "Listing {} failed; trying again in {}",
                    settings.folderUri(),
                    settings.discoveryInterval(),
                    error);
            return;
        }
        List<LandingFile> taken = discovery.accept(listing.candidates(), listing.nowMillis());
        view = discovery.view();
        discovered.inc(taken.size());
        if (!taken.isEmpty()) {
            LOG.info("{} new file(s) in {}", taken.size(), settings.folderUri());
        }
        assignPending();
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        waitingReaders.add(subtaskId);
        assignPending();
    }

    @Override
    public void addSplitsBack(List<LandingFileSplit> splits, int subtaskId) {
        LOG.info("{} split(s) of failed reader {} return to the queue", splits.size(), subtaskId);
        discovery.returned(splits);
        assignPending();
    }

    @Override
    public void addReader(int subtaskId) {
        // readers ask for splits themselves
    }

    private void assignPending() {
        var readers = context.registeredReaders();
        var it = waitingReaders.iterator();
        while (it.hasNext() && discovery.hasPending()) {
            int reader = it.next();
            it.remove();
            if (readers.containsKey(reader)) {
                context.assignSplit(discovery.next(), reader);
            }
        }
        publishCounts();
    }

    private void publishCounts() {
        rememberedFiles = discovery.takenCount();
        pendingFiles = discovery.pendingCount();
    }

    @Override
    public LandingEnumeratorState snapshotState(long checkpointId) {
        return discovery.snapshot();
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
        }
    }
}
