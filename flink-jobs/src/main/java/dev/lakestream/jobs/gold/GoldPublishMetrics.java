package dev.lakestream.jobs.gold;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * What gold publishes, in the group {@code gold} of the operator that publishes it ({@link
 * FinalStatePerCheckpoint}):
 *
 * <ul>
 *   <li>{@code recordsPublished}: records handed to the Kafka and Iceberg sinks (one per changed
 *       key per checkpoint, so {@code rate()} of it is both records/s and keys changed/s);
 *   <li>{@code keysChangedLastCheckpoint}: the keys the newest checkpoint published;
 *   <li>{@code commitToPublishMs}: a histogram (the last {@value #HISTOGRAM_WINDOW} records) of the
 *       time from PostgreSQL's commit of an order change to the commit of the Kafka transaction
 *       that published it; per record, its oldest waiting order change counts. Records a visitor
 *       count or an exchange rate made are not in it;
 *   <li>{@code store.<store>.lastPublishAgeSeconds}: seconds since the newest committed Kafka
 *       transaction that carried a record of the store: the store's gold freshness. It grows while
 *       the store has no sales;
 *   <li>{@code store.<store>.newestChangeAgeSeconds}: the age of the newest order change of the
 *       store that gold has published (-1 until one): how far the store's KPIs are behind
 *       PostgreSQL.
 * </ul>
 *
 * <p>A record counts as published when its checkpoint completes: the Kafka sink commits the
 * checkpoint's transaction on that same notification. The store gauges are registered at the
 * store's first record in this run; the label is the store id, never a key.
 */
final class GoldPublishMetrics {

    static final String GROUP = "gold";
    static final int HISTOGRAM_WINDOW = 10_000;

    private final MetricGroup gold;
    private final LongSupplier clock;
    private final Counter records;
    private final Histogram commitToPublish;
    private final Map<Long, Store> stores = new HashMap<>();
    private final NavigableMap<Long, List<long[]>> atBarrier = new TreeMap<>();
    private List<long[]> sinceBarrier = new ArrayList<>();
    private volatile long keysChangedLastCheckpoint;

    GoldPublishMetrics(MetricGroup operator, LongSupplier clock) {
        this.gold = operator.addGroup(GROUP);
        this.clock = clock;
        this.records = gold.counter("recordsPublished");
        this.commitToPublish =
                gold.histogram(
                        "commitToPublishMs", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        gold.gauge("keysChangedLastCheckpoint", (Gauge<Long>) () -> keysChangedLastCheckpoint);
    }

    /**
     * One record handed to the sinks.
     *
     * @param sourceMillis when PostgreSQL committed its oldest order change, or 0
     */
    void published(long storeId, long sourceMillis) {
        records.inc();
        sinceBarrier.add(new long[] {storeId, sourceMillis});
    }

    void barrier(long checkpointId) {
        keysChangedLastCheckpoint = sinceBarrier.size();
        if (!sinceBarrier.isEmpty()) {
            atBarrier.put(checkpointId, sinceBarrier);
            sinceBarrier = new ArrayList<>();
        }
    }

    void committed(long checkpointId) {
        NavigableMap<Long, List<long[]>> done = atBarrier.headMap(checkpointId, true);
        long now = clock.getAsLong();
        for (List<long[]> published : done.values()) {
            for (long[] record : published) {
                Store store = stores.computeIfAbsent(record[0], this::register);
                store.lastPublish.set(now);
                long sourceMillis = record[1];
                if (sourceMillis > 0) {
                    commitToPublish.update(Math.max(0, now - sourceMillis));
                    store.newestChange.accumulateAndGet(sourceMillis, Math::max);
                }
            }
        }
        done.clear();
    }

    private Store register(long store) {
        Store s = new Store(new AtomicLong(clock.getAsLong()), new AtomicLong(0));
        MetricGroup group = gold.addGroup("store", Long.toString(store));
        group.gauge(
                "lastPublishAgeSeconds",
                (Gauge<Long>) () -> (clock.getAsLong() - s.lastPublish.get()) / 1000);
        group.gauge(
                "newestChangeAgeSeconds",
                (Gauge<Long>)
                        () -> {
                            long newest = s.newestChange.get();
                            return newest == 0 ? -1L : (clock.getAsLong() - newest) / 1000;
                        });
        return s;
    }

    private record Store(AtomicLong lastPublish, AtomicLong newestChange) {}
}
