package dev.lakestream.jobs.gold;

import dev.lakestream.jobs.state.Tombstones;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes at most one record per gold key per checkpoint: the key's final state at that
 * checkpoint. Keyed by {@link SalesDailyMetrics#groupKey()}, it sits right before the sinks.
 *
 * <pre>
 *  every intermediate state --keyBy(sale_date, store)--> [latest per key, in memory]
 *                                                             |  just before the barrier
 *                                                             v
 *                 [last published, keyed state] --> final states that differ --> Kafka, Iceberg
 * </pre>
 *
 * <p>The stages before it emit a record after every contribution: an order line edit is a
 * retraction and an addition, a moved order a delete in one group and an insert in another. A
 * consumer that keeps the highest version per key must never see those intermediate states, so they
 * stop here. Records wait in a plain map and leave in {@link #prepareSnapshotPreBarrier}, that is,
 * ahead of the checkpoint barrier and therefore inside the Kafka transaction and the Iceberg commit
 * of the same checkpoint: this adds no checkpoint interval to the commit-to-gold latency. The map
 * is empty whenever state is snapshotted, so it needs no state of its own; after a failure the
 * inputs since the last checkpoint come again and fill it again.
 *
 * <p>Per key, against the last record it published (kept in keyed state):
 *
 * <ul>
 *   <li>a final state equal to the published one (all but {@code version} and {@code updated_at})
 *       is not published again;
 *   <li>a group created and deleted again between two checkpoints, never published, publishes
 *       nothing; a group deleted and recreated publishes only its end state;
 *   <li>versions only grow: the stages' versions already do ({@link SourceProgress}); should one
 *       not, the record is published one above the last version and counted in the {@code
 *       versionsRaised} metric, so the contract holds whatever happens upstream.
 * </ul>
 *
 * <p>State is bounded by live groups: the last record published is kept while the group lives; of a
 * published delete only its version is kept, in a tombstone that expires after the retention
 * horizon ({@link Tombstones}). After that a late delete of the group publishes nothing (there is
 * nothing alive to delete) and a group that comes back publishes at its own version, which by then
 * is far above the deleted one (it grows with the source positions).
 */
public class FinalStatePerCheckpoint extends AbstractStreamOperator<SalesDailyMetrics>
        implements OneInputStreamOperator<SalesDailyMetrics, SalesDailyMetrics>, BoundedOneInput {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FinalStatePerCheckpoint.class);

    private transient Map<String, SalesDailyMetrics> pending;
    private final Duration tombstoneRetention;
    private transient ValueState<SalesDailyMetrics> published;
    private transient ValueState<Long> deletedVersion;
    private transient Counter collapsed;
    private transient Counter unchanged;
    private transient Counter versionsRaised;
    private transient GoldPublishMetrics publishMetrics;

    public FinalStatePerCheckpoint() {
        this(Tombstones.DEFAULT_RETENTION);
    }

    /**
     * @param tombstoneRetention how long the version of a published delete is kept
     */
    public FinalStatePerCheckpoint(Duration tombstoneRetention) {
        this.tombstoneRetention = tombstoneRetention;
        // chained to the sinks that follow it: records leave in the same task, before the barrier
        setChainingStrategy(ChainingStrategy.ALWAYS);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        published =
                context.getKeyedStateStore()
                        .getState(new ValueStateDescriptor<>("published", SalesDailyMetrics.TYPE));
        deletedVersion =
                context.getKeyedStateStore()
                        .getState(
                                Tombstones.descriptor(
                                        "published-delete-version",
                                        Types.LONG,
                                        tombstoneRetention));
    }

    @Override
    public void open() throws Exception {
        super.open();
        pending = new LinkedHashMap<>();
        collapsed = getMetricGroup().counter("intermediateStatesCollapsed");
        unchanged = getMetricGroup().counter("finalStatesUnchanged");
        versionsRaised = getMetricGroup().counter("versionsRaised");
        publishMetrics = new GoldPublishMetrics(getMetricGroup(), System::currentTimeMillis);
    }

    @Override
    public void processElement(StreamRecord<SalesDailyMetrics> element) {
        SalesDailyMetrics m = element.getValue();
        SalesDailyMetrics earlier = pending.put(m.groupKey(), m);
        if (earlier != null) {
            collapsed.inc();
            // the record published stands for the oldest order change that waited for it
            if (earlier.sourceMillis > 0
                    && (m.sourceMillis == 0 || earlier.sourceMillis < m.sourceMillis)) {
                m.sourceMillis = earlier.sourceMillis;
            }
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        publishPending();
        publishMetrics.barrier(checkpointId);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        // the Kafka sink commits this checkpoint's transaction on the same notification
        publishMetrics.committed(checkpointId);
    }

    @Override
    public void endInput() throws Exception {
        publishPending();
    }

    private void publishPending() throws Exception {
        for (Map.Entry<String, SalesDailyMetrics> e : pending.entrySet()) {
            setCurrentKey(e.getKey());
            SalesDailyMetrics next = e.getValue();
            SalesDailyMetrics last = published.value();
            boolean lastAlive = last != null && !last.deleted;
            if (next.deleted ? !lastAlive : lastAlive && sameMetrics(last, next)) {
                unchanged.inc();
                continue;
            }
            Long lastVersion = last != null ? Long.valueOf(last.version) : deletedVersion.value();
            if (lastVersion != null && next.version <= lastVersion) {
                LOG.warn(
                        "gold {}: version {} does not exceed the published {}; publishing {}",
                        e.getKey(),
                        next.version,
                        lastVersion,
                        lastVersion + 1);
                next = next.copy();
                next.version = lastVersion + 1;
                versionsRaised.inc();
            }
            if (next.deleted) {
                published.clear();
                deletedVersion.update(next.version);
            } else {
                published.update(next);
                deletedVersion.clear();
            }
            publishMetrics.published(next.storeId, next.sourceMillis);
            output.collect(new StreamRecord<>(next));
        }
        pending.clear();
    }

    /** Equal in everything a consumer reads as the metrics: all but version and updated_at. */
    static boolean sameMetrics(SalesDailyMetrics a, SalesDailyMetrics b) {
        SalesDailyMetrics c = b.copy();
        c.version = a.version;
        return a.equals(c);
    }
}
