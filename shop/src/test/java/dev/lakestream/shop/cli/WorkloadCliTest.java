package dev.lakestream.shop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return WorkloadCli.run(
                args,
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badFlagExitsWithTwoAndNamesIt() {
        assertThat(run(Map.of(), "--jdbc-url", "jdbc:postgresql://localhost/shop", "--rate", "-1"))
                .isEqualTo(2);
        assertThat(err()).contains("--rate", "workload.rate must be >= 0, was -1", "--help");
        assertThat(out()).isEmpty();
    }

    @Test
    void unknownFlagExitsWithTwo() {
        assertThat(run(Map.of(), "--jdbc-url", "jdbc:postgresql://localhost/shop", "--fast"))
                .isEqualTo(2);
        assertThat(err()).contains("unknown flag --fast");
    }

    @Test
    void helpPrintsUsageAndSucceeds() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(out()).startsWith("Usage: lakestream-workload").contains("--transactions");
        assertThat(err()).isEmpty();
    }

    @Test
    void unreachableDatabaseExitsWithOneWithoutShowingThePassword() {
        // port 1 on the loopback interface: refused at once, nothing listens there
        int status =
                run(
                        Map.of(CliOptions.PASSWORD_ENV, "s3cr3t-Pa55"),
                        "--jdbc-url",
                        "jdbc:postgresql://127.0.0.1:1/shop?connectTimeout=2",
                        "--transactions",
                        "1");
        assertThat(status).isEqualTo(1);
        assertThat(err()).contains("database error").doesNotContain("s3cr3t-Pa55");
        assertThat(out()).doesNotContain("s3cr3t-Pa55");
    }

    @Test
    void urlParametersAreNotLogged() {
        assertThat(WorkloadCli.withoutParameters("jdbc:postgresql://h/db?password=x"))
                .isEqualTo("jdbc:postgresql://h/db?...");
        assertThat(WorkloadCli.withoutParameters("jdbc:postgresql://h/db"))
                .isEqualTo("jdbc:postgresql://h/db");
    }
}
