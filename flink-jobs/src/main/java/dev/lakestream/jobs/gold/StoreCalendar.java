package dev.lakestream.jobs.gold;

import dev.lakestream.catalog.QuarantineTables;
import dev.lakestream.jobs.changelog.RowChange;
import java.time.ZoneId;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by store id: keeps each store's time zone and currency from the stores' changelog (first
 * input) and hands every event of the second input to {@link #dated} together with them, so that it
 * can be placed on the store's own calendar.
 *
 * <p>Events of a store not seen yet wait in state until the store arrives: a store whose row silver
 * refused (an invalid time zone, for example; the row is in {@code quarantine.silver_rejects})
 * holds its events back until a valid row of it comes, and then they flow on. They are never
 * silent: the metric {@code eventsWaitingForStore} counts them (summed over subtasks, exact across
 * restarts and rescaling), the first event of a store that waits logs a warning naming the store,
 * and the side output {@link #PENDING} keeps a row per store and input in {@code
 * quarantine.gold_pending} (how many wait, since when, why; refreshed at most every {@link
 * #PENDING_REFRESH}, deleted when they go on). A change of a store's time zone or currency applies
 * to events from then on; what was dated before keeps its date (a documented limitation: stores
 * practically never move time zone).
 */
public abstract class StoreCalendar<IN, OUT>
        extends KeyedCoProcessFunction<Long, RowChange, IN, OUT> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(StoreCalendar.class);

    /** Rows of {@code quarantine.gold_pending}: upserts while events wait, a delete after. */
    public static final OutputTag<RowData> PENDING =
            new OutputTag<>(
                    "gold-pending",
                    InternalTypeInfo.of(
                            FlinkSchemaUtil.convert(QuarantineTables.GOLD_PENDING_SCHEMA)));

    /** How often the pending row of a store whose events wait is refreshed, at most. */
    static final long PENDING_REFRESH = 5_000L;

    private final TypeInformation<IN> eventType;
    private final String input;
    private transient ValueState<Long> waitingSince;
    private transient ValueState<Long> pendingRefresh;
    private transient ValueState<String> timeZone;
    private transient ValueState<String> currency;
    private transient ListState<IN> waiting;
    private transient ValueState<Long> waitingCount;
    // events waiting in this subtask; checkpointed so the metric survives restarts and rescaling
    private transient ListState<Long> waitingTotalState;
    private transient long waitingTotal;

    /**
     * @param input what the events are, as {@code quarantine.gold_pending} names them ({@code
     *     orders}, {@code foot_traffic})
     */
    protected StoreCalendar(TypeInformation<IN> eventType, String input) {
        this.eventType = eventType;
        this.input = input;
    }

    /** The event placed on the store's calendar; null emits nothing. */
    protected abstract OUT dated(IN event, ZoneId zone, String currency) throws Exception;

    @Override
    public void open(OpenContext openContext) {
        timeZone =
                getRuntimeContext().getState(new ValueStateDescriptor<>("time-zone", Types.STRING));
        currency =
                getRuntimeContext().getState(new ValueStateDescriptor<>("currency", Types.STRING));
        waiting = getRuntimeContext().getListState(new ListStateDescriptor<>("waiting", eventType));
        waitingCount =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("waiting-count", Types.LONG));
        waitingSince =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("waiting-since", Types.LONG));
        pendingRefresh =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("pending-refresh", Types.LONG));
        getRuntimeContext()
                .getMetricGroup()
                .gauge("eventsWaitingForStore", (Gauge<Long>) () -> waitingTotal);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        waitingTotalState =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>("events-waiting-for-store", Types.LONG));
        waitingTotal = 0;
        for (Long n : waitingTotalState.get()) {
            waitingTotal += n;
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        waitingTotalState.update(List.of(waitingTotal));
    }

    @Override
    public void processElement1(RowChange store, Context ctx, Collector<OUT> out) throws Exception {
        if (store.kind.equals("-U") || store.kind.equals("-D")) {
            // a deleted store keeps its last zone: its events can only be retracted with it
            return;
        }
        timeZone.update(store.text("time_zone"));
        currency.update(store.text("currency"));
        Iterable<IN> pending = waiting.get();
        if (pending != null) {
            for (IN event : pending) {
                emit(event, out);
            }
        }
        waiting.clear();
        Long released = waitingCount.value();
        if (released != null) {
            waitingTotal -= released;
            ctx.output(PENDING, pendingRow(RowKind.DELETE, ctx.getCurrentKey(), released));
            waitingCount.clear();
            waitingSince.clear();
            Long timer = pendingRefresh.value();
            if (timer != null) {
                ctx.timerService().deleteProcessingTimeTimer(timer);
                pendingRefresh.clear();
            }
            LOG.info(
                    "Store {} arrived; {} events that waited for it go on",
                    ctx.getCurrentKey(),
                    released);
        }
    }

    @Override
    public void processElement2(IN event, Context ctx, Collector<OUT> out) throws Exception {
        if (timeZone.value() == null) {
            waiting.add(event);
            Long n = waitingCount.value();
            waitingCount.update(n == null ? 1 : n + 1);
            waitingTotal++;
            if (n == null) {
                waitingSince.update(ctx.timerService().currentProcessingTime());
                ctx.output(PENDING, pendingRow(RowKind.INSERT, ctx.getCurrentKey(), 1));
            } else if (pendingRefresh.value() == null) {
                long at = ctx.timerService().currentProcessingTime() + PENDING_REFRESH;
                ctx.timerService().registerProcessingTimeTimer(at);
                pendingRefresh.update(at);
            }
            if (n == null) {
                LOG.warn(
                        "Events of store {} wait: silver has no valid row of that store (a row"
                                + " refused by silver is in quarantine.silver_rejects); they go"
                                + " on once one arrives",
                        ctx.getCurrentKey());
            }
            return;
        }
        emit(event, out);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<OUT> out) throws Exception {
        pendingRefresh.clear();
        Long n = waitingCount.value();
        if (n != null) {
            ctx.output(PENDING, pendingRow(RowKind.INSERT, ctx.getCurrentKey(), n));
        }
    }

    /** The pending row of this store and input (an upsert, or a delete by its key). */
    private RowData pendingRow(RowKind kind, Long store, long events) throws Exception {
        Long since = waitingSince.value();
        GenericRowData row = new GenericRowData(kind, 5);
        row.setField(0, store);
        row.setField(1, StringData.fromString(input));
        row.setField(2, events);
        row.setField(3, TimestampData.fromEpochMillis(since == null ? 0L : since));
        row.setField(
                4,
                StringData.fromString(
                        "silver has no valid row of store "
                                + store
                                + " (a refused one is in quarantine.silver_rejects, rule"
                                + " stores.*); its "
                                + input
                                + " wait in gold's state and go on once a valid row arrives"));
        return row;
    }

    private void emit(IN event, Collector<OUT> out) throws Exception {
        OUT dated = dated(event, ZoneId.of(timeZone.value()), currency.value());
        if (dated != null) {
            out.collect(dated);
        }
    }
}
