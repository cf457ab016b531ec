package dev.lakestream.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every configuration in {@code examples/} passes its job's own validator, as {@code
 * ./lakestream-job <job> --config examples/<file>} would load it, with its secrets in the
 * environment; and it has checkpointing on. The job is the file name's first word.
 */
class ExampleConfigsTest {

    static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(Repo.ROOT.resolve("examples"))) {
            List<Path> found =
                    files.filter(p -> p.toString().endsWith(".properties")).sorted().toList();
            assertThat(found).as("examples/*.properties").hasSizeGreaterThanOrEqualTo(5);
            return found;
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void passesItsJobsValidator(Path example, @TempDir Path scratch) {
        String name = example.getFileName().toString();
        JobConfigs.Job job =
                JobConfigs.Job.valueOf(
                        name.substring(0, name.indexOf(name.contains("-") ? '-' : '.'))
                                .toUpperCase(java.util.Locale.ROOT));
        // every secret a job reads, as a mounted file: the validator checks only that it is set
        Map<String, String> environment =
                Map.of(
                        "LAKESTREAM_SOURCE_POSTGRES_PASSWORD_FILE", "x",
                        "LAKESTREAM_SOURCE_REST_AUTH_TOKEN_FILE", "x",
                        "LAKESTREAM_MAINTENANCE_LOCK_JDBC_PASSWORD_FILE", "x");

        JobConfigs.Loaded loaded = JobConfigs.load(job, example, environment, scratch);

        assertThat(JobConfigs.problems(job, example, loaded, environment.keySet())).isEmpty();
    }
}
