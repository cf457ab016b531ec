package dev.lakestream.jobs.gold;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Adds the store's visitors of the day and the conversion rate (orders / visitors) to {@code
 * sales_daily_metrics}, keyed by (sale date, store).
 *
 * <pre>
 *  metrics (first input)  --+--> [latest metrics, visitors, visitors version] --> enriched metrics
 *  visitor counts (second) -+
 * </pre>
 *
 * Either side may come first: visitors of a day without orders wait in state, and a late counter
 * file re-publishes the day's row. A day's row exists only while it has orders (as before): a store
 * with visitors and no order has no row. The version of what leaves is the metrics' version plus
 * the foot-traffic part ({@link SourceProgress}: each count's sequence, or one above the part
 * before when that is not higher), so it grows with every input of either side.
 */
public class DailyVisitors
        extends KeyedCoProcessFunction<String, SalesDailyMetrics, VisitorCount, SalesDailyMetrics> {

    private static final long serialVersionUID = 1L;

    private transient ValueState<SalesDailyMetrics> latest;
    private transient ValueState<Long> visitors;
    private transient ValueState<Long> visitorsVersion;

    @Override
    public void open(OpenContext openContext) {
        latest =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("metrics", SalesDailyMetrics.TYPE));
        visitors = getRuntimeContext().getState(new ValueStateDescriptor<>("visitors", Types.LONG));
        visitorsVersion =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("visitors-version", Types.LONG));
    }

    @Override
    public void processElement1(SalesDailyMetrics m, Context ctx, Collector<SalesDailyMetrics> out)
            throws Exception {
        if (m.deleted) {
            latest.clear();
        } else {
            latest.update(m);
        }
        out.collect(enriched(m, m.updatedAt));
    }

    @Override
    public void processElement2(VisitorCount v, Context ctx, Collector<SalesDailyMetrics> out)
            throws Exception {
        Long current = visitors.value();
        visitors.update((current == null ? 0L : current) + v.delta);
        visitorsVersion.update(SourceProgress.next(visitorsVersion.value(), v.sequence));
        SalesDailyMetrics m = latest.value();
        if (m != null) {
            SalesDailyMetrics e =
                    enriched(
                            m,
                            Instant.ofEpochMilli(ctx.timerService().currentProcessingTime())
                                    .toString());
            e.sourceMillis = 0; // made by a visitor count, not by an order change
            out.collect(e);
        }
    }

    private SalesDailyMetrics enriched(SalesDailyMetrics m, String updatedAt) throws Exception {
        SalesDailyMetrics e = m.copy();
        Long count = visitors.value();
        e.visitors = e.deleted ? null : count;
        e.conversionRate = e.deleted ? null : conversionRate(m.orderCount, count);
        e.version = SourceProgress.plus(m.version, SourceProgress.of(visitorsVersion.value()));
        e.updatedAt = updatedAt;
        return e;
    }

    /** Orders / visitors at 4 decimals, half-up; null without visitors. */
    public static BigDecimal conversionRate(long orders, Long visitors) {
        if (visitors == null || visitors <= 0) {
            return null;
        }
        return BigDecimal.valueOf(orders)
                .divide(BigDecimal.valueOf(visitors), 4, RoundingMode.HALF_UP);
    }
}
