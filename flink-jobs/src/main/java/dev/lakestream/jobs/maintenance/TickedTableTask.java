package dev.lakestream.jobs.maintenance;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A maintenance task of one table that Iceberg's Flink maintenance API does not have (its task
 * builders cannot be extended from outside its package), run on every n-th tick beside that API's
 * tasks, either under the same lock or, where its commit is safe without one, on its own.
 *
 * <pre>
 *  n-th tick --&gt; refresh the table --&gt; {@link #run}: anything to do?
 *             no  --&gt; nothing
 *             yes --&gt; {@link #underLock}: tryLock (JdbcLock of the table)
 *                       held --&gt; skipped until the next tick ({@code <name>sSkippedOnLock})
 *                       else --&gt; the work, commit --&gt; unlock ({@code <name>s})
 *             yes --&gt; {@link #counted}: the work, commit ({@code <name>s})
 * </pre>
 *
 * The lock orders work, it does not make it correct: Iceberg's LockRemover releases a table's lock
 * whoever holds it when one of its tasks ends. A commit that does overlap another one is settled by
 * Iceberg's optimistic concurrency: it retries on the new metadata, and fails rather than lose an
 * entry when a file it replaces is gone. A failure is logged, counted ({@code <name>Failures}) and
 * retried on the next tick; it never fails the job, like Iceberg's own tasks.
 */
abstract class TickedTableTask extends ProcessFunction<Long, Void> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TickedTableTask.class);

    private final String name;
    private final TableLoader tableLoader;
    private final TriggerLockFactory lockFactory;
    private final boolean locks;
    private final int everyTicks;
    private transient long ticks;
    private transient Table table;
    private transient TriggerLockFactory.Lock lock;
    private transient Counter runs;
    private transient Counter failures;
    private transient Counter skipped;

    /**
     * @param name what the task does, for logs and metric names ({@code manifestRewrite})
     * @param lockFactory the unguarded lock factory of the table (the same lock id as its other
     *     tasks, so work under it never runs while a compaction or expiry of the table does), or
     *     null for a task that never takes it
     * @param everyTicks runs on the first tick and then on every n-th one
     */
    TickedTableTask(
            String name, TableLoader tableLoader, TriggerLockFactory lockFactory, int everyTicks) {
        this.name = name;
        this.tableLoader = tableLoader;
        this.lockFactory = lockFactory;
        this.locks = lockFactory != null;
        this.everyTicks = everyTicks;
    }

    @Override
    public void open(OpenContext context) {
        if (!tableLoader.isOpen()) {
            tableLoader.open();
        }
        table = tableLoader.loadTable();
        if (locks) {
            lockFactory.open();
            lock = lockFactory.createLock();
            skipped = getRuntimeContext().getMetricGroup().counter(name + "sSkippedOnLock");
        }
        runs = getRuntimeContext().getMetricGroup().counter(name + "s");
        failures = getRuntimeContext().getMetricGroup().counter(name + "Failures");
        openMetrics();
    }

    /** Registers the task's own metrics, if any. */
    void openMetrics() {}

    @Override
    public final void processElement(Long tick, Context context, Collector<Void> out) {
        if (ticks++ % everyTicks != 0) {
            return;
        }
        try {
            table.refresh();
            Snapshot current = table.currentSnapshot();
            if (current != null) {
                run(table, current);
            }
        } catch (RuntimeException e) {
            failures.inc();
            LOG.warn("{} of {} failed; retried on the next run: {}", name, table.name(), e, e);
        }
    }

    /**
     * Looks at the table's current snapshot and does the work, under {@link #underLock} or {@link
     * #counted}.
     */
    abstract void run(Table table, Snapshot current);

    /** Runs {@code work} holding the table's lock, or skips it when another task holds it. */
    final void underLock(Table table, Runnable work) {
        if (!lock.tryLock()) {
            skipped.inc();
            LOG.info("{}: {} skipped, another maintenance task holds the lock", table.name(), name);
            return;
        }
        try {
            work.run();
            runs.inc();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} without the lock, for a commit that is safe beside the other tasks. */
    final void counted(Runnable work) {
        work.run();
        runs.inc();
    }

    @Override
    public void close() throws Exception {
        try {
            if (locks) {
                lockFactory.close();
            }
        } finally {
            tableLoader.close();
        }
    }
}
