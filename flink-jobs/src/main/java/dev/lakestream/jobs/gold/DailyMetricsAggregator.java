package dev.lakestream.jobs.gold;

import dev.lakestream.jobs.state.Tombstones;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Folds dated order contributions into {@link SalesDailyMetrics}, keyed by (sale date, store):
 * additions add, retractions subtract, distinct customers are counted with a per-customer order
 * count so that a customer disappears exactly when their last order of the day does. A group with
 * no order left is emitted as deleted. The version is the contribution's LSN, or one above the
 * version before when that LSN is not higher ({@link SourceProgress}), so every record of a key has
 * a higher version than the one before it, even across a delete and a later reappearance, and a
 * retraction and the addition that follows it (one source change, one LSN) never share a version.
 *
 * <p>State is bounded by live groups: a live group's version is the one in its metrics; a deleted
 * group keeps only its last version, in a tombstone that expires after the retention horizon
 * ({@link Tombstones}). A group that comes back within the horizon continues above that version;
 * one that comes back later starts at its contribution's LSN, which by then is far above any
 * version of the old group (LSNs grow with the WAL, by many bytes per change).
 */
public class DailyMetricsAggregator
        extends KeyedProcessFunction<String, OrderContribution, SalesDailyMetrics> {

    private static final long serialVersionUID = 1L;

    private transient ValueState<SalesDailyMetrics> metrics;
    private transient MapState<Long, Integer> ordersPerCustomer;
    private final Duration tombstoneRetention;
    private transient ValueState<Long> deletedVersion;

    public DailyMetricsAggregator() {
        this(Tombstones.DEFAULT_RETENTION);
    }

    /**
     * @param tombstoneRetention how long a deleted group's last version is kept
     */
    public DailyMetricsAggregator(Duration tombstoneRetention) {
        this.tombstoneRetention = tombstoneRetention;
    }

    @Override
    public void open(OpenContext openContext) {
        metrics =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("metrics", SalesDailyMetrics.TYPE));
        ordersPerCustomer =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "orders-per-customer", Types.LONG, Types.INT));
        deletedVersion =
                getRuntimeContext()
                        .getState(
                                Tombstones.descriptor(
                                        "deleted-version", Types.LONG, tombstoneRetention));
    }

    /** The key of a dated contribution. */
    public static String groupKey(OrderContribution c) {
        return c.saleDate + "|" + c.storeId;
    }

    @Override
    public void processElement(OrderContribution c, Context ctx, Collector<SalesDailyMetrics> out)
            throws Exception {
        SalesDailyMetrics m = metrics.value();
        Long previousVersion = m != null ? Long.valueOf(m.version) : deletedVersion.value();
        if (m == null) {
            m = new SalesDailyMetrics();
            m.saleDate = c.saleDate;
            m.storeId = c.storeId;
            m.grossRevenue = BigDecimal.ZERO;
            m.discounts = BigDecimal.ZERO;
        }
        m.currency = c.currency;
        int sign = c.sign;
        if (c.cancelled) {
            m.cancelledOrderCount += sign;
        } else {
            m.orderCount += sign;
            m.itemsSold += sign * c.items;
            BigDecimal s = BigDecimal.valueOf(sign);
            m.grossRevenue = m.grossRevenue.add(c.gross.multiply(s));
            m.discounts = m.discounts.add(c.discounts.multiply(s));
            if (c.customerId > 0) {
                Integer n = ordersPerCustomer.get(c.customerId);
                int updated = (n == null ? 0 : n) + sign;
                if (updated <= 0) {
                    ordersPerCustomer.remove(c.customerId);
                    m.distinctCustomers -= n == null ? 0 : 1;
                } else {
                    ordersPerCustomer.put(c.customerId, updated);
                    if (n == null) {
                        m.distinctCustomers += 1;
                    }
                }
            }
        }
        long v = SourceProgress.next(previousVersion, c.lsn);
        m.version = v;
        m.sourceMillis = c.sourceMillis;
        m.updatedAt = Instant.ofEpochMilli(ctx.timerService().currentProcessingTime()).toString();
        // money always at cents, also for a day whose orders have no lines yet
        m.grossRevenue = m.grossRevenue.setScale(2, RoundingMode.UNNECESSARY);
        m.discounts = m.discounts.setScale(2, RoundingMode.UNNECESSARY);
        m.netRevenue = m.grossRevenue.subtract(m.discounts);
        m.avgOrderValue =
                m.orderCount > 0
                        ? m.netRevenue.divide(
                                BigDecimal.valueOf(m.orderCount), 2, RoundingMode.HALF_UP)
                        : null;
        m.deleted = m.orderCount == 0 && m.cancelledOrderCount == 0;
        if (m.deleted) {
            metrics.clear();
            ordersPerCustomer.clear();
            deletedVersion.update(v);
        } else {
            metrics.update(m);
            deletedVersion.clear();
        }
        out.collect(m);
    }
}
