package dev.lakestream.jobs.maintenance;

import dev.lakestream.catalog.ConsumerPositions;
import dev.lakestream.catalog.TableHealth;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.iceberg.Table;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock Iceberg's maintenance takes before each task on a table, with two additions: on bronze
 * it is refused while a streaming reader still needs snapshots that expiry would remove (the
 * consumer guard), and each release logs one line on the table's state, so every run is visible.
 *
 * <pre>
 *  TriggerManager --tryLock--&gt; [guard: oldest published reader position of the table
 *                                 &gt;= now - max-age + margin ?] --yes--&gt; JdbcLock.tryLock
 *                                                                --no---&gt; refused, retried after
 *                                                                         maintenance.lock.check-delay
 *  LockRemover    --unlock---&gt; log "data files, delete files, snapshots" --&gt; JdbcLock.unlock
 * </pre>
 *
 * <p>Why it is safe: expiry runs with the trigger's time t and removes snapshots committed before t
 * - max-age (keeping the last retain-last). The trigger is emitted right after {@code tryLock}
 * returned true at a time no later than t, so when the guard lets it through, the reader's position
 * P was committed at or after t - max-age + margin; every snapshot after P is newer still (the
 * margin covers clock skew between committers), so none of them is expired. A restore of the reader
 * plans "appends after P up to now", which needs exactly the snapshots after P, so it finds them.
 * The position is published from completed checkpoints only and may be older than the reader's real
 * one, never newer. A table no reader has published to yet is not held back: the first completed
 * checkpoint of a reader publishes at once, and before it there is no checkpoint to restore.
 *
 * <p>Holding the lock back pauses every task of that bronze table (expiry, orphan removal), which
 * is what a stopped reader needs; maintenance of silver, gold and quarantine goes on.
 */
final class GuardedLockFactory implements TriggerLockFactory {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(GuardedLockFactory.class);
    private static final long REFUSAL_LOG_INTERVAL_MS = Duration.ofMinutes(10).toMillis();

    private final TriggerLockFactory delegate;
    private final TableLoader tableLoader;
    private final boolean guard;
    private final long maxAgeMillis;
    private final long marginMillis;
    private transient Table table;
    private transient long lastRefusalLog;

    /**
     * @param guard whether the consumer guard applies (bronze tables)
     * @param maxAge the snapshot expiry age the table's expiry task uses
     */
    public GuardedLockFactory(
            TriggerLockFactory delegate,
            TableLoader tableLoader,
            boolean guard,
            Duration maxAge,
            Duration margin) {
        this.delegate = delegate;
        this.tableLoader = tableLoader;
        this.guard = guard;
        this.maxAgeMillis = maxAge.toMillis();
        this.marginMillis = margin.toMillis();
    }

    @Override
    public void open() {
        delegate.open();
        if (!tableLoader.isOpen()) {
            tableLoader.open();
        }
        table = tableLoader.loadTable();
    }

    @Override
    public Lock createLock() {
        Lock lock = delegate.createLock();
        return new Lock() {
            @Override
            public boolean tryLock() {
                return readerAllows() && lock.tryLock();
            }

            @Override
            public boolean isHeld() {
                return lock.isHeld();
            }

            @Override
            public void unlock() {
                boolean afterRun = lock.isHeld();
                lock.unlock();
                if (afterRun) {
                    report();
                }
            }
        };
    }

    @Override
    public Lock createRecoveryLock() {
        return delegate.createRecoveryLock();
    }

    /** Whether expiry at this moment keeps every snapshot each reader of the table needs. */
    boolean readerAllows() {
        if (!guard) {
            return true;
        }
        table.refresh();
        Optional<ConsumerPositions.Position> oldest = ConsumerPositions.oldest(table.properties());
        if (oldest.isEmpty()) {
            return true;
        }
        long now = System.currentTimeMillis();
        long needed = now - maxAgeMillis + marginMillis;
        ConsumerPositions.Position position = oldest.get();
        if (position.snapshotTimestampMillis() >= needed) {
            return true;
        }
        if (now - lastRefusalLog >= REFUSAL_LOG_INTERVAL_MS) {
            lastRefusalLog = now;
            LOG.warn(
                    "Maintenance of {} held back: reader {} stands at snapshot {} of {}, older"
                            + " than the expiry horizon; it resumes once the reader catches up"
                            + " (remove the table properties {}{}.* of a reader retired for good)",
                    table.name(),
                    position.consumer(),
                    position.snapshotId(),
                    position.snapshotTimestampMillis() == Long.MIN_VALUE
                            ? "an unreadable time"
                            : Instant.ofEpochMilli(position.snapshotTimestampMillis()),
                    ConsumerPositions.PREFIX,
                    position.consumer());
        }
        return false;
    }

    private void report() {
        try {
            table.refresh();
            LOG.info("Maintenance run done, {}", TableHealth.of(table).describe());
        } catch (RuntimeException e) {
            LOG.debug("No state line for {}: {}", table.name(), e.toString());
        }
    }

    @Override
    public void close() throws IOException {
        try {
            delegate.close();
        } finally {
            tableLoader.close();
        }
    }
}
