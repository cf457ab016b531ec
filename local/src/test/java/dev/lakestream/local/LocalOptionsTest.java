package dev.lakestream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalOptionsTest {

    @Test
    void anOpsCommandKeepsItsOwnOptionsAndTakesOnlyTheDataFolder() {
        LocalOptions o =
                LocalOptions.parse(
                        new String[] {
                            "lineage",
                            "--sale-date",
                            "2025-03-04",
                            "--data",
                            "elsewhere",
                            "--store",
                            "4"
                        });
        assertThat(o.command()).isEqualTo(LocalOptions.Command.OPS);
        assertThat(o.opsCommand()).isEqualTo("lineage");
        assertThat(o.opsArgs()).containsExactly("--sale-date", "2025-03-04", "--store", "4");
        assertThat(o.dataDirectory()).isEqualTo(Path.of("elsewhere"));
        assertThat(o.fresh()).isFalse();
        assertThat(LocalOptions.parse(new String[] {"run"}).opsArgs()).isEmpty();
    }

    @Test
    void defaultsRunTheStackForever() {
        LocalOptions o = LocalOptions.parse(new String[0]);
        assertThat(o.command()).isEqualTo(LocalOptions.Command.RUN);
        assertThat(o.dataDirectory()).isEqualTo(Path.of(".local-data"));
        assertThat(o.transactions()).isZero();
        assertThat(o.rate()).isEqualTo(20.0);
        assertThat(o.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.fresh()).isFalse();
        assertThat(o.apiErrors()).as("the rates API fails only on request").isZero();
        assertThat(o.rateDelay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.kpiPort()).isEqualTo(8090);
    }

    @Test
    void parsesEveryOption() {
        LocalOptions o =
                LocalOptions.parse(
                        new String[] {
                            "verify",
                            "--data",
                            "/tmp/x",
                            "--rate",
                            "0",
                            "--transactions",
                            "10",
                            "--seed",
                            "7",
                            "--ui-port",
                            "0",
                            "--metrics-port",
                            "9300",
                            "--kpi-port",
                            "0",
                            "--checkpoint-interval",
                            "500ms",
                            "--parallelism",
                            "1",
                            "--api-errors",
                            "0.2",
                            "--rate-delay",
                            "30s",
                            "--fresh"
                        });
        assertThat(o.command()).isEqualTo(LocalOptions.Command.VERIFY);
        assertThat(o.dataDirectory()).isEqualTo(Path.of("/tmp/x"));
        assertThat(o.rate()).isZero();
        assertThat(o.transactions()).isEqualTo(10);
        assertThat(o.seed()).isEqualTo(7);
        assertThat(o.uiPort()).isZero();
        assertThat(o.metricsPort()).isEqualTo(9300);
        assertThat(o.kpiPort()).isZero();
        assertThat(o.checkpointInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.parallelism()).isEqualTo(1);
        assertThat(o.apiErrors()).isEqualTo(0.2);
        assertThat(o.rateDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.fresh()).isTrue();
    }

    @Test
    void badInputNamesTheOption() {
        assertThatThrownBy(() -> LocalOptions.parse(new String[] {"--api-errors", "2"}))
                .hasMessage("--api-errors is a share between 0 and 1, was 2.0");
        assertThatThrownBy(() -> LocalOptions.parse(new String[] {"--rate", "fast"}))
                .hasMessage("--rate must be a number, was 'fast'");
        assertThatThrownBy(() -> LocalOptions.parse(new String[] {"--rate", "-1"}))
                .hasMessageContaining("--rate must be >= 0");
        assertThatThrownBy(() -> LocalOptions.parse(new String[] {"--parallelism", "0"}))
                .hasMessageContaining("--parallelism must be >= 1");
        assertThatThrownBy(() -> LocalOptions.parse(new String[] {"--checkpoint-interval", "soon"}))
                .hasMessageContaining("--checkpoint-interval must be a duration");
        assertThatThrownBy(() -> LocalOptions.parse(new String[] {"--kpi-port", "-1"}))
                .hasMessageContaining("--kpi-port must be >= 0");
        assertThatThrownBy(() -> LocalOptions.parse(new String[] {"--data"}))
                .hasMessage("--data needs a value");
        assertThatThrownBy(() -> LocalOptions.parse(new String[] {"--colour"}))
                .hasMessage("unknown option '--colour'");
        assertThatThrownBy(() -> LocalOptions.parse(new String[] {"launch"}))
                .hasMessage("unknown command 'launch'");
    }
}
