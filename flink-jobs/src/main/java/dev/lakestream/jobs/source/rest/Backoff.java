package dev.lakestream.jobs.source.rest;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential back-off with full jitter: before attempt {@code n+1} wait a uniformly random time in
 * {@code [0, min(max, initial * 2^(n-1))]}. Full jitter spreads the retries of many clients hitting
 * the same overloaded server.
 */
final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private final DoubleSupplier random;

    Backoff(Duration initial, Duration max, DoubleSupplier random) {
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.random = random;
    }

    Backoff(Duration initial, Duration max) {
        this(initial, max, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** The ceiling after {@code failedAttempts} failures (1 = the first attempt failed). */
    long ceilingMillis(int failedAttempts) {
        int doublings = Math.min(Math.max(0, failedAttempts - 1), 40);
        long ceiling = initialMillis;
        for (int i = 0; i < doublings && ceiling < maxMillis; i++) {
            ceiling *= 2;
        }
        return Math.min(ceiling, maxMillis);
    }

    Duration delay(int failedAttempts) {
        return Duration.ofMillis(
                (long) (random.getAsDouble() * (ceilingMillis(failedAttempts) + 1)));
    }
}
