package dev.lakestream.local;

import dev.lakestream.shop.feeds.ConnectionSource;
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
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The shop's outside world for the local stack. It follows the shop's own clock (the workload
 * generator's logical time, the newest order's {@code created_at}), not the wall clock:
 *
 * <ul>
 *   <li>the central bank: at start, rates for every date of the shop's history are published; each
 *       new date the shop reaches gets its rate {@code rateDelay} (wall time) later, so the first
 *       gold rows of every new day show no converted revenue and are published again once the rate
 *       is in (a late rate, every day, on purpose);
 *   <li>the door counters: every day the shop's clock completes lands as one export file under
 *       {@code landing/foot_traffic/} with every store's 24 hourly counts, CSV and JSON Lines in
 *       turn, starting with the day before the shop's clock at the first start (so the newest day
 *       has no visitors until its file arrives).
 * </ul>
 *
 * Everything published is also in {@code feeds.*}, which the gold oracle reads. A restart resumes
 * where the tables end, without republishing.
 */
final class FeedSimulator implements AutoCloseable {

    /** Puts one object into the landing bucket. */
    interface Landing {
        void put(String key, String content) throws Exception;
    }

    private static final int MAX_FILES_PER_TICK = 4;

    private final ConnectionSource connections;
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
    private final Map<LocalDate, Instant> rateDue = new ConcurrentSkipListMap<>();
    private volatile LocalDate ratesThrough;
    private volatile LocalDate nextDay;
    private volatile Exception failure;

    FeedSimulator(ConnectionSource connections, Landing landing, long seed, Duration rateDelay) {
        this.connections = connections;
        this.landing = landing;
        this.rates = new ExchangeRateFeed(seed);
        this.traffic = new FootTrafficFeed(seed);
        this.rateDelay = rateDelay;
    }

    /** Publishes the history's rates now and ticks every {@code tick} from then on. */
    void start(Duration tick) throws SQLException {
        try (Connection c = connections.open()) {
            Instant now = shopNow(c);
            LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            LocalDate published = latest(c, "SELECT max(rate_date) FROM feeds.exchange_rates");
            LocalDate from =
                    published != null
                            ? published.plusDays(1)
                            : latest(c, "SELECT min(created_at)::date - 1 FROM shop.orders");
            for (LocalDate d = from; d != null && d.isBefore(today); d = d.plusDays(1)) {
                rates.publish(c, d, Instant.now());
            }
            ratesThrough = today.minusDays(1);
            nextDay = resumeDay(c, today);
        }
        timer.scheduleWithFixedDelay(this::tick, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static LocalDate latest(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            java.sql.Date d = rs.getDate(1);
            return d == null ? null : d.toLocalDate();
        }
    }

    /** The shop's clock: its newest order. */
    private static Instant shopNow(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT max(created_at) FROM shop.orders")) {
            rs.next();
            java.sql.Timestamp t = rs.getTimestamp(1);
            return t == null ? Instant.now() : t.toInstant();
        }
    }

    /** Where the counters left off in an earlier run, or the day before the shop's clock. */
    private static LocalDate resumeDay(Connection c, LocalDate today) throws SQLException {
        LocalDate last =
                latest(
                        c,
                        "SELECT max(hour_start AT TIME ZONE 'UTC')::date FROM feeds.foot_traffic");
        return last == null ? today.minusDays(1) : last.plusDays(1);
    }

    private void tick() {
        try (Connection c = connections.open()) {
            Instant now = shopNow(c);
            publishDueRates(c, LocalDate.ofInstant(now, ZoneOffset.UTC));
            // a day's export lands once the shop's clock has left that day
            for (int i = 0;
                    i < MAX_FILES_PER_TICK
                            && !nextDay.plusDays(1)
                                    .atStartOfDay()
                                    .toInstant(ZoneOffset.UTC)
                                    .isAfter(now);
                    i++) {
                landDay(c, nextDay);
                nextDay = nextDay.plusDays(1);
            }
        } catch (Exception e) {
            failure = e;
        }
    }

    /** Dates the shop has reached get their rate {@code rateDelay} after it first saw them. */
    private void publishDueRates(Connection c, LocalDate shopToday) throws SQLException {
        Instant wall = Instant.now();
        for (LocalDate d = ratesThrough.plusDays(1);
                !d.isAfter(shopToday.plusDays(1));
                d = d.plusDays(1)) {
            rateDue.putIfAbsent(d, wall.plus(rateDelay));
        }
        while (!rateDue.isEmpty()) {
            Map.Entry<LocalDate, Instant> first = rateDue.entrySet().iterator().next();
            if (first.getValue().isAfter(wall)) {
                break;
            }
            rates.publish(c, first.getKey(), wall);
            ratesThrough = first.getKey();
            rateDue.remove(first.getKey());
        }
    }

    private void landDay(Connection c, LocalDate day) throws Exception {
        List<Long> stores = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT store_id FROM shop.stores ORDER BY 1")) {
            while (rs.next()) {
                stores.add(rs.getLong(1));
            }
        }
        List<FootTrafficFeed.Count> counts = new ArrayList<>();
        Instant start = day.atStartOfDay().toInstant(ZoneOffset.UTC);
        for (int h = 0; h < 24; h++) {
            counts.addAll(traffic.hour(stores, start.plus(h, ChronoUnit.HOURS)));
        }
        boolean csv = filesLanded.get() % 2 == 0;
        String key = "landing/foot_traffic/door-counters-" + day + (csv ? ".csv" : ".jsonl");
        landing.put(key, csv ? FootTrafficFeed.csv(counts) : FootTrafficFeed.jsonLines(counts));
        FootTrafficFeed.record(c, key, csv ? 2 : 1, counts);
        filesLanded.incrementAndGet();
    }

    /** One line for the progress report. */
    String summary(ExchangeRateApi api) {
        return "feeds | rates API "
                + api.requests()
                + " requests ("
                + api.failuresServed()
                + " answered 429/500) | rates published through "
                + ratesThrough
                + (rateDue.isEmpty() ? "" : " (" + rateDue.size() + " date(s) due later)")
                + " | door-counter files landed "
                + filesLanded.get()
                + " (through "
                + nextDay.minusDays(1)
                + ")"
                + (failure == null ? "" : " | FAILED: " + failure.getMessage());
    }

    @Override
    public void close() {
        // no interrupt: a file landed must also be recorded, or the oracle would miss it
        timer.shutdown();
        try {
            timer.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
