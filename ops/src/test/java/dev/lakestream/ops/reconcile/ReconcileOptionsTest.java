package dev.lakestream.ops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.catalog.InvalidSettingException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line of {@code reconcile}: defaults, and errors that name the option. */
class ReconcileOptionsTest {

    @Test
    void defaultsAndValues() {
        ReconcileOptions once = ReconcileOptions.parse(List.of("--once"));
        assertThat(once.once()).isTrue();
        assertThat(once.rangeSize()).isEqualTo(ReconcileOptions.DEFAULT_RANGE_SIZE);
        assertThat(once.grace()).isEqualTo(Duration.ofSeconds(60));
        assertThat(once.metricsPort()).isEmpty();
        assertThat(once.resultsNamespace()).isEqualTo("ops");

        ReconcileOptions every =
                ReconcileOptions.parse(
                        List.of(
                                "--every",
                                "5m",
                                "--range-size",
                                "500",
                                "--grace",
                                "90s",
                                "--metrics-port",
                                "9464"));
        assertThat(every.once()).isFalse();
        assertThat(every.every()).isEqualTo(Duration.ofMinutes(5));
        assertThat(every.rangeSize()).isEqualTo(500);
        assertThat(every.grace()).isEqualTo(Duration.ofSeconds(90));
        assertThat(every.metricsPort()).hasValue(9464);
    }

    @Test
    void errorsNameTheOption() {
        assertThatThrownBy(() -> ReconcileOptions.parse(List.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("--once");
        assertThatThrownBy(() -> ReconcileOptions.parse(List.of("--once", "--every", "5m")))
                .hasMessageContaining("exactly one");
        assertThatThrownBy(() -> ReconcileOptions.parse(List.of("--once", "--range-size", "0")))
                .hasMessageContaining("--range-size");
        assertThatThrownBy(() -> ReconcileOptions.parse(List.of("--once", "--grace", "soon")))
                .hasMessageContaining("--grace")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> ReconcileOptions.parse(List.of("--every", "0s")))
                .hasMessageContaining("--every");
        assertThatThrownBy(() -> ReconcileOptions.parse(List.of("--once", "--metrics-port", "x")))
                .hasMessageContaining("--metrics-port");
        assertThatThrownBy(() -> ReconcileOptions.parse(List.of("--once", "--ranges", "5")))
                .hasMessageContaining("--ranges");
        assertThatThrownBy(() -> ReconcileOptions.parse(List.of("--once", "--grace")))
                .hasMessageContaining("--grace needs a value");
    }

    @Test
    void gaugesCountEveryStatusPerTableAndNoKeys() {
        RangeSummary one = new RangeSummary(1, 7);
        String text =
                ReconcileMetrics.render(
                        Instant.ofEpochSecond(1_700_000_000),
                        Duration.ofMillis(2500),
                        List.of(
                                new RangeResult(
                                        RangeResult.SOURCE_SILVER,
                                        "shop.orders",
                                        "r1",
                                        "0",
                                        "9",
                                        one,
                                        one,
                                        RangeResult.Status.OK,
                                        0,
                                        null,
                                        null),
                                new RangeResult(
                                        RangeResult.SOURCE_SILVER,
                                        "shop.orders",
                                        "r2",
                                        "10",
                                        "19",
                                        one,
                                        RangeSummary.EMPTY,
                                        RangeResult.Status.DRIFT,
                                        1,
                                        "12",
                                        "detail")));
        assertThat(text)
                .contains(
                        "lakestream_reconcile_ranges{check=\"source_silver\",table=\"shop.orders\",status=\"ok\"} 1")
                .contains(
                        "lakestream_reconcile_ranges{check=\"source_silver\",table=\"shop.orders\",status=\"drift\"} 1")
                .contains(
                        "lakestream_reconcile_ranges{check=\"source_silver\",table=\"shop.orders\",status=\"in_flight\"} 0")
                .contains(
                        "lakestream_reconcile_keys_drifting{check=\"source_silver\",table=\"shop.orders\"} 1")
                .contains("lakestream_reconcile_last_run_timestamp_seconds 1700000000")
                .contains("lakestream_reconcile_duration_seconds 2.5")
                .doesNotContain("12");
    }
}
