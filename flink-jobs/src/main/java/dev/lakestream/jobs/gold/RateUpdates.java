package dev.lakestream.jobs.gold;

import dev.lakestream.jobs.silver.RowChange;
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
        String base = JsonLiterals.text(rate.values, "base_currency");
        String quote = JsonLiterals.text(rate.values, "quote_currency");
        String date = JsonLiterals.text(rate.values, "rate_date");
        if (base == null || quote == null || date == null || base.equals(quote)) {
            return;
        }
        if (quote.equals(reportingCurrency)) {
            out.collect(
                    new RateUpdate(
                            date,
                            base,
                            JsonLiterals.decimal(rate.values, "rate"),
                            false,
                            rate.lsn));
        } else if (base.equals(reportingCurrency)) {
            out.collect(
                    new RateUpdate(
                            date,
                            quote,
                            JsonLiterals.decimal(rate.values, "rate"),
                            true,
                            rate.lsn));
        }
    }
}
