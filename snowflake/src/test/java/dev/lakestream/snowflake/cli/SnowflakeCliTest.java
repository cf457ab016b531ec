package dev.lakestream.snowflake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnowflakeCliTest {

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(Map<String, String> env, String... args) {
        return SnowflakeCli.run(
                args,
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void usageAndBadCommandsExitWith2() {
        assertThat(run(Map.of())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: lakestream-snowflake");
        assertThat(run(Map.of(), "drop-everything")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("unknown command: drop-everything");
        assertThat(run(Map.of(), "--help")).isZero();
    }

    @Test
    void missingConfigurationExitsWith2NamingTheVariable() {
        assertThat(run(Map.of("SNOWFLAKE_ACCOUNT", "myorg-acct"), "migrate")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("configuration error: SNOWFLAKE_USER is not set");
    }
}
