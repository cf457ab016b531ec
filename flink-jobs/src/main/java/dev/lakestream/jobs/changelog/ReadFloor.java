package dev.lakestream.jobs.changelog;

import dev.lakestream.jobs.changelog.PositionPublishingSource.Position;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The read floor of a streaming Iceberg source: the newest snapshot such that every file added at
 * or before it has been read completely, as of a checkpoint. A restore from that checkpoint (or a
 * newer one) never reads a file added at or before the floor again, so table maintenance may
 * rewrite those files and later delete the originals (bronze compaction), and may expire the
 * snapshots before the floor.
 *
 * <p>The enumerator's position alone is not enough: it is the last snapshot <em>planned</em>, and
 * the splits planned up to it may still wait in the enumerator or be read by a reader. Each split
 * is therefore tagged, when it is first seen, with a lower bound: the position at the checkpoint
 * before, which its files are newer than (a split first seen after checkpoint n-1 was planned from
 * a position no older than P(n-1)). The floor at checkpoint n is the oldest bound of the splits
 * still outstanding, or P(n) when none is.
 *
 * <pre>
 *  seen       pending in the enumerator's state, assigned to a reader, added back after a
 *             failure: tagged with the position of the checkpoint before ("lastSeen")
 *  restored   held by a reader from its restored state, reported when it starts: tagged
 *             "unknown" (no floor until they are read; the floor published before stays)
 *  finished   reported by the reader with its next split request: forgotten
 *  checkpoint floor = oldest tag of the outstanding splits, P(n) when none; none while a tag is
 *             unknown or a reader has not reported since it (re)started
 * </pre>
 *
 * <p>Why a restored split may be tagged "unknown" without harm: the floor published last came from
 * a completed checkpoint m, and the restore uses checkpoint c &gt;= m. A split a reader holds at c
 * was not finished when the enumerator checkpointed m, so its tag at m was at least floor(m): the
 * published floor is below it, and stays until the split is read. Floors only grow.
 *
 * <p>Used from the enumerator's coordinator thread only; not thread-safe.
 */
final class ReadFloor {

    /** A lower bound of a split's files: newer than {@code position}; null when unknown. */
    private record Bound(long order, Position position) {}

    private static final Bound UNKNOWN = new Bound(Long.MIN_VALUE, null);

    private final Map<String, Bound> outstanding = new HashMap<>();
    private final Set<Integer> unreported = new HashSet<>();
    private Bound lastSeen = UNKNOWN;
    private long checkpoints;

    /**
     * @param parallelism the readers; each must report its restored splits before a floor exists
     */
    ReadFloor(int parallelism) {
        for (int subtask = 0; subtask < parallelism; subtask++) {
            unreported.add(subtask);
        }
    }

    /** A split was handed to a reader. */
    void assigned(String splitId) {
        outstanding.putIfAbsent(splitId, lastSeen);
    }

    /** A failed reader's splits came back to the enumerator; the reader restarts and reports. */
    void addedBack(Collection<String> splitIds, int subtask) {
        splitIds.forEach(this::assigned);
        unreported.add(subtask);
    }

    /** A reader (re)registered: until it reports its restored splits, there is no floor. */
    void readerRegistered(int subtask) {
        unreported.add(subtask);
    }

    /** A reader started, holding these splits from its restored state. */
    void readerStarted(int subtask, Collection<String> restoredSplitIds) {
        restoredSplitIds.forEach(id -> outstanding.putIfAbsent(id, UNKNOWN));
        unreported.remove(subtask);
    }

    /** A reader read these splits to their end. */
    void finished(Collection<String> splitIds) {
        splitIds.forEach(outstanding::remove);
    }

    /** How many splits are planned and not yet read (for logs and tests). */
    int outstanding() {
        return outstanding.size();
    }

    /**
     * The enumerator checkpoints at {@code position} with these splits waiting for a reader.
     *
     * @return the floor of this checkpoint, or null when there is none yet
     */
    Position checkpoint(Position position, Collection<String> pendingSplitIds) {
        pendingSplitIds.forEach(this::assigned);
        Position floor = floor(position);
        lastSeen = position == null ? UNKNOWN : new Bound(++checkpoints, position);
        return floor;
    }

    private Position floor(Position position) {
        if (!unreported.isEmpty()) {
            return null;
        }
        Bound oldest = null;
        for (Bound bound : outstanding.values()) {
            if (bound.position() == null) {
                return null;
            }
            if (oldest == null || bound.order() < oldest.order()) {
                oldest = bound;
            }
        }
        return oldest == null ? position : oldest.position();
    }
}
