package dev.lakestream.ops.reconcile;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The keys of one range that differ, sorted into drift, in flight and explained; renders a range's
 * status, count and example keys.
 */
final class KeyDiff {

    static final int EXAMPLES = 5;

    final List<RowKey> drift = new ArrayList<>();
    final List<RowKey> inFlight = new ArrayList<>();
    final List<RowKey> explained = new ArrayList<>();

    /** How the drifting keys differ: only on the reference side, only on the checked, values. */
    long onlyInSource;

    long onlyInTarget;
    long valuesDiffer;
    private final Function<RowKey, String> render;

    KeyDiff() {
        this(RowKey::toString);
    }

    /** With keys shown by {@code render} (a gold key as {@code 2025-03-03/store 2}). */
    KeyDiff(Function<RowKey, String> render) {
        this.render = render;
    }

    RangeResult.Status status() {
        if (!drift.isEmpty()) {
            return RangeResult.Status.DRIFT;
        }
        if (!explained.isEmpty()) {
            return RangeResult.Status.EXPLAINED;
        }
        return inFlight.isEmpty() ? RangeResult.Status.OK : RangeResult.Status.IN_FLIGHT;
    }

    /** Example keys of what decided the status. */
    String examples() {
        List<RowKey> shown = !drift.isEmpty() ? drift : !explained.isEmpty() ? explained : inFlight;
        return shown.isEmpty()
                ? null
                : shown.stream()
                        .sorted()
                        .limit(EXAMPLES)
                        .map(render)
                        .collect(Collectors.joining(", "));
    }

    /** Counts a drifting key by how it differs. */
    void drift(RowKey key, boolean inSource, boolean inTarget) {
        drift.add(key);
        if (!inTarget) {
            onlyInSource++;
        } else if (!inSource) {
            onlyInTarget++;
        } else {
            valuesDiffer++;
        }
    }

    String detail() {
        return "keys differing: "
                + drift.size()
                + " drift ("
                + onlyInSource
                + " missing on the checked side, "
                + onlyInTarget
                + " only on the checked side, "
                + valuesDiffer
                + " with other values), "
                + inFlight.size()
                + " in flight, "
                + explained.size()
                + " explained by quarantine";
    }
}
