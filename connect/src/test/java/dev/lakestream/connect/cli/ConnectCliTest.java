package dev.lakestream.connect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Usage errors exit with 2 and say what is wrong, before any connection is made. */
class ConnectCliTest {

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(Map<String, String> env, String... args) {
        return ConnectCli.run(
                args,
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void noArgumentsPrintsUsageAndExits2() {
        assertThat(run(Map.of())).isEqualTo(2);
        assertThat(err()).contains("usage: lakestream-connect");
    }

    @Test
    void helpExits0() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("replay NAME")
                .contains("[--force]")
                .contains("refuses (exit 2,");
    }

    @Test
    void badUsageIsNamed() {
        assertThat(run(Map.of(), "frobnicate")).isEqualTo(2);
        assertThat(err()).contains("unknown command: 'frobnicate'");
        assertThat(run(Map.of(), "deploy")).isEqualTo(2);
        assertThat(err()).contains("deploy: give at least one connector file");
        assertThat(run(Map.of(), "replay", "sink")).isEqualTo(2);
        assertThat(err()).contains("give one of --to-earliest, --to-timestamp, --to-offsets");
        assertThat(run(Map.of(), "replay", "sink", "--to-earliest")).isEqualTo(2);
        assertThat(err()).contains("KAFKA_BOOTSTRAP_SERVERS is not set");
        err.reset();
        // --force is an option of replay, not an unknown one
        assertThat(run(Map.of(), "replay", "sink", "--to-earliest", "--force")).isEqualTo(2);
        assertThat(err()).contains("KAFKA_BOOTSTRAP_SERVERS is not set").doesNotContain("unknown");
        assertThat(run(Map.of(), "replay", "sink", "--to-earliest", "--forced")).isEqualTo(2);
        assertThat(err()).contains("replay: unknown option --forced");
        assertThat(run(Map.of(), "deploy", "--timeout", "soon", "x.json")).isEqualTo(2);
        assertThat(err()).contains("--timeout: 'soon' is not a duration");
    }

    @Test
    void anUnreachableWorkerIsAFailureNotAUsageError() {
        int exit = run(Map.of("CONNECT_URL", "http://127.0.0.1:9"), "status", "sink");

        assertThat(exit).isEqualTo(1);
        assertThat(err()).contains("Kafka Connect at http://127.0.0.1:9 did not answer");
    }
}
