package dev.lakestream.jobs.gold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A gold version part: always growing, the highest position otherwise, never wrapping. */
class SourceProgressTest {

    private static long fold(List<Long> positions) {
        Long part = null;
        for (long p : positions) {
            long next = SourceProgress.next(part, p);
            if (part != null) {
                assertThat(next).as("grows with every input").isGreaterThan(part);
            }
            part = next;
        }
        return part;
    }

    @Test
    void inOrderThePartIsTheHighestPosition() {
        assertThat(fold(List.of(10L, 20L, 35L))).isEqualTo(35);
    }

    @Test
    void inputsAtOrBelowTheHighestPositionStepOneUpAndTheNextHigherPositionAbsorbsThem() {
        // a retraction and its addition share LSN 20; snapshot rows all carry LSN 0
        assertThat(fold(List.of(0L, 0L, 0L))).isEqualTo(2);
        assertThat(fold(List.of(10L, 20L, 20L))).isEqualTo(21);
        assertThat(fold(List.of(10L, 20L, 20L, 15L, 300L))).isEqualTo(300);
    }

    @Test
    void anyOrderOfSparsePositionsEndsAtTheHighestOnceItArrivesLast() {
        // LSNs are far apart (bytes of WAL), so out-of-order steps are absorbed
        Random random = new Random(7);
        List<Long> positions = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            positions.add(1_000L * (i + 1) + random.nextInt(500));
        }
        long highest = Collections.max(positions);
        for (int round = 0; round < 20; round++) {
            Collections.shuffle(positions, random);
            positions.remove(highest);
            positions.add(highest);
            assertThat(fold(positions)).isEqualTo(highest);
        }
    }

    @Test
    void stateKeptAsTheHighestPositionAloneContinues() {
        assertThat(SourceProgress.next(1_000L, 999)).isEqualTo(1_001);
        assertThat(SourceProgress.of(null)).isZero();
    }

    @Test
    void aVersionPastLongMaxValueFailsLoudlyInsteadOfWrapping() {
        // a file landed in the year 2262: epoch second * 10^9 + line no longer fits a long
        long fileSequence = 9_223_372_036L * 1_000_000_000L;
        assertThatThrownBy(() -> SourceProgress.plus(fileSequence, 2_000_000_000_000_000L))
                .isInstanceOf(ArithmeticException.class)
                .hasMessageContaining("gold version overflows a long");
    }
}
