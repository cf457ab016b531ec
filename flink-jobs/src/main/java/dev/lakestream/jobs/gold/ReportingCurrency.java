package dev.lakestream.jobs.gold;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Converts each store's net revenue of a day into the reporting currency at that day's rate, keyed
 * by (sale date, store currency).
 *
 * <pre>
 *  metrics (first input) --+--> [rate of the date, latest metrics per store] --> converted metrics
 *  rates (second input)  --+        a rate arriving re-publishes every store of that key
 * </pre>
 *
 * <p>When the rate of the sale date is missing, {@code exchange_rate} and {@code
 * net_revenue_reporting} are null (never a guess from another day); the metrics wait in state, and
 * the moment the rate arrives, or a corrected rate replaces it, every store of that date and
 * currency is published again with the right number. A rate published as store currency -&gt;
 * reporting currency multiplies; one published the other way round (1 EUR = 1.08 USD) divides, and
 * {@code exchange_rate} then shows its inverse at 8 decimals. Amounts are rounded half-up to cents.
 * A store already in the reporting currency converts at 1.
 *
 * <p>The version of what leaves is the incoming version plus the rates' part ({@link
 * SourceProgress}: each rate's sequence, or one above the part before when that is not higher), so
 * a rate correction publishes a higher version.
 */
public class ReportingCurrency
        extends KeyedCoProcessFunction<String, SalesDailyMetrics, RateUpdate, SalesDailyMetrics> {

    private static final long serialVersionUID = 1L;

    private final String reportingCurrency;
    private transient ValueState<BigDecimal> direct;
    private transient ValueState<BigDecimal> inverse;
    private transient ValueState<Long> rateVersion;
    private transient MapState<Long, SalesDailyMetrics> stores;

    public ReportingCurrency(String reportingCurrency) {
        this.reportingCurrency = reportingCurrency;
    }

    /** The key of a metrics row here: its date and the store's currency. */
    public static String groupKey(SalesDailyMetrics m) {
        return m.saleDate + "|" + m.currency;
    }

    @Override
    public void open(OpenContext openContext) {
        direct = getRuntimeContext().getState(new ValueStateDescriptor<>("direct", Types.BIG_DEC));
        inverse =
                getRuntimeContext().getState(new ValueStateDescriptor<>("inverse", Types.BIG_DEC));
        rateVersion =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("rate-version", Types.LONG));
        stores =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "stores", Types.LONG, SalesDailyMetrics.TYPE));
    }

    @Override
    public void processElement1(SalesDailyMetrics m, Context ctx, Collector<SalesDailyMetrics> out)
            throws Exception {
        if (m.deleted) {
            stores.remove(m.storeId);
        } else {
            stores.put(m.storeId, m);
        }
        out.collect(converted(m, m.updatedAt));
    }

    @Override
    public void processElement2(RateUpdate rate, Context ctx, Collector<SalesDailyMetrics> out)
            throws Exception {
        (rate.inverse ? inverse : direct).update(rate.rate);
        rateVersion.update(SourceProgress.next(rateVersion.value(), rate.sequence));
        String now = Instant.ofEpochMilli(ctx.timerService().currentProcessingTime()).toString();
        for (Map.Entry<Long, SalesDailyMetrics> store : stores.entries()) {
            SalesDailyMetrics c = converted(store.getValue(), now);
            c.sourceMillis = 0; // made by an exchange rate, not by an order change
            out.collect(c);
        }
    }

    private SalesDailyMetrics converted(SalesDailyMetrics m, String updatedAt) throws Exception {
        SalesDailyMetrics c = m.copy();
        c.version = SourceProgress.plus(m.version, SourceProgress.of(rateVersion.value()));
        c.updatedAt = updatedAt;
        if (c.deleted) {
            return c;
        }
        c.reportingCurrency = reportingCurrency;
        BigDecimal multiply = direct.value();
        BigDecimal divide = inverse.value();
        if (reportingCurrency.equals(m.currency)) {
            c.exchangeRate = BigDecimal.ONE.setScale(8);
            c.netRevenueReporting = m.netRevenue;
        } else if (multiply != null) {
            c.exchangeRate = multiply.setScale(8, RoundingMode.HALF_UP);
            c.netRevenueReporting =
                    m.netRevenue.multiply(multiply).setScale(2, RoundingMode.HALF_UP);
        } else if (divide != null) {
            c.exchangeRate = BigDecimal.ONE.divide(divide, 8, RoundingMode.HALF_UP);
            c.netRevenueReporting = m.netRevenue.divide(divide, 2, RoundingMode.HALF_UP);
        } else {
            c.exchangeRate = null;
            c.netRevenueReporting = null;
        }
        return c;
    }
}
