package dev.lakestream.jobs.changelog;

import dev.lakestream.jobs.state.Tombstones;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;

/**
 * Applies one entity's change events to its current state in WAL order, whatever order they arrive
 * in, and emits the resulting changelog ({@code +I}, {@code -U}/{@code +U}, {@code -D}).
 *
 * <pre>
 *  bronze (split reads, replays, restarts: any order, duplicates)
 *     --keyBy(table, key)--> [LsnOrderedApplier] --changelog in LSN order--> silver, gold
 * </pre>
 *
 * <p>The rules, which make the result independent of arrival order and idempotent under replay:
 *
 * <ul>
 *   <li>The change with the highest LSN decides whether the row exists (insert, update, snapshot
 *       read) or not (delete). A change at an LSN already applied is a duplicate and is dropped.
 *   <li>Each column takes its value from the highest-LSN change that really carried it. An
 *       unchanged TOAST column carries nothing, so it keeps the value of an earlier change, even
 *       when that earlier change arrives later (a late change fills exactly the columns that newer
 *       changes did not write).
 *   <li>A delete forgets the values; an older change arriving after it is dropped. Snapshot reads
 *       carry their chunk's low watermark, so they lose against every change streamed after them
 *       and win over what an earlier snapshot or stream left (a re-snapshot after a lost slot).
 *   <li>The newest change names the row's columns: a column it neither carries nor lists as an
 *       unchanged TOAST value was dropped at the source, and leaves the row (silver keeps the
 *       column, null from then on); a late change does not bring it back.
 *   <li>A row is only emitted once every column is known: an update whose TOAST columns have no
 *       earlier value yet waits for the change that brings them.
 *   <li>A correction at LSN L (re-injected from the quarantine, {@link Corrections}) is "the change
 *       at L, as it should have been". Newer than the row, it is applied as that change (the
 *       original at L, arriving later, is then a duplicate). At or below the row's LSN, it
 *       overwrites exactly the columns whose value still comes from L or older and re-emits the
 *       row; columns newer changes wrote are kept. Older than a delete, it is dropped. Its rule
 *       overrides travel with the row ({@link RowChange#overrides}) only while L is the row's LSN.
 *       A second identical correction changes nothing, so a duplicated correction row is harmless.
 * </ul>
 *
 * Emitted changes carry the LSN of the newest change applied, so downstream versions only grow.
 *
 * <p>State is bounded by live rows: a live row keeps its {@link KeyState} for as long as it lives;
 * a deleted row keeps only the LSN of its delete, in a separate state that expires after the
 * tombstone retention ({@link Tombstones}: why that horizon is safe). Until then an older change of
 * the key is dropped; a newer one starts a new life.
 */
public class LsnOrderedApplier extends KeyedProcessFunction<String, ChangeEvent, RowChange> {

    private static final long serialVersionUID = 1L;

    private final Duration tombstoneRetention;
    private transient ValueState<KeyState> state;
    private transient ValueState<Long> deletedAt;

    public LsnOrderedApplier() {
        this(Tombstones.DEFAULT_RETENTION);
    }

    /**
     * @param tombstoneRetention how long the LSN of a delete is kept after the delete
     */
    public LsnOrderedApplier(Duration tombstoneRetention) {
        this.tombstoneRetention = tombstoneRetention;
    }

    @Override
    public void open(OpenContext openContext) {
        state =
                getRuntimeContext()
                        // the name of old: savepoints of this operator restore (deleted rows
                        // restored from them move to the tombstone when next touched)
                        .getState(new ValueStateDescriptor<>("key-state", KeyState.TYPE));
        deletedAt =
                getRuntimeContext()
                        .getState(
                                Tombstones.descriptor(
                                        "deleted-at-lsn", Types.LONG, tombstoneRetention));
    }

    @Override
    public void processElement(ChangeEvent event, Context ctx, Collector<RowChange> out)
            throws Exception {
        if (event.isTruncate()) {
            // of the whole table, not of a key: no state; the rules refuse it into quarantine
            out.collect(
                    new RowChange(
                            RowKind.INSERT,
                            event.table,
                            event.key,
                            event.lsn,
                            Map.of(BronzeChangeParser.TRUNCATED, truncateReason(event))));
            return;
        }
        KeyState s = state.value();
        if (s == null) {
            s = new KeyState();
            Long deleteLsn = deletedAt.value();
            if (deleteLsn != null) {
                s.rowLsn = deleteLsn;
                s.deleted = true;
            }
        }
        Map<String, Object> before = visible(s);
        String typesBefore = s.types;
        String overridesBefore = overrides(s);
        long correctedBefore = s.correctedLsn;
        boolean touched = apply(s, event);
        if (!touched) {
            return;
        }
        if (s.deleted) {
            state.clear();
            deletedAt.update(s.rowLsn);
        } else {
            state.update(s);
            deletedAt.clear();
        }
        Map<String, Object> after = visible(s);
        if (Objects.equals(before, after)
                && Objects.equals(typesBefore, s.types)
                && Objects.equals(overridesBefore, overrides(s))
                && correctedBefore == s.correctedLsn) {
            return;
        }
        if (before == null) {
            out.collect(
                    new RowChange(RowKind.INSERT, event.table, event.key, s.rowLsn, after)
                            .withTypes(s.types)
                            .withOverrides(overrides(s))
                            .withSourceMillis(event.sourceMillis));
        } else if (after == null) {
            out.collect(
                    new RowChange(RowKind.DELETE, event.table, event.key, s.rowLsn, before)
                            .withTypes(typesBefore)
                            .withSourceMillis(event.sourceMillis));
        } else {
            out.collect(
                    new RowChange(RowKind.UPDATE_BEFORE, event.table, event.key, s.rowLsn, before)
                            .withTypes(typesBefore)
                            .withSourceMillis(event.sourceMillis));
            out.collect(
                    new RowChange(RowKind.UPDATE_AFTER, event.table, event.key, s.rowLsn, after)
                            .withTypes(s.types)
                            .withOverrides(overrides(s))
                            .withSourceMillis(event.sourceMillis));
        }
    }

