package dev.lakestream.jobs.gold;

import dev.lakestream.jobs.silver.RowChange;
import java.time.Instant;
import java.time.ZoneId;

/**
 * Turns the silver {@code store_foot_traffic} changelog into visitor counts per store-local date
 * (keyed by store id; the stores' changelog is the first input): an hour counted adds its visitors,
 * a corrected hour first retracts its old count ({@code -U}) and then adds the new one ({@code
 * +U}). The hour belongs to the date its start has in the store's time zone.
 */
public class LocalVisitDate extends StoreCalendar<RowChange, VisitorCount> {

    private static final long serialVersionUID = 1L;

    public LocalVisitDate() {
        super(RowChange.TYPE);
    }

    @Override
    protected VisitorCount dated(RowChange hour, ZoneId zone, String currency) {
        String start = JsonLiterals.text(hour.values, "hour_start");
        long visitors = JsonLiterals.longValue(hour.values, "visitors", 0L);
        if (start == null) {
            return null;
        }
        boolean retraction = hour.kind.equals("-U") || hour.kind.equals("-D");
        return new VisitorCount(
                Instant.parse(start).atZone(zone).toLocalDate().toString(),
                JsonLiterals.longValue(hour.values, "store_id", 0L),
                retraction ? -visitors : visitors,
                hour.lsn);
    }
}
