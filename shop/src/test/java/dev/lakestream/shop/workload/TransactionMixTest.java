package dev.lakestream.shop.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransactionMixTest {

    @Test
    void negativeWeightNamesTheKind() {
        assertThatThrownBy(() -> TransactionMix.defaults().with(TransactionKind.ORDER_DELETE, -2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("workload.mix.order-delete must be >= 0, was -2");
    }

    @Test
    void allZeroWeightsAreRejected() {
        assertThatThrownBy(() -> new TransactionMix(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("workload.mix must give at least one");
    }

    @Test
    void missingKindsWeighZero() {
        TransactionMix mix = TransactionMix.only(TransactionKind.PRICE_CHANGE);
        assertThat(mix.weight(TransactionKind.NEW_ORDER)).isZero();
        assertThat(mix.total()).isEqualTo(1);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 100; i++) {
            assertThat(mix.pick(random)).isEqualTo(TransactionKind.PRICE_CHANGE);
        }
    }

    @Test
    void picksFollowTheWeights() {
        TransactionMix mix =
                TransactionMix.only(TransactionKind.NEW_ORDER)
                        .with(TransactionKind.NEW_ORDER, 3)
                        .with(TransactionKind.EMAIL_UPDATE, 1);
        SplittableRandom random = new SplittableRandom(99);
        Map<TransactionKind, Integer> counts = new EnumMap<>(TransactionKind.class);
        for (int i = 0; i < 40_000; i++) {
            counts.merge(mix.pick(random), 1, Integer::sum);
        }
        assertThat(counts)
                .containsOnlyKeys(TransactionKind.NEW_ORDER, TransactionKind.EMAIL_UPDATE);
        assertThat(counts.get(TransactionKind.NEW_ORDER)).isBetween(29_000, 31_000);
    }

    @Test
    void kindKeysRoundTrip() {
        for (TransactionKind kind : TransactionKind.values()) {
            assertThat(TransactionKind.fromKey(kind.key())).isEqualTo(kind);
        }
        assertThat(TransactionKind.NEW_ORDER.key()).isEqualTo("new-order");
        assertThatThrownBy(() -> TransactionKind.fromKey("refund")).hasMessageContaining("refund");
    }
}
