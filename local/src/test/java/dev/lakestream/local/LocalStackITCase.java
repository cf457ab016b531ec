package dev.lakestream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The embedded default as a user runs it, in bounded mode: first start (snapshot, then a workload),
 * verification against PostgreSQL, a clean stop with a savepoint; then a second start on the same
 * data folder that resumes, generates more, and verifies again.
 */
class LocalStackITCase {

    @Test
    void runsVerifiesStopsAndResumesOnTheSameDataFolder() throws Exception {
        Path data = Files.createTempDirectory("lakestream-local-it");

        String first = run(data, "--transactions", "150");
        assertThat(first)
                .contains("first start: snapshot, then stream")
                .contains("bronze holds every committed change exactly once")
                .contains("gold on Kafka equals PostgreSQL")
                .contains("stopping the IngestionJob with a savepoint")
                .contains("stopping the TransformationJob with a savepoint");
        assertThat(Files.list(data.resolve("savepoints"))).hasSize(1);

        String second = run(data, "--transactions", "100", "--seed", "43");
        assertThat(second)
                .contains("resuming from savepoints/")
                .contains("resuming from savepoints-transformation/")
                .doesNotContain("seeded the shop")
                .contains("bronze holds every committed change exactly once");

        String verify = runCommand(data, "verify");
        assertThat(verify)
                .contains("bronze holds every committed change exactly once")
                .contains("gold on Kafka equals PostgreSQL");
    }

    private static String run(Path data, String... extra) throws Exception {
        String[] args = new String[extra.length + 1];
        args[0] = "run";
        System.arraycopy(extra, 0, args, 1, extra.length);
        return runCommand(data, args);
    }

    private static String runCommand(Path data, String... args) throws Exception {
        String[] all = new String[args.length + 10];
        System.arraycopy(args, 0, all, 0, args.length);
        String[] common = {
            "--data",
            data.toString(),
            "--rate",
            "0",
            "--ui-port",
            "0",
            "--checkpoint-interval",
            "1s",
            "--parallelism",
            "1"
        };
        System.arraycopy(common, 0, all, args.length, common.length);
        LocalOptions options =
                LocalOptions.parse(java.util.Arrays.copyOf(all, args.length + common.length));
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
                LocalStack stack = new LocalStack(options, data, out)) {
            code =
                    options.command() == LocalOptions.Command.VERIFY
                            ? stack.verifyOnly()
                            : stack.run();
        }
        String output = buffer.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(code).as(output).isZero();
        return output;
    }
}
