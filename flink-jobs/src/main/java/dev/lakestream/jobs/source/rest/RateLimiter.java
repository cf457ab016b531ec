package dev.lakestream.jobs.source.rest;

import java.util.function.LongSupplier;

/**
 * Spaces requests at least {@code 1/rate} apart. A caller over the rate sleeps until its slot (no
 * spinning); there is no burst allowance, so the cap holds over any window.
 */
final class RateLimiter {

    /** Sleeps for a number of nanoseconds; replaced in tests. */
    interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    static final Sleeper THREAD_SLEEP =
            nanos -> Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private long nextSlot;
    private boolean first = true;

    RateLimiter(double requestsPerSecond, LongSupplier nanoClock, Sleeper sleeper) {
        if (!(requestsPerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive: " + requestsPerSecond);
        }
        this.intervalNanos = Math.max(1L, (long) Math.ceil(1e9 / requestsPerSecond));
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    RateLimiter(double requestsPerSecond) {
        this(requestsPerSecond, System::nanoTime, THREAD_SLEEP);
    }

    /** Waits for the next slot; returns the nanoseconds waited. */
    long acquire() throws InterruptedException {
        long wait;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            long slot = first ? now : Math.max(now, nextSlot);
            first = false;
            nextSlot = slot + intervalNanos;
            wait = slot - now;
        }
        if (wait > 0) {
            sleeper.sleepNanos(wait);
        }
        return Math.max(0, wait);
    }
}
