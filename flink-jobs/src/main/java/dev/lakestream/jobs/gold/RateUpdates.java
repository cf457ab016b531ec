package dev.lakestream.jobs.gold;

import dev.lakestream.jobs.changelog.RowChange;
import java.time.LocalDate;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Picks from the silver {@code exchange_rates} changelog the rates that convert into the reporting
 * currency, in either direction: {@code USD -> EUR} gives a multiplier for USD, {@code EUR -> USD}
 * a divisor for USD. Pairs without the reporting currency are of no use here. Retractions are
 * skipped: a rate is only ever replaced by its correction, which follows as {@code +U}.
 */
public class RateUpdates implements FlatMapFunction<RowChange, RateUpdate> {

    private static final long serialVersionUID = 1L;

    private final String reportingCurrency;

    public RateUpdates(String reportingCurrency) {
        this.reportingCurrency = reportingCurrency;
    }

    @Override
    public void flatMap(RowChange rate, Collector<RateUpdate> out) {
        if (rate.kind.equals("-U") || rate.kind.equals("-D")) {
            return;
        }
        String base = rate.text("base_currency");
        String quote = rate.text("quote_currency");
        LocalDate rateDate = rate.date("rate_date");
        String date = rateDate == null ? null : rateDate.toString();
        if (base == null || quote == null || date == null || base.equals(quote)) {
            return;
        }
        if (quote.equals(reportingCurrency)) {
            out.collect(new RateUpdate(date, base, rate.decimal("rate"), false, rate.lsn));
        } else if (base.equals(reportingCurrency)) {
            out.collect(new RateUpdate(date, quote, rate.decimal("rate"), true, rate.lsn));
        }
    }
}
