package dev.lakestream.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker-compose config} accepts docker-compose.yml: the file is checked against the Compose
 * schema and its variables interpolated, without a Docker engine. The tool is docker-compose 1.29
 * (Debian's {@code docker-compose} package; {@code .ci/run} installs it where it is missing); where
 * it is not installed the tests are skipped, not passed.
 *
 * <p>Version 1 knows the Compose file format this file uses ({@code depends_on} conditions
 * including {@code service_completed_successfully}, {@code build.context} and {@code dockerfile},
 * extension fields and anchors); the Compose v2 plugin is not packaged for Debian.
 */
class ComposeConfigTest {

    @TempDir Path scratch;

    private Path binary;

    @BeforeEach
    void findDockerCompose() {
        Optional<Path> found = onPath("docker-compose");
        assumeTrue(found.isPresent(), "docker-compose is not installed (.ci/run installs it)");
        binary = found.get();
    }

    @Test
    void acceptsTheComposeFileWithTheVariablesOfEnvExample() throws Exception {
        Result result = config(Repo.read(Repo.COMPOSE_FILE), envFile(envExampleFilledIn()), "-q");
        assertThat(result.exit()).as(result.output()).isZero();

        // what the tool reads as services is what the Java rules check
        Result services =
                config(Repo.read(Repo.COMPOSE_FILE), envFile(envExampleFilledIn()), "--services");
        assertThat(services.exit()).as(services.output()).isZero();
        Set<String> listed = new TreeSet<>(List.of(services.output().strip().split("\\s+")));
        assertThat(listed)
                .isEqualTo(
                        new TreeSet<>(
                                ComposeRules.services(
                                                ComposeRules.parse(Repo.read(Repo.COMPOSE_FILE)))
                                        .keySet()));
    }

    @Test
    void refusesTheFileNamingTheVariableWhenARequiredOneIsMissing() throws Exception {
        Map<String, String> env = envExampleFilledIn();
        env.remove("S3_SECRET_KEY");

        Result result = config(Repo.read(Repo.COMPOSE_FILE), envFile(env), "-q");

        assertThat(result.exit()).isNotZero();
        assertThat(result.output()).contains("set S3_SECRET_KEY in .env");
    }

    @Test
    void refusesAKeyTheComposeSchemaDoesNotKnow() throws Exception {
        String misspelt = Repo.read(Repo.COMPOSE_FILE).replaceFirst("healthcheck:", "healthchek:");

        Result result = config(misspelt, envFile(envExampleFilledIn()), "-q");

        assertThat(result.exit()).isNotZero();
        assertThat(result.output()).contains("healthchek");
    }

    /** .env.example with a placeholder wherever it leaves a value empty. */
    private static Map<String, String> envExampleFilledIn() {
        Map<String, String> env =
                new LinkedHashMap<>(ComposeRules.envFile(Repo.read(Repo.ENV_EXAMPLE)));
        env.replaceAll((k, v) -> v.isEmpty() ? "placeholder-" + k.toLowerCase() : v);
        return env;
    }

    private Path envFile(Map<String, String> env) throws IOException {
        StringBuilder text = new StringBuilder();
        env.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Path file = Files.createTempFile(scratch, "compose", ".env");
        Files.writeString(file, text);
        return file;
    }

    record Result(int exit, String output) {}

    /**
     * {@code docker-compose config} on {@code composeText} (read from stdin, paths relative to the
     * repository) with only {@code envFile} as the source of variables.
     */
    private Result config(String composeText, Path envFile, String... options) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(
                List.of(
                        "--project-directory",
                        Repo.ROOT.toString(),
                        "--env-file",
                        envFile.toString(),
                        "-f",
                        "-",
                        "config"));
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // no variable of this machine may stand in for one .env must give
        builder.environment().keySet().removeIf(k -> !Set.of("PATH", "HOME", "LANG").contains(k));
        Process process = builder.start();
        try (var stdin = process.getOutputStream()) {
            stdin.write(composeText.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("docker-compose finished").isTrue();
        return new Result(process.exitValue(), output);
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
