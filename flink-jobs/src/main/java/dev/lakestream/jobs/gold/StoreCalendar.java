package dev.lakestream.jobs.gold;

import dev.lakestream.jobs.silver.RowChange;
import java.time.ZoneId;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by store id: keeps each store's time zone and currency from the stores' changelog (first
 * input) and hands every event of the second input to {@link #dated} together with them, so that it
 * can be placed on the store's own calendar.
 *
 * <p>Events of a store not seen yet wait in state until the store arrives. A change of a store's
 * time zone or currency applies to events from then on; what was dated before keeps its date (a
 * documented limitation: stores practically never move time zone).
 */
public abstract class StoreCalendar<IN, OUT>
        extends KeyedCoProcessFunction<Long, RowChange, IN, OUT> {

    private static final long serialVersionUID = 1L;

    private final TypeInformation<IN> eventType;
    private transient ValueState<String> timeZone;
    private transient ValueState<String> currency;
    private transient ListState<IN> waiting;

    protected StoreCalendar(TypeInformation<IN> eventType) {
        this.eventType = eventType;
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
    }

    @Override
    public void processElement1(RowChange store, Context ctx, Collector<OUT> out) throws Exception {
        if (store.kind.equals("-U") || store.kind.equals("-D")) {
            // a deleted store keeps its last zone: its events can only be retracted with it
            return;
        }
        timeZone.update(JsonLiterals.text(store.values, "time_zone"));
        currency.update(JsonLiterals.text(store.values, "currency"));
        Iterable<IN> pending = waiting.get();
        if (pending != null) {
            for (IN event : pending) {
                emit(event, out);
            }
        }
        waiting.clear();
    }

    @Override
    public void processElement2(IN event, Context ctx, Collector<OUT> out) throws Exception {
        if (timeZone.value() == null) {
            waiting.add(event);
            return;
        }
        emit(event, out);
    }

    private void emit(IN event, Collector<OUT> out) throws Exception {
        OUT dated = dated(event, ZoneId.of(timeZone.value()), currency.value());
        if (dated != null) {
            out.collect(dated);
        }
    }
}
