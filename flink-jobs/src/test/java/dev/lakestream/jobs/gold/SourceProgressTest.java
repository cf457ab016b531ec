package dev.lakestream.jobs.gold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The gold version's parts: order-independent, always growing, never wrapping. */
class SourceProgressTest {

    @Test
    void theVersionPartDependsOnTheSetOfInputsNotTheirOrder() {
        List<Long> positions = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 50; i++) {
            positions.add((long) random.nextInt(1_000));
        }
        SourceProgress inOrder = SourceProgress.none();
        positions.stream().sorted().forEach(inOrder::fold);
        for (int round = 0; round < 20; round++) {
            Collections.shuffle(positions, random);
            SourceProgress shuffled = SourceProgress.none();
            long before = shuffled.versionPart();
            for (long p : positions) {
                shuffled.fold(p);
                assertThat(shuffled.versionPart())
                        .as("grows with every input")
                        .isGreaterThan(before);
                before = shuffled.versionPart();
            }
            assertThat(shuffled.versionPart()).isEqualTo(inOrder.versionPart());
        }
    }

    @Test
    void stateFromBeforeInputsWereCountedCountsOnFromThere() {
        SourceProgress restored = SourceProgress.of(1_000L, null);
        assertThat(restored.versionPart()).isEqualTo(1_000);
        restored.fold(999);
        assertThat(restored.versionPart()).isEqualTo(1_001);
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
