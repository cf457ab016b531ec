package dev.lakestream.shop.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A sorted set of ids from which random members can be drawn reproducibly.
 *
 * <p>Drawing is done by choosing a random value between the smallest and the largest id and taking
 * the next id at or above it. That is O(log n) without keeping an indexable copy in step with every
 * insert and removal, and depends only on the set's contents and the random source, so it is
 * deterministic. It is not uniform: an id that follows a gap is drawn more often. For a workload
 * that is harmless, even apt: old open orders, which sit after gaps left by orders that finished,
 * move on sooner.
 */
final class IdPool {
    private final TreeSet<Long> ids = new TreeSet<>();

    void add(long id) {
        ids.add(id);
    }

    void remove(long id) {
        ids.remove(id);
    }

    boolean contains(long id) {
        return ids.contains(id);
    }

    int size() {
        return ids.size();
    }

    boolean isEmpty() {
        return ids.isEmpty();
    }

    long max() {
        return ids.last();
    }

    /**
     * Draws one id.
     *
     * @throws IllegalStateException if the pool is empty
     */
    long pick(SplittableRandom random) {
        if (ids.isEmpty()) {
            throw new IllegalStateException("cannot pick from an empty pool");
        }
        long lo = ids.first();
        long hi = ids.last();
        return ids.ceiling(lo + random.nextLong(hi - lo + 1));
    }

    /**
     * Draws up to {@code count} distinct ids, in ascending order; fewer if the pool is small.
     *
     * <p>Ascending order makes multi-row transactions lock rows in a stable order.
     */
    List<Long> pickDistinct(SplittableRandom random, int count) {
        if (ids.size() <= count) {
            return new ArrayList<>(ids);
        }
        TreeSet<Long> chosen = new TreeSet<>();
        for (int attempt = 0; attempt < count * 4 && chosen.size() < count; attempt++) {
            chosen.add(pick(random));
        }
        return new ArrayList<>(chosen);
    }
}
