package dev.lakestream.jobs.source.rest;

import dev.lakestream.jobs.source.SourceRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the endpoint on a fetch thread of its own and emits each poll cycle whole.
 *
 * <p>One cycle is fetched at a time, from the split state as last emitted. When it is complete,
 * {@link #pollNext} emits all its records in that one call and replaces the split state, so a
 * checkpoint (which Flink takes between calls, in the same thread) holds either none or all of a
 * cycle: its cursor always matches what was emitted. A cycle still being fetched at a checkpoint is
 * simply fetched again after a restore. The next cycle is scheduled after the poll interval, or at
 * once when the last one stopped at the page limit; between cycles the reader sleeps, so an empty
 * endpoint costs one request per poll interval.
 */
final class RestSourceReader implements SourceReader<SourceRecord, RestSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(RestSourceReader.class);

    /** Page budgets never grow beyond this multiple of {@code max-pages-per-poll}. */
    static final int MAX_BUDGET_FACTOR = 64;

    private final RestSourceSettings settings;
    private final RestPoller poller;
    private final ScheduledExecutorService fetcher;
    private final Object lock = new Object();

    private final Counter requests;
    private final Counter attempts;
    private final Counter rejected;
    private final Counter replays;
    private final Counter errors;
    private final Counter retries;
    // written by the fetch thread only: the time spent in the API's requests, retries and waits
    private final Counter waitMillis;
    private volatile long lastPollMillis = -1;

    // mailbox thread only
    private volatile RestSplit split;
    private boolean started;
    private boolean fetching;
    private int pageBudget;

    // guarded by lock
    private RestPoller.PollCycle ready;
    private Throwable failure;
    private CompletableFuture<Void> available = new CompletableFuture<>();

    RestSourceReader(
            RestSourceSettings settings,
            SourceReaderContext context,
            Function<RestSourceSettings, RestPoller> pollers) {
        this.settings = settings;
        this.poller = pollers.apply(settings);
        this.pageBudget = settings.maxPagesPerPoll();
        this.fetcher =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "rest-source-poll-" + settings.name());
                            t.setDaemon(true);
                            return t;
                        });
        SourceReaderMetricGroup metrics = context.metricGroup();
        this.requests = metrics.counter("restRequests");
        this.attempts = metrics.counter("restAttempts");
        this.rejected = metrics.counter("restRejectedRecords");
        this.replays = metrics.counter("restReplaysDropped");
        this.retries = metrics.counter("restRetries");
        this.waitMillis = metrics.counter("restWaitMillis");
        metrics.gauge("restLastPollMillis", () -> lastPollMillis);
        this.errors = metrics.getNumRecordsInErrorsCounter();
        metrics.gauge(
                "restCursor", () -> split == null ? null : split.kind().format(split.cursor()));
    }

    @Override
    public void start() {
        started = true;
        scheduleNext(0);
    }

    @Override
    public void addSplits(List<RestSplit> splits) {
        if (splits.isEmpty()) {
            return;
        }
        if (split != null || splits.size() > 1) {
            throw new IllegalStateException(
                    "rest:" + settings.name() + " reader got more than its one split: " + splits);
        }
        RestSplit s = splits.get(0);
        if (!s.name().equals(settings.name())) {
            throw new IllegalStateException(
                    "checkpointed REST split '"
                            + s.name()
                            + "' does not belong to source.rest.name '"
                            + settings.name()
                            + "'");
        }
        if (s.kind() != settings.cursorKind()) {
            throw new IllegalStateException(
                    "the checkpointed cursor of rest:"
                            + s.name()
                            + " is "
                            + s.kind()
                            + " but source.rest.cursor.start now makes it "
                            + settings.cursorKind()
                            + "; a cursor's kind cannot change under a checkpoint");
        }
        split = s;
        LOG.info("rest:{} reading from {}", settings.name(), s);
        scheduleNext(0);
    }

    private void scheduleNext(long delayMillis) {
        if (!started || split == null || fetching) {
            return;
        }
        fetching = true;
        RestSplit from = split;
        int budget = pageBudget;
        try {
            fetcher.schedule(() -> fetch(from, budget), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** On the fetch thread. */
    private void fetch(RestSplit from, int budget) {
        RestPoller.PollCycle cycle;
        long start = System.nanoTime();
        try {
            cycle = poller.poll(from, budget);
            lastPollMillis = (System.nanoTime() - start) / 1_000_000;
            waitMillis.inc(lastPollMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Throwable t) {
            synchronized (lock) {
                failure = t;
                available.complete(null);
            }
            return;
        }
        synchronized (lock) {
            ready = cycle;
            available.complete(null);
        }
    }

    @Override
    public InputStatus pollNext(ReaderOutput<SourceRecord> output) {
        RestPoller.PollCycle cycle;
        synchronized (lock) {
            if (failure != null) {
                throw new IllegalStateException(
                        "rest:" + settings.name() + " poll failed unexpectedly", failure);
            }
            cycle = ready;
            ready = null;
            if (cycle == null) {
                if (available.isDone()) {
                    available = new CompletableFuture<>();
                }
                return InputStatus.NOTHING_AVAILABLE;
            }
        }
        // the whole cycle in this one call: no checkpoint falls inside it
        for (SourceRecord record : cycle.records()) {
            if (record.rejected()) {
                output.collect(record);
            } else {
                output.collect(record, record.sourceTimeMillis());
            }
        }
        RestSplit previous = split;
        split = cycle.next();
        fetching = false;

        long bad = cycle.rejected();
        requests.inc(cycle.requests());
        attempts.inc(cycle.attempts());
        retries.inc(Math.max(0, cycle.attempts() - cycle.requests()));
        rejected.inc(bad);
        errors.inc(bad);
        replays.inc(cycle.replays());
        LOG.debug(
                "rest:{} poll: {} records ({} refused, {} replays dropped), {} requests, {} -> {}",
                settings.name(),
                cycle.records().size(),
                bad,
                cycle.replays(),
                cycle.requests(),
                previous.kind().format(previous.cursor()),
                split.kind().format(split.cursor()));

        long delay = settings.pollInterval().toMillis();
        if (cycle.outcome() == RestPoller.Outcome.PAGE_LIMIT) {
            if (split.cursor() != previous.cursor()) {
                pageBudget = settings.maxPagesPerPoll();
            } else {
                // more records share one cursor value than a poll's pages hold: the next poll
                // would fetch the same pages again, so it may fetch more of them
                int grown =
                        (int)
                                Math.min(
                                        (long) pageBudget * 2,
                                        (long) settings.maxPagesPerPoll() * MAX_BUDGET_FACTOR);
                if (grown == pageBudget) {
                    LOG.warn(
                            "rest:{} more than {} pages of records share the cursor {}; raise"
                                    + " source.rest.max-pages-per-poll or page-size. Waiting for"
                                    + " the poll interval.",
                            settings.name(),
                            pageBudget,
                            split.kind().format(split.cursor()));
                } else {
                    LOG.warn(
                            "rest:{} a poll of {} pages did not move past cursor {}; the next"
                                    + " may fetch {} pages",
                            settings.name(),
                            pageBudget,
                            split.kind().format(split.cursor()),
                            grown);
                    pageBudget = grown;
                    delay = 0;
                }
            }
            if (split.cursor() != previous.cursor()) {
                delay = 0;
            }
        } else if (cycle.outcome() == RestPoller.Outcome.BYTE_LIMIT) {
            pageBudget = settings.maxPagesPerPoll();
            if (split.cursor() != previous.cursor()) {
                delay = 0;
            } else {
                LOG.warn(
                        "rest:{} a poll holding {} bytes of records did not move past cursor {};"
                                + " raise source.rest.max-bytes-per-poll. Waiting for the poll"
                                + " interval.",
                        settings.name(),
                        settings.maxBytesPerPoll(),
                        split.kind().format(split.cursor()));
            }
        } else {
            pageBudget = settings.maxPagesPerPoll();
        }
        scheduleNext(delay);
        return InputStatus.NOTHING_AVAILABLE;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        synchronized (lock) {
            if (ready != null || failure != null) {
                return CompletableFuture.completedFuture(null);
            }
            if (available.isDone()) {
                available = new CompletableFuture<>();
            }
            return available;
        }
    }

    @Override
    public List<RestSplit> snapshotState(long checkpointId) {
        return split == null ? List.of() : List.of(split);
    }

    @Override
    public void notifyNoMoreSplits() {}

    @Override
    public void close() throws Exception {
        fetcher.shutdownNow();
        if (!fetcher.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("rest:{} poll thread did not stop within 10 s", settings.name());
        }
        poller.close();
    }
}