    static String truncateReason(ChangeEvent event) {
        return "TRUNCATE of "
                + event.table
                + " at LSN "
                + event.lsn
                + ": PostgreSQL emptied the table without a change per row, so silver and gold"
                + " still hold its rows; they follow DELETE, not TRUNCATE (see the README,"
                + " TRUNCATE)";
    }

    /** Folds one change into the state; false when it changes nothing (duplicate, too old). */
    static boolean apply(KeyState s, ChangeEvent e) {
        if (e.correction) {
            return applyCorrection(s, e);
        }
        if (e.lsn == s.rowLsn) {
            return false;
        }
        if (e.lsn > s.rowLsn) {
            s.rowLsn = e.lsn;
            if (e.isDelete()) {
                s.deleted = true;
                s.values.clear();
                s.valueLsns.clear();
                s.missing.clear();
                s.types = null;
                s.correctedLsn = -1;
                s.overrides = null;
                return true;
            }
            if (s.deleted) {
                // a new life of the key: nothing from before the delete may leak into it
                s.deleted = false;
                s.values.clear();
                s.valueLsns.clear();
                s.missing.clear();
            }
            // the newest image names the row's columns: one it neither carries nor lists as
            // unavailable (an unchanged TOAST value) is gone from the source (ALTER TABLE ... DROP
            // COLUMN), and keeps no value of an older change
            s.values
                    .keySet()
                    .removeIf(c -> !e.values.containsKey(c) && !e.unavailableColumns.contains(c));
            s.valueLsns.keySet().retainAll(s.values.keySet());
            s.types = e.types;
            writeColumns(s, e, true, false);
            for (String column : e.unavailableColumns) {
                if (!s.values.containsKey(column) && !s.missing.contains(column)) {
                    s.missing.add(column);
                }
            }
            return true;
        }
        // a late change: it only fills columns that newer changes left unwritten
        if (s.deleted || e.isDelete()) {
            return false;
        }
        return writeColumns(s, e, false, false);
    }

    /**
     * Folds a correction at LSN L into the state as "the change at L, as it should have been";
     * false when it changes nothing (older than a delete, or the same correction again).
     */
    private static boolean applyCorrection(KeyState s, ChangeEvent e) {
        if (e.isDelete() || e.isTruncate()) {
            return false; // a correction carries a fixed row image; deletes are never refused
        }
        if (e.lsn > s.rowLsn) {
            // newer than the row: the change at L itself, the original at L is a duplicate then
            ChangeEvent asChange = copyAsChange(e);
            apply(s, asChange);
            s.correctedLsn = e.lsn;
            s.overrides = Corrections.join(Corrections.rules(e.overrides));
            return true;
        }
        if (s.deleted) {
            return false; // at or older than the row's delete: that life is over
        }
        boolean wrote = writeColumns(s, e, false, true);
        if (e.lsn == s.rowLsn) {
            String overrides = Corrections.join(Corrections.rules(e.overrides));
            wrote |= s.correctedLsn != e.lsn || !Objects.equals(s.overrides, overrides);
            s.correctedLsn = e.lsn;
            s.overrides = overrides;
        }
        return wrote;
    }

    private static ChangeEvent copyAsChange(ChangeEvent e) {
        ChangeEvent c =
                new ChangeEvent(e.table, e.key, e.op, e.lsn, e.values, e.unavailableColumns);
        c.types = e.types;
        c.sourceMillis = e.sourceMillis;
        return c;
    }

    /** The rules the row's own change skips: a correction's, while its LSN is the row's. */
    private static String overrides(KeyState s) {
        return s.correctedLsn == s.rowLsn && !s.deleted ? s.overrides : null;
    }

    /**
     * Writes the change's columns that no newer change wrote; a late change writes only columns the
     * row still has (a dropped column stays dropped). A correction also overwrites the columns
     * whose value comes from its own LSN ({@code correction}); it reports a write only where a
     * value really changed, so the same correction twice is a no-op.
     */
    private static boolean writeColumns(
            KeyState s, ChangeEvent e, boolean newest, boolean correction) {
        boolean wrote = false;
        for (Map.Entry<String, Object> column : e.values.entrySet()) {
            if (!newest
                    && !s.values.containsKey(column.getKey())
                    && !s.missing.contains(column.getKey())) {
                continue;
            }
            long current = s.valueLsns.getOrDefault(column.getKey(), -1L);
            if (e.lsn > current || (correction && e.lsn == current)) {
                boolean changes =
                        e.lsn > current
                                || !Objects.equals(
                                        s.values.get(column.getKey()), column.getValue());
                s.values.put(column.getKey(), column.getValue());
                s.valueLsns.put(column.getKey(), e.lsn);
                s.missing.remove(column.getKey());
                wrote |= changes;
            }
        }
        return wrote;
    }

    /** The row as downstream sees it, or null while it does not exist or is incomplete. */
    private static Map<String, Object> visible(KeyState s) {
        if (s.rowLsn < 0 || s.deleted || !s.missing.isEmpty() || s.values.isEmpty()) {
            return null;
        }
        return new HashMap<>(s.values); // a column's value may be null
    }
}
