package dev.lakestream.shop.workload;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * Everything that determines what a {@link WorkloadGenerator} writes and for how long.
 *
 * <p>The config is a value: two generators with equal configs, started on databases with equal
 * contents, issue the same statements with the same values. That is why the logical clock's start
 * ({@link #clockStart()}) is part of it: timestamps in the data come from that clock, never from
 * the wall clock. {@link #rate()}, {@link #duration()} and {@link #progressInterval()} only affect
 * pacing and logging, not content.
 *
 * <p>Every setting is validated when the record is built, so a bad value fails where it was given,
 * with the setting's name ({@code workload.rate}, {@code workload.mix.new-order}, ...) in the
 * message, instead of surfacing later as an odd database error.
 *
 * @param seed seed of all random choices
 * @param stores number of stores to seed, 1..10000
 * @param customers number of customers to seed, {@code >= 0}
 * @param products number of products to seed, 1..1000000
 * @param initialOrders number of historical orders (with lines) to seed, {@code >= 0}
 * @param rate transactions per second; 0 runs as fast as the database allows
 * @param mix relative weights of the transaction kinds
 * @param maxTransactions transactions {@link WorkloadGenerator#run()} performs; 0 = no limit
 * @param duration how long {@link WorkloadGenerator#run()} runs; {@link Duration#ZERO} = no limit
 * @param clockStart the logical time of the first transaction; seeded history lies before it
 * @param progressInterval how often a running workload logs its progress
 */
public record WorkloadConfig(
        long seed,
        int stores,
        int customers,
        int products,
        int initialOrders,
        double rate,
        TransactionMix mix,
        long maxTransactions,
        Duration duration,
        Instant clockStart,
        Duration progressInterval) {

    public static final long DEFAULT_SEED = 42L;
    public static final int DEFAULT_STORES = 8;
    public static final int DEFAULT_CUSTOMERS = 500;
    public static final int DEFAULT_PRODUCTS = 200;
    public static final int DEFAULT_INITIAL_ORDERS = 100;
    public static final double DEFAULT_RATE = 20.0;
    public static final Instant DEFAULT_CLOCK_START = Instant.parse("2025-03-03T07:00:00Z");
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(10);

    public WorkloadConfig {
        requireRange("workload.stores", stores, 1, 10_000);
        requireRange("workload.customers", customers, 0, 100_000_000);
        requireRange("workload.products", products, 1, 1_000_000);
        requireRange("workload.initial-orders", initialOrders, 0, 100_000_000);
        if (!Double.isFinite(rate)) {
            throw new IllegalArgumentException(
                    "workload.rate must be a finite number, was " + format(rate));
        }
        if (rate < 0) {
            throw new IllegalArgumentException("workload.rate must be >= 0, was " + format(rate));
        }
        if (mix == null) {
            throw new IllegalArgumentException("workload.mix must not be null");
        }
        if (maxTransactions < 0) {
            throw new IllegalArgumentException(
                    "workload.max-transactions must be >= 0 (0 = no limit), was "
                            + maxTransactions);
        }
        if (duration == null || duration.isNegative()) {
            throw new IllegalArgumentException(
                    "workload.duration must be >= 0 (0 = no limit), was " + duration);
        }
        if (clockStart == null) {
            throw new IllegalArgumentException("workload.clock-start must not be null");
        }
        if (progressInterval == null
                || progressInterval.isNegative()
                || progressInterval.isZero()) {
            throw new IllegalArgumentException(
                    "workload.progress-interval must be > 0, was " + progressInterval);
        }
    }

    /** The defaults: a small shop (8 stores) at 20 transactions per second, forever. */
    public static WorkloadConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .seed(seed)
                .stores(stores)
                .customers(customers)
                .products(products)
                .initialOrders(initialOrders)
                .rate(rate)
                .mix(mix)
                .maxTransactions(maxTransactions)
                .duration(duration)
                .clockStart(clockStart)
                .progressInterval(progressInterval);
    }

    public WorkloadConfig withSeed(long seed) {
        return toBuilder().seed(seed).build();
    }

    public WorkloadConfig withRate(double rate) {
        return toBuilder().rate(rate).build();
    }

    public WorkloadConfig withMix(TransactionMix mix) {
        return toBuilder().mix(mix).build();
    }

    public WorkloadConfig withMaxTransactions(long maxTransactions) {
        return toBuilder().maxTransactions(maxTransactions).build();
    }

    public WorkloadConfig withDuration(Duration duration) {
        return toBuilder().duration(duration).build();
    }

    private static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    name + " must be between " + min + " and " + max + ", was " + value);
        }
    }

    /** Formats -1.0 as "-1" so messages echo what the user typed. */
    private static String format(double value) {
        if (Double.isFinite(value)) {
            return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
        }
        return Double.toString(value);
    }

    /** Mutable builder starting from the defaults; {@link #build()} validates. */
    public static final class Builder {
        private long seed = DEFAULT_SEED;
        private int stores = DEFAULT_STORES;
        private int customers = DEFAULT_CUSTOMERS;
        private int products = DEFAULT_PRODUCTS;
        private int initialOrders = DEFAULT_INITIAL_ORDERS;
        private double rate = DEFAULT_RATE;
        private TransactionMix mix = TransactionMix.defaults();
        private long maxTransactions = 0;
        private Duration duration = Duration.ZERO;
        private Instant clockStart = DEFAULT_CLOCK_START;
        private Duration progressInterval = DEFAULT_PROGRESS_INTERVAL;

        private Builder() {}

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder stores(int stores) {
            this.stores = stores;
            return this;
        }

        public Builder customers(int customers) {
            this.customers = customers;
            return this;
        }

        public Builder products(int products) {
            this.products = products;
            return this;
        }

        public Builder initialOrders(int initialOrders) {
            this.initialOrders = initialOrders;
            return this;
        }

        public Builder rate(double rate) {
            this.rate = rate;
            return this;
        }

        public Builder mix(TransactionMix mix) {
            this.mix = mix;
            return this;
        }

        public Builder maxTransactions(long maxTransactions) {
            this.maxTransactions = maxTransactions;
            return this;
        }

        public Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        public Builder clockStart(Instant clockStart) {
            this.clockStart = clockStart;
            return this;
        }

        public Builder progressInterval(Duration progressInterval) {
            this.progressInterval = progressInterval;
            return this;
        }

        public WorkloadConfig build() {
            return new WorkloadConfig(
                    seed,
                    stores,
                    customers,
                    products,
                    initialOrders,
                    rate,
                    mix,
                    maxTransactions,
                    duration,
                    clockStart,
                    progressInterval);
        }
    }
}
