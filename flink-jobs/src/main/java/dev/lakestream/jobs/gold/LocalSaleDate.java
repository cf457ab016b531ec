package dev.lakestream.jobs.gold;

import dev.lakestream.jobs.silver.RowChange;
import java.time.Instant;
import java.time.ZoneId;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Gives each order contribution its sale date in the store's own time zone, and the store's
 * currency (keyed by store id; the stores' changelog is the first input).
 *
 * <p>Contributions of a store not seen yet wait in state until the store arrives. A change of a
 * store's time zone or currency applies to contributions from then on; orders already counted keep
 * the date they were counted under until they change (a documented limitation: stores practically
 * never move time zone).
 */
public class LocalSaleDate
        extends KeyedCoProcessFunction<Long, RowChange, OrderContribution, OrderContribution> {

    private static final long serialVersionUID = 1L;

    private transient ValueState<String> timeZone;
    private transient ValueState<String> currency;
    private transient ListState<OrderContribution> waiting;

    @Override
    public void open(OpenContext openContext) {
        timeZone =
                getRuntimeContext().getState(new ValueStateDescriptor<>("time-zone", Types.STRING));
        currency =
                getRuntimeContext().getState(new ValueStateDescriptor<>("currency", Types.STRING));
        waiting =
                getRuntimeContext()
                        .getListState(new ListStateDescriptor<>("waiting", OrderContribution.TYPE));
    }

    @Override
    public void processElement1(RowChange store, Context ctx, Collector<OrderContribution> out)
            throws Exception {
        if (store.kind.equals("-U") || store.kind.equals("-D")) {
            // a deleted store keeps its last zone: its orders can only be retracted with it
            return;
        }
        timeZone.update(JsonLiterals.text(store.values, "time_zone"));
        currency.update(JsonLiterals.text(store.values, "currency"));
        Iterable<OrderContribution> pending = waiting.get();
        if (pending != null) {
            for (OrderContribution c : pending) {
                out.collect(dated(c));
            }
        }
        waiting.clear();
    }

    @Override
    public void processElement2(
            OrderContribution contribution, Context ctx, Collector<OrderContribution> out)
            throws Exception {
        if (timeZone.value() == null) {
            waiting.add(contribution);
            return;
        }
        out.collect(dated(contribution));
    }

    private OrderContribution dated(OrderContribution c) throws Exception {
        OrderContribution d = c.withSign(c.sign, c.lsn);
        d.saleDate =
                Instant.parse(c.createdAt)
                        .atZone(ZoneId.of(timeZone.value()))
                        .toLocalDate()
                        .toString();
        d.currency = currency.value();
        return d;
    }
}
