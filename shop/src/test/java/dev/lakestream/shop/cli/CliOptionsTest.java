package dev.lakestream.shop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliOptionsTest {

    private static final String URL = "jdbc:postgresql://localhost:5432/shop";

    @Test
    void parsesAllFlags() throws Exception {
        CliOptions o =
                CliOptions.parse(
                        "--jdbc-url",
                        URL,
                        "--user",
                        "app",
                        "--seed",
                        "-7",
                        "--rate=12.5",
                        "--transactions",
                        "1000",
                        "--duration",
                        "5m",
                        "--stores",
                        "12",
                        "--customers",
                        "40",
                        "--products",
                        "30",
                        "--initial-orders",
                        "0",
                        "--clock-start",
                        "2024-12-31T23:00:00Z",
                        "--init");
        assertThat(o.jdbcUrl()).isEqualTo(URL);
        assertThat(o.user()).isEqualTo("app");
        assertThat(o.init()).isTrue();
        assertThat(o.runWorkload()).isTrue();
        assertThat(o.help()).isFalse();
        assertThat(o.config().seed()).isEqualTo(-7);
        assertThat(o.config().rate()).isEqualTo(12.5);
        assertThat(o.config().maxTransactions()).isEqualTo(1000);
        assertThat(o.config().duration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(o.config().stores()).isEqualTo(12);
        assertThat(o.config().customers()).isEqualTo(40);
        assertThat(o.config().products()).isEqualTo(30);
        assertThat(o.config().initialOrders()).isZero();
        assertThat(o.config().clockStart()).isEqualTo(Instant.parse("2024-12-31T23:00:00Z"));
    }

    @Test
    void defaultsRunForeverAsPostgres() throws Exception {
        CliOptions o = CliOptions.parse("--jdbc-url", URL);
        assertThat(o.user()).isEqualTo("postgres");
        assertThat(o.init()).isFalse();
        assertThat(o.runWorkload()).isTrue();
        assertThat(o.config().maxTransactions()).isZero();
        assertThat(o.config().duration()).isEqualTo(Duration.ZERO);
    }

    @Test
    void initWithoutLimitOnlyInitializes() throws Exception {
        assertThat(CliOptions.parse("--init", "--jdbc-url", URL).runWorkload()).isFalse();
        assertThat(
                        CliOptions.parse("--init", "--jdbc-url", URL, "--duration", "PT1S")
                                .runWorkload())
                .isTrue();
    }

    @Test
    void helpWinsOverEverythingElse() throws Exception {
        assertThat(CliOptions.parse("--bogus", "--help").help()).isTrue();
        assertThat(CliOptions.parse("-h").help()).isTrue();
        assertThat(CliOptions.usage()).contains("--jdbc-url", "SHOP_DB_PASSWORD", "--duration");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "--jdbc-url " + URL + " --bogus | unknown flag --bogus",
                "--jdbc-url " + URL + " --password secret | unknown flag --password",
                "--jdbc-url " + URL + " extra | unexpected argument 'extra'",
                "--seed 1 | --jdbc-url is required",
                "--jdbc-url | --jdbc-url requires a value",
                "--jdbc-url mysql://x | --jdbc-url must start with jdbc:postgresql:",
                "--jdbc-url " + URL + " --seed | --seed requires a value",
                "--jdbc-url " + URL + " --seed --init | --seed requires a value",
                "--jdbc-url " + URL + " --seed abc | --seed expects an integer, was 'abc'",
                "--jdbc-url " + URL + " --rate -1 | --rate: workload.rate must be >= 0, was -1",
                "--jdbc-url " + URL + " --rate fast | --rate expects a number, was 'fast'",
                "--jdbc-url " + URL + " --rate NaN | --rate: workload.rate must be a finite number",
                "--jdbc-url " + URL + " --transactions 0 | --transactions must be >= 1, was 0",
                "--jdbc-url " + URL + " --transactions 1e3 | --transactions expects an integer",
                "--jdbc-url " + URL + " --duration 5x | --duration expects a positive duration",
                "--jdbc-url " + URL + " --duration 0s | --duration expects a positive duration",
                "--jdbc-url " + URL + " --duration -PT1S | --duration expects a positive duration",
                "--jdbc-url " + URL + " --stores 0 | --stores: workload.stores must be between 1",
                "--jdbc-url " + URL + " --customers -1 | --customers: workload.customers must be",
                "--jdbc-url " + URL + " --products 99999999999 | --products expects an integer",
                "--jdbc-url " + URL + " --initial-orders -1 | --initial-orders: workload.initial",
                "--jdbc-url "
                        + URL
                        + " --clock-start yesterday | --clock-start expects an ISO-8601",
                "--jdbc-url " + URL + " --seed 1 --seed 2 | --seed is given more than once",
                "--jdbc-url " + URL + " --init=yes | --init takes no value",
                "--jdbc-url " + URL + " --user= | --user must not be empty",
            })
    void badCommandLinesNameTheFlag(String commandLine, String message) {
        assertThatThrownBy(() -> CliOptions.parse(commandLine.trim().split(" ")))
                .isInstanceOf(CliUsageException.class)
                .hasMessageStartingWith(message.trim());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "30s, PT30S",
        "5m, PT5M",
        "1h30m, PT1H30M",
        "250ms, PT0.25S",
        "2d, PT48H",
        "PT10M, PT10M",
        "pt2s, PT2S",
        "P1DT1H, PT25H"
    })
    void durationsInBothNotations(String text, String expected) {
        assertThat(CliOptions.parseDuration(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({"5", "m5", "5 m", "1h 30m", "5mm", "P", "abc", "''"})
    void malformedDurationsAreRejected(String text) {
        assertThat(CliOptions.parseDuration(text)).isNull();
    }
}
