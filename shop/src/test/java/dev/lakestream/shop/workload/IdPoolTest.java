package dev.lakestream.shop.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IdPoolTest {

    private static IdPool poolOf(long... ids) {
        IdPool pool = new IdPool();
        for (long id : ids) {
            pool.add(id);
        }
        return pool;
    }

    @Test
    void picksOnlyMembersAndEventuallyEveryMember() {
        IdPool pool = poolOf(3, 4, 10, 11, 50, 1000);
        pool.remove(11);
        SplittableRandom random = new SplittableRandom(5);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            long id = pool.pick(random);
            assertThat(pool.contains(id)).isTrue();
            seen.add(id);
        }
        assertThat(seen).containsExactlyInAnyOrder(3L, 4L, 10L, 50L, 1000L);
    }

    @Test
    void sameSeedSameContentsSamePicks() {
        List<Long> a = new ArrayList<>();
        List<Long> b = new ArrayList<>();
        IdPool first = poolOf(9, 1, 5, 7, 3);
        IdPool second = poolOf(1, 3, 5, 7, 9);
        SplittableRandom ra = new SplittableRandom(11);
        SplittableRandom rb = new SplittableRandom(11);
        for (int i = 0; i < 100; i++) {
            a.add(first.pick(ra));
            b.add(second.pick(rb));
        }
        assertThat(a).isEqualTo(b);
    }

    @Test
    void pickDistinctReturnsSortedDistinctIds() {
        IdPool pool = poolOf(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            List<Long> ids = pool.pickDistinct(random, 3);
            assertThat(ids)
                    .doesNotHaveDuplicates()
                    .isSorted()
                    .isNotEmpty()
                    .hasSizeLessThanOrEqualTo(3);
        }
        assertThat(poolOf(4, 2).pickDistinct(random, 3)).containsExactly(2L, 4L);
    }

    @Test
    void emptyPoolCannotBePickedFrom() {
        assertThatThrownBy(() -> new IdPool().pick(new SplittableRandom(1)))
                .isInstanceOf(IllegalStateException.class);
    }
}
