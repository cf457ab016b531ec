package dev.lakestream.jobs.gold;

import dev.lakestream.jobs.changelog.RowChange;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns the silver {@code store_foot_traffic} changelog into visitor counts per store-local date
 * (keyed by store id; the stores' changelog is the first input). The hour belongs to the date its
 * start has in the store's time zone.
 *
 * <pre>
 *  stores (+I/+U: time zone) ----------+
 *                                       +--> [hours counted, per store] --> (local date, store, delta)
 *  foot traffic (+I/+U/-D per hour) ---+
 * </pre>
 *
 * <p>It keeps every hour it counted, as {@link OrderContributions} keeps each order, and a change
 * of an hour emits the difference to what it counted before. It never reads the retraction images
 * ({@code -U}) of its input: those are the silver applier's previous image of the key, which may be
 * one the cleansing rules refused and nobody counted (a door-counter line with {@code -5} visitors,
 * superseded by a later file), while the image silver and this operator hold is the last one the
 * rules accepted. So the sum of the hours counted for a date is always silver's sum of its hours:
 *
 * <ul>
 *   <li>a superseding line the rules refuse never arrives ({@code -U} alone): the hour keeps the
 *       count silver keeps;
 *   <li>an hour corrected or deleted takes back exactly what was counted for it, and nothing when
 *       it was never counted;
 *   <li>hours of a store not seen yet wait in this state and are dated when its zone arrives;
 *   <li>when a store moves time zone, its hours move to the dates they have in the new zone, as
 *       silver's hours would be dated now.
 * </ul>
 *
 * An hour re-emitted with the same visitors changes nothing and emits nothing; a new hour emits
 * even with 0 visitors, so the day shows 0 rather than "no counter data".
 *
 * <p>The hours are kept as epoch seconds to counts (16 bytes an hour), and only while silver has
 * them: a deleted hour leaves the map. They do not expire with age, on purpose: an hour of a past
 * day can still be corrected by a later counter file, or re-dated by a zone change, and both need
 * what was counted for it; forgetting it would count the correction twice. The map therefore grows
 * exactly as silver's {@code store_foot_traffic} does, which is live data.
 */
public class LocalVisitDate
        extends KeyedCoProcessFunction<Long, RowChange, RowChange, VisitorCount> {

    private static final long serialVersionUID = 1L;

    private transient ValueState<String> timeZone;

    /** Hour start in epoch seconds to the visitors counted for it. */
    private transient MapState<Long, Long> hours;

    private transient ValueState<Long> highestSequence;

    @Override
    public void open(OpenContext openContext) {
        timeZone =
                getRuntimeContext().getState(new ValueStateDescriptor<>("time-zone", Types.STRING));
        hours =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>("hours-counted", Types.LONG, Types.LONG));
        highestSequence =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("highest-sequence", Types.LONG));
    }

    @Override
    public void processElement1(RowChange store, Context ctx, Collector<VisitorCount> out)
            throws Exception {
        if (store.kind.equals("-U") || store.kind.equals("-D")) {
            // a deleted store keeps its last zone: its hours can only be retracted with it
            return;
        }
        String zone = store.text("time_zone");
        String before = timeZone.value();
        if (zone == null || zone.equals(before)) {
            return;
        }
        timeZone.update(zone);
        ZoneId from = before == null ? null : ZoneId.of(before);
        ZoneId to = ZoneId.of(zone);
        Map<String, Long> deltas = new TreeMap<>();
        boolean any = false;
        for (Map.Entry<Long, Long> hour : hours.entries()) {
            any = true;
            Instant start = Instant.ofEpochSecond(hour.getKey());
            if (from != null) {
                deltas.merge(date(start, from), -hour.getValue(), Long::sum);
            }
            deltas.merge(date(start, to), hour.getValue(), Long::sum);
        }
        if (!any) {
            return;
        }
        Long highest = highestSequence.value();
        long sequence = Math.max(store.lsn, highest == null ? 0L : highest);
        for (Map.Entry<String, Long> delta : deltas.entrySet()) {
            // a store seen for the first time shows its days even when their hours hold 0
            if (delta.getValue() != 0 || from == null) {
                out.collect(
                        new VisitorCount(
                                delta.getKey(), ctx.getCurrentKey(), delta.getValue(), sequence));
            }
        }
    }

    @Override
    public void processElement2(RowChange hour, Context ctx, Collector<VisitorCount> out)
            throws Exception {
        if (hour.kind.equals("-U")) {
            return; // what is taken back is what was counted, below
        }
        Instant startInstant = hour.instant("hour_start");
        if (startInstant == null) {
            return;
        }
        long start = startInstant.getEpochSecond();
        Long counted = hours.get(start);
        Long now;
        if (hour.kind.equals("-D")) {
            now = null;
            hours.remove(start);
        } else {
            now = hour.longValue("visitors", 0L);
            hours.put(start, now);
        }
        Long highest = highestSequence.value();
        if (highest == null || hour.lsn > highest) {
            highestSequence.update(hour.lsn);
        }
        String zone = timeZone.value();
        if (zone == null || Objects.equals(counted, now)) {
            return; // dated when the store arrives; or nothing changed
        }
        long delta = (now == null ? 0L : now) - (counted == null ? 0L : counted);
        out.collect(
                new VisitorCount(
                        date(startInstant, ZoneId.of(zone)), ctx.getCurrentKey(), delta, hour.lsn));
    }

    private static String date(Instant start, ZoneId zone) {
        return start.atZone(zone).toLocalDate().toString();
    }
}
