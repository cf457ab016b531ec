package dev.lakestream.shop.feeds;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Publishes daily exchange rates into {@code feeds.exchange_rates}, the table the exchange-rate API
 * serves, the way a central bank does: one base currency (EUR), a rate per quote currency per date,
 * published once and occasionally corrected later. Rates move a little from day to day around
 * realistic levels; the same seed and date give the same rates.
 */
public final class ExchangeRateFeed {

    public static final String BASE = "EUR";

    /** Units of each quote currency per EUR, roughly. */
    private static final Map<String, BigDecimal> LEVELS =
            Map.of(
                    "USD", new BigDecimal("1.0870"),
                    "GBP", new BigDecimal("0.8590"),
                    "JPY", new BigDecimal("162.50"),
                    "AUD", new BigDecimal("1.6520"),
                    "CAD", new BigDecimal("1.4780"),
                    "SGD", new BigDecimal("1.4560"));

    public static final List<String> QUOTES = List.of("USD", "GBP", "JPY", "AUD", "CAD", "SGD");

    private final long seed;

    public ExchangeRateFeed(long seed) {
        this.seed = seed;
    }

    /** The rate of one quote currency on one date (6 decimals), before any correction. */
    public BigDecimal rate(String quote, LocalDate date) {
        SplittableRandom random =
                new SplittableRandom(seed * 31 + date.toEpochDay() * 7 + quote.hashCode());
        double drift = (random.nextDouble() - 0.5) * 0.04; // within +-2 %
        return LEVELS.get(quote)
                .multiply(BigDecimal.valueOf(1 + drift))
                .setScale(6, RoundingMode.HALF_UP);
    }

    /** Publishes (or re-publishes) every quote of a date, stamped {@code publishedAt}. */
    public int publish(Connection c, LocalDate date, Instant publishedAt) throws SQLException {
        int n = 0;
        for (String quote : QUOTES) {
            n += upsert(c, quote, date, rate(quote, date), publishedAt);
        }
        return n;
    }

    /** Publishes one rate, replacing an earlier one of the same pair and date (a correction). */
    public static int upsert(
            Connection c, String quote, LocalDate date, BigDecimal rate, Instant publishedAt)
            throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "INSERT INTO "
                                + FeedSchema.SCHEMA
                                + ".exchange_rates AS r VALUES (?, ?, ?, ?, ?)"
                                + " ON CONFLICT (base_currency, quote_currency, rate_date) DO"
                                + " UPDATE SET rate = excluded.rate, updated_at ="
                                + " excluded.updated_at")) {
            ps.setString(1, BASE);
            ps.setString(2, quote);
            ps.setObject(3, date);
            ps.setBigDecimal(4, rate);
            ps.setTimestamp(5, Timestamp.from(publishedAt));
            return ps.executeUpdate();
        }
    }
}
