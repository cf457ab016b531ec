package dev.lakestream.shop.workload;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Relative weights of the {@link TransactionKind}s in a workload.
 *
 * <p>Weights are integers rather than probabilities so that a mix can be written down exactly and
 * picking a kind from a random number is exact and reproducible. A kind with weight 0 never runs;
 * kinds that are missing from the map have weight 0.
 *
 * @param weights weight per kind, each {@code >= 0}, at least one positive
 */
public record TransactionMix(Map<TransactionKind, Integer> weights) {

    public TransactionMix {
        if (weights == null) {
            throw new IllegalArgumentException("workload.mix must not be null");
        }
        EnumMap<TransactionKind, Integer> copy = new EnumMap<>(TransactionKind.class);
        long total = 0;
        for (TransactionKind kind : TransactionKind.values()) {
            Integer weight = weights.get(kind);
            int w = weight == null ? 0 : weight;
            if (w < 0) {
                throw new IllegalArgumentException(
                        "workload.mix." + kind.key() + " must be >= 0, was " + w);
            }
            copy.put(kind, w);
            total += w;
        }
        if (total == 0) {
            throw new IllegalArgumentException(
                    "workload.mix must give at least one transaction kind a positive weight");
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "workload.mix weights must add up to at most " + Integer.MAX_VALUE);
        }
        weights = Collections.unmodifiableMap(copy);
    }

    /**
     * The default mix: mostly new orders and their life cycle, with a steady trickle of catalogue
     * and customer changes.
     */
    public static TransactionMix defaults() {
        EnumMap<TransactionKind, Integer> w = new EnumMap<>(TransactionKind.class);
        w.put(TransactionKind.NEW_ORDER, 35);
        w.put(TransactionKind.STATUS_CHANGE, 25);
        w.put(TransactionKind.LINE_EDIT, 12);
        w.put(TransactionKind.CANCELLATION, 5);
        w.put(TransactionKind.ORDER_DELETE, 4);
        w.put(TransactionKind.PRICE_CHANGE, 7);
        w.put(TransactionKind.NEW_CUSTOMER, 6);
        w.put(TransactionKind.EMAIL_UPDATE, 6);
        return new TransactionMix(w);
    }

    /** A mix that runs only the given kind. */
    public static TransactionMix only(TransactionKind kind) {
        return new TransactionMix(Map.of(kind, 1));
    }

    /** Returns a copy with one weight replaced. */
    public TransactionMix with(TransactionKind kind, int weight) {
        EnumMap<TransactionKind, Integer> w = new EnumMap<>(weights);
        w.put(kind, weight);
        return new TransactionMix(w);
    }

    public int weight(TransactionKind kind) {
        return weights.get(kind);
    }

    public int total() {
        int total = 0;
        for (int w : weights.values()) {
            total += w;
        }
        return total;
    }

    /** Draws a kind with probability proportional to its weight. */
    TransactionKind pick(SplittableRandom random) {
        int r = random.nextInt(total());
        for (Map.Entry<TransactionKind, Integer> e : weights.entrySet()) {
            r -= e.getValue();
            if (r < 0) {
                return e.getKey();
            }
        }
        throw new AssertionError("weights changed while picking");
    }
}
