package dev.lakestream.jobs.gold;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The exchange rate between one store currency and the reporting currency on one date, as silver
 * {@code exchange_rates} last said it. {@link #inverse} tells the direction of the published pair:
 * false for store currency -&gt; reporting currency (multiply), true for reporting -&gt; store
 * currency (divide), which is how most central banks publish (1 EUR = 1.08 USD).
 *
 * <p>A Flink POJO with explicit type information ({@link #TYPE}), so it never falls back to Kryo.
 */
public class RateUpdate {

    public String rateDate;
    public String currency;
    public BigDecimal rate;
    public boolean inverse;
    public long sequence;

    public static final TypeInformation<RateUpdate> TYPE =
            Types.POJO(
                    RateUpdate.class,
                    Map.of(
                            "rateDate", Types.STRING,
                            "currency", Types.STRING,
                            "rate", Types.BIG_DEC,
                            "inverse", Types.BOOLEAN,
                            "sequence", Types.LONG));

    public RateUpdate() {}

    public RateUpdate(
            String rateDate, String currency, BigDecimal rate, boolean inverse, long sequence) {
        this.rateDate = rateDate;
        this.currency = currency;
        this.rate = rate;
        this.inverse = inverse;
        this.sequence = sequence;
    }

    /** The key of the reporting stage: date and store currency, e.g. {@code 2026-11-29|USD}. */
    public String groupKey() {
        return rateDate + "|" + currency;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RateUpdate r
                && inverse == r.inverse
                && sequence == r.sequence
                && Objects.equals(rateDate, r.rateDate)
                && Objects.equals(currency, r.currency)
                && Objects.equals(rate, r.rate);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rateDate, currency, rate, inverse, sequence);
    }

    @Override
    public String toString() {
        return rateDate + " " + currency + (inverse ? " 1/" : " x") + rate + " @" + sequence;
    }
}
