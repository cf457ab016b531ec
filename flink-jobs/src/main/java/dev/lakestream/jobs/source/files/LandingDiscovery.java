package dev.lakestream.jobs.source.files;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Decides which listed files are new, remembering only a bounded window of them.
 *
 * <pre>
 *   last-modified  ──────────────────────────────────────────────────────────►
 *                  │  done: never read again  │   taken set (window)  │ W │ settling │ now
 *                                             W - lateness            W   now - settle
 * </pre>
 *
 * A listed file is new when it has settled (last-modified &lt;= now - settle time), is not older
 * than the cutoff {@code W - lateness} ({@code W}: the newest last-modified time taken so far), and
 * its key is not in the taken set with the same or a newer last-modified time. New files are queued
 * in (last-modified, key) order. Entries older than the cutoff leave the taken set: the set holds
 * the files of one lateness window, however old the folder.
 *
 * <p>Not thread-safe: the enumerator calls it from its coordinator thread; the listing thread uses
 * only an immutable {@link #view()}.
 */
final class LandingDiscovery {

    private static final Comparator<LandingFile> READING_ORDER =
            Comparator.comparingLong(LandingFile::lastModifiedMillis)
                    .thenComparing(LandingFile::key);

    private final long settleMillis;
    private final long latenessMillis;
    private final Predicate<String> ignored;
    private long watermarkMillis;
    private final Map<String, Long> taken;
    private final ArrayDeque<LandingFileSplit> pending;

    LandingDiscovery(FileSourceSettings settings, LandingEnumeratorState restored) {
        this(
                settings.settleTime().toMillis(),
                settings.lateness().toMillis(),
                settings::ignored,
                restored);
    }

    LandingDiscovery(
            long settleMillis,
            long latenessMillis,
            Predicate<String> ignored,
            LandingEnumeratorState restored) {
        this.settleMillis = settleMillis;
        this.latenessMillis = latenessMillis;
        this.ignored = ignored;
        this.watermarkMillis = restored.watermarkMillis();
        this.taken = new HashMap<>(restored.taken());
        this.pending = new ArrayDeque<>(restored.pending());
    }

    /** Files older than this are done. */
    long cutoffMillis() {
        return watermarkMillis == Long.MIN_VALUE
                ? Long.MIN_VALUE
                : watermarkMillis - latenessMillis;
    }

    /**
     * What the listing thread may use without touching this object: a copy of the bounded taken set
     * and the cutoff at this moment.
     */
    View view() {
        return new View(Map.copyOf(taken), cutoffMillis());
    }

    /** An immutable copy of what decides whether a listed file is new. */
    final class View {
        private final Map<String, Long> taken;
        private final long cutoffMillis;

        private View(Map<String, Long> taken, long cutoffMillis) {
            this.taken = taken;
            this.cutoffMillis = cutoffMillis;
        }

        /** Whether a file listed at {@code nowMillis} looks new. */
        boolean looksNew(LandingFile file, long nowMillis) {
            return isNew(file, nowMillis, cutoffMillis, taken);
        }
    }

    private boolean isNew(LandingFile file, long nowMillis, long cutoff, Map<String, Long> known) {
        if (ignored.test(file.key())) {
            return false;
        }
        long modified = file.lastModifiedMillis();
        if (modified > nowMillis - settleMillis || modified < cutoff) {
            return false;
        }
        Long before = known.get(file.key());
        return before == null || before < modified;
    }

    /**
     * Takes the new files among {@code candidates} (listed at {@code nowMillis}), queues them in
     * reading order, and forgets what fell out of the window.
     *
     * @return the files taken
     */
    List<LandingFile> accept(Collection<LandingFile> candidates, long nowMillis) {
        long cutoff = cutoffMillis();
        List<LandingFile> fresh = new ArrayList<>();
        for (LandingFile file : candidates) {
            if (isNew(file, nowMillis, cutoff, taken)) {
                fresh.add(file);
            }
        }
        fresh.sort(READING_ORDER);
        for (LandingFile file : fresh) {
            Long before = taken.put(file.key(), file.lastModifiedMillis());
            if (before != null && before < file.lastModifiedMillis()) {
                // an overwritten file: a queued older version would fail its etag check anyway
                pending.removeIf(s -> s.file().key().equals(file.key()));
            }
            pending.add(LandingFileSplit.unread(file));
            watermarkMillis = Math.max(watermarkMillis, file.lastModifiedMillis());
        }
        long newCutoff = cutoffMillis();
        taken.values().removeIf(modified -> modified < newCutoff);
        return fresh;
    }

    /** The next split to read, or {@code null}. */
    LandingFileSplit next() {
        return pending.poll();
    }

    /** Splits a failed reader had not checkpointed: read again first. */
    void returned(Collection<LandingFileSplit> splits) {
        List<LandingFileSplit> back = new ArrayList<>(splits);
        for (int i = back.size() - 1; i >= 0; i--) {
            pending.addFirst(back.get(i));
        }
    }

    int pendingCount() {
        return pending.size();
    }

    /** Files remembered as taken: at most one lateness window of them. */
    int takenCount() {
        return taken.size();
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    LandingEnumeratorState snapshot() {
        return new LandingEnumeratorState(watermarkMillis, taken, new ArrayList<>(pending));
    }
}
