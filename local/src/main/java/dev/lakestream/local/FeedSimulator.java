package dev.lakestream.local;

import dev.lakestream.shop.feeds.ExchangeRateApi;
import dev.lakestream.shop.feeds.ExchangeRateFeed;
import dev.lakestream.shop.feeds.FootTrafficFeed;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The shop's outside world for the local stack, as time passes:
 *
 * <ul>
 *   <li>the central bank: rates up to yesterday are published at start; today's and tomorrow's
 *       arrive {@code rateDelay} later, so the first gold rows of today show no converted revenue
 *       and are re-published with it once the rate is in (a late rate, on purpose);
 *   <li>the door counters: every {@code tick}, one more hour of every store lands as a file under
 *       {@code landing/foot_traffic/}, CSV and JSON Lines in turn, walking from the start of
 *       yesterday (UTC) up to the current hour, then one file per new hour.
 * </ul>
 *
 * Everything published is also in {@code feeds.*}, which the gold oracle reads.
 */
final class FeedSimulator implements AutoCloseable {

    /** Puts one object into the landing bucket. */
    interface Landing {
        void put(String key, String content) throws Exception;
    }

    private final Supplier<Connection> connections;
    private final Landing landing;
    private final ExchangeRateFeed rates;
    private final FootTrafficFeed traffic;
    private final Duration rateDelay;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "feeds");
                        t.setDaemon(true);
                        return t;
                    });
    private final AtomicLong filesLanded = new AtomicLong();
    private volatile Instant nextHour;
    private volatile boolean latestRatesPublished;
    private volatile Exception failure;

    FeedSimulator(
            Supplier<Connection> connections, Landing landing, long seed, Duration rateDelay) {
        this.connections = connections;
        this.landing = landing;
        this.rates = new ExchangeRateFeed(seed);
        this.traffic = new FootTrafficFeed(seed);
        this.rateDelay = rateDelay;
    }

    /** Publishes the past rates now and schedules the rest. */
    void start(Duration tick) throws SQLException {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        try (Connection c = connections.get()) {
            for (LocalDate d = today.minusDays(7); d.isBefore(today); d = d.plusDays(1)) {
                rates.publish(c, d, Instant.now());
            }
            nextHour = resumeHour(c, today);
        }
        timer.schedule(this::publishLatestRates, rateDelay.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::landNextHour, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Where the counters left off in an earlier run, or the start of yesterday. */
    private static Instant resumeHour(Connection c, LocalDate today) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT max(hour_start) FROM feeds.foot_traffic")) {
            rs.next();
            java.sql.Timestamp last = rs.getTimestamp(1);
            return last == null
                    ? today.minusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)
                    : last.toInstant().plus(1, ChronoUnit.HOURS);
        }
    }

    private void publishLatestRates() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        try (Connection c = connections.get()) {
            rates.publish(c, today, Instant.now());
            rates.publish(c, today.plusDays(1), Instant.now());
            latestRatesPublished = true;
        } catch (Exception e) {
            failure = e;
        }
    }

    private void landNextHour() {
        Instant hour = nextHour;
        if (hour.isAfter(Instant.now())) {
            return; // caught up: the next hour has not begun
        }
        try (Connection c = connections.get()) {
            List<Long> stores = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT store_id FROM shop.stores ORDER BY 1")) {
                while (rs.next()) {
                    stores.add(rs.getLong(1));
                }
            }
            List<FootTrafficFeed.Count> counts = traffic.hour(stores, hour);
            boolean csv = filesLanded.get() % 2 == 0;
            String name = hour.toString().replace(":", "") + (csv ? ".csv" : ".jsonl");
            String key = "landing/foot_traffic/" + hour.toString().substring(0, 10) + "/" + name;
            landing.put(key, csv ? FootTrafficFeed.csv(counts) : FootTrafficFeed.jsonLines(counts));
            FootTrafficFeed.record(c, key, csv ? 2 : 1, counts);
            filesLanded.incrementAndGet();
            nextHour = hour.plus(1, ChronoUnit.HOURS);
        } catch (Exception e) {
            failure = e;
        }
    }

    /** One line for the progress report. */
    String summary(ExchangeRateApi api) {
        return "feeds | rates API "
                + api.requests()
                + " requests ("
                + api.failuresServed()
                + " answered 429/500) | today's rate "
                + (latestRatesPublished ? "published" : "not yet published (arrives late)")
                + " | foot-traffic files landed "
                + filesLanded.get()
                + (failure == null ? "" : " | FAILED: " + failure.getMessage());
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
