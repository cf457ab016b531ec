package dev.lakestream.jobs.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.jobs.ingestion.IngestionJob;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up failures are exceptions, never {@code System.exit}: in application mode an exit kills
 * the JobManager (a crash loop), an exception fails the application with its message. Were {@code
 * System.exit} still called, these tests would end the test JVM instead of passing.
 */
class JobLauncherTest {

    @TempDir Path dir;

    @Test
    void aBadSettingThrowsNamingTheKey() throws Exception {
        Path config = dir.resolve("ingestion.properties");
        Files.writeString(config, "source.postgres.hostname=localhost\n");
        assertThatThrownBy(
                        () ->
                                JobLauncher.run(
                                        new String[] {"--config", config.toString()},
                                        "IngestionJob",
                                        IngestionConfig::load,
                                        IngestionConfig::flinkConfiguration,
                                        IngestionConfig::jobName,
                                        IngestionJob::prepare))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("is missing");
    }

    @Test
    void anotherStartUpFailureNamesTheJobAndKeepsTheCause() {
        IllegalStateException cause = new IllegalStateException("catalog unreachable");
        assertThatThrownBy(
                        () ->
                                JobLauncher.<String>run(
                                        new String[0],
                                        "TransformationJob",
                                        (file, env) -> "config",
                                        c -> new org.apache.flink.configuration.Configuration(),
                                        c -> "job",
                                        (env, c) -> {
                                            throw cause;
                                        }))
                .isInstanceOf(JobStartupException.class)
                .hasMessage("cannot start the TransformationJob: catalog unreachable")
                .hasCause(cause);
    }

    @Test
    void anUnknownArgumentThrowsTheUsage() {
        assertThatThrownBy(
                        () ->
                                JobLauncher.<String>run(
                                        new String[] {"--conf", "x"},
                                        "MaintenanceJob",
                                        (file, env) -> "config",
                                        c -> new org.apache.flink.configuration.Configuration(),
                                        c -> "job",
                                        (env, c) -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown argument '--conf'")
                .hasMessageContaining("usage: MaintenanceJob [--config <file.properties>]");
    }
}
