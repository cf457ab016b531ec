package dev.lakestream.jobs.source.files;

import java.util.List;
import java.util.Map;

/**
 * What the enumerator checkpoints: the newest last-modified time it has taken, the files it has
 * taken within the lateness window before it, and the splits not yet handed to a reader. Files
 * older than the window are not listed here: they count as done, which keeps this bounded.
 *
 * @param watermarkMillis the newest last-modified time of a file taken, or {@link Long#MIN_VALUE}
 * @param taken key to last-modified time of the files taken within the window
 * @param pending splits waiting for a reader, in reading order
 */
public record LandingEnumeratorState(
        long watermarkMillis, Map<String, Long> taken, List<LandingFileSplit> pending) {

    public LandingEnumeratorState {
        taken = Map.copyOf(taken);
        pending = List.copyOf(pending);
    }

    /** Nothing taken yet: a new job. */
    public static LandingEnumeratorState empty() {
        return new LandingEnumeratorState(Long.MIN_VALUE, Map.of(), List.of());
    }
}
