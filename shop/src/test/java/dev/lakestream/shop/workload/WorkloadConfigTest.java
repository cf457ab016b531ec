package dev.lakestream.shop.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WorkloadConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        WorkloadConfig c = WorkloadConfig.defaults();
        assertThat(c.stores()).isEqualTo(8);
        assertThat(c.customers()).isEqualTo(500);
        assertThat(c.products()).isEqualTo(200);
        assertThat(c.rate()).isEqualTo(20.0);
        assertThat(c.maxTransactions()).isZero();
        assertThat(c.duration()).isEqualTo(Duration.ZERO);
        assertThat(c.mix()).isEqualTo(TransactionMix.defaults());
        for (TransactionKind kind : TransactionKind.values()) {
            assertThat(c.mix().weight(kind)).as(kind.key()).isPositive();
        }
    }

    @Test
    void buildersAndWithersRoundTrip() {
        WorkloadConfig c =
                WorkloadConfig.builder().seed(7).stores(3).rate(0).maxTransactions(10).build();
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.withSeed(8).seed()).isEqualTo(8);
        assertThat(c.withSeed(8).stores()).isEqualTo(3);
        assertThat(c.withRate(5).rate()).isEqualTo(5.0);
        assertThat(c.withDuration(Duration.ofSeconds(3)).duration())
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(c.withMaxTransactions(0).maxTransactions()).isZero();
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                bad(b -> b.rate(-1), "workload.rate must be >= 0, was -1"),
                bad(b -> b.rate(-0.5), "workload.rate must be >= 0, was -0.5"),
                bad(b -> b.rate(Double.NaN), "workload.rate must be a finite number, was NaN"),
                bad(b -> b.rate(Double.POSITIVE_INFINITY), "workload.rate must be a finite number"),
                bad(b -> b.stores(0), "workload.stores must be between 1 and 10000, was 0"),
                bad(
                        b -> b.stores(10_001),
                        "workload.stores must be between 1 and 10000, was 10001"),
                bad(b -> b.customers(-1), "workload.customers must be between 0 and"),
                bad(b -> b.products(0), "workload.products must be between 1 and"),
                bad(b -> b.initialOrders(-3), "workload.initial-orders must be between 0 and"),
                bad(b -> b.maxTransactions(-1), "workload.max-transactions must be >= 0"),
                bad(b -> b.duration(Duration.ofSeconds(-1)), "workload.duration must be >= 0"),
                bad(b -> b.duration(null), "workload.duration must be >= 0"),
                bad(b -> b.clockStart(null), "workload.clock-start must not be null"),
                bad(
                        b -> b.progressInterval(Duration.ZERO),
                        "workload.progress-interval must be > 0"),
                bad(b -> b.mix(null), "workload.mix must not be null"));
    }

    private static Arguments bad(UnaryOperator<WorkloadConfig.Builder> change, String message) {
        return Arguments.of(change, message);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badSettings")
    void badValuesNameTheSetting(UnaryOperator<WorkloadConfig.Builder> change, String message) {
        assertThatThrownBy(() -> change.apply(WorkloadConfig.builder()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void zeroRateAndUnlimitedRunsAreValid() {
        WorkloadConfig c =
                WorkloadConfig.builder()
                        .rate(0)
                        .customers(0)
                        .initialOrders(0)
                        .maxTransactions(0)
                        .duration(Duration.ZERO)
                        .build();
        assertThat(c.rate()).isZero();
    }
}
