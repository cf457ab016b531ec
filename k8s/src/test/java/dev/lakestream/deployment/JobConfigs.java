package dev.lakestream.deployment;

import dev.lakestream.jobs.config.JobSettings;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.jobs.ingestion.IngestionJob;
import dev.lakestream.jobs.maintenance.MaintenanceJob;
import dev.lakestream.jobs.maintenance.MaintenanceSettings;
import dev.lakestream.jobs.transformation.TransformationConfig;
import dev.lakestream.jobs.transformation.TransformationJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;

/**
 * Runs a deployment's job configuration through the jobs' own validators ({@link
 * IngestionConfig#load}, {@link TransformationConfig#load}): the file it mounts plus the
 * environment it sets, with a fake file for every secret named by {@code LAKESTREAM_<KEY>_FILE}.
 * Nothing is contacted: the validators only read and check settings.
 */
final class JobConfigs {

    /** A lakestream job, by the entry class a deployment starts. */
    enum Job {
        INGESTION(IngestionJob.class),
        TRANSFORMATION(TransformationJob.class),
        MAINTENANCE(MaintenanceJob.class);

        final Class<?> entryClass;

        Job(Class<?> entryClass) {
            this.entryClass = entryClass;
        }

        static Job byEntryClass(String name) {
            for (Job job : values()) {
                if (job.entryClass.getName().equals(name)) {
                    return job;
                }
            }
            throw new AssertionError(
                    "entry class " + name + " is no lakestream job; known: " + List.of(values()));
        }

        List<String> knownKeys() {
            return switch (this) {
                case INGESTION -> IngestionConfig.knownKeys();
                case TRANSFORMATION -> TransformationConfig.knownKeys();
                case MAINTENANCE -> MaintenanceSettings.knownKeys();
            };
        }

        Set<String> secretKeys() {
            return switch (this) {
                case INGESTION -> IngestionConfig.secretKeys();
                case TRANSFORMATION -> TransformationConfig.secretKeys();
                case MAINTENANCE -> MaintenanceSettings.secretKeys();
            };
        }
    }

    /** What the validator made of a configuration. */
    record Loaded(Job job, Object config, Configuration flink) {
        TransformationConfig transformation() {
            return (TransformationConfig) config;
        }
    }

    private JobConfigs() {}

    /**
     * Validates {@code file} with {@code environment} as the job would at start-up.
     *
     * @param scratch where fake secret files are written
     * @throws dev.lakestream.catalog.InvalidSettingException from the validator, naming the key
     */
    static Loaded load(Job job, Path file, Map<String, String> environment, Path scratch) {
        Map<String, String> env = withFakeSecretFiles(environment, scratch);
        if (job == Job.INGESTION) {
            IngestionConfig config = IngestionConfig.load(file, env);
            return new Loaded(job, config, config.flinkConfiguration());
        }
        if (job == Job.MAINTENANCE) {
            MaintenanceSettings config = MaintenanceSettings.load(file, env);
            return new Loaded(job, config, config.flinkConfiguration());
        }
        TransformationConfig config = TransformationConfig.load(file, env);
        return new Loaded(job, config, config.flinkConfiguration());
    }

    /**
     * Problems the validator cannot see: environment variables that look like lakestream settings
     * but that no job reads (a renamed key; a typo of a letter or two the job refuses itself), and
     * a configuration without checkpointing, which the job refuses only once it runs. One
     * environment may serve both jobs, so a variable only needs a reader among them.
     */
    static List<String> problems(Job job, Path file, Loaded loaded, Collection<String> envNames) {
        List<String> problems = new ArrayList<>();
        Set<String> readable = new HashSet<>();
        Set<String> keys = new HashSet<>(fileKeys(file));
        for (Job any : Job.values()) {
            keys.addAll(any.knownKeys());
            for (String secret : any.secretKeys()) {
                readable.add(JobSettings.envName(secret) + "_FILE");
            }
        }
        for (String key : keys) {
            readable.add(JobSettings.envName(key));
        }
        readable.add("LAKESTREAM_CONFIG");
        for (String name : envNames) {
            if (name.startsWith(JobSettings.ENV_PREFIX) && !readable.contains(name)) {
                problems.add(name + " is read by no lakestream job (renamed or misspelt?)");
            }
        }
        if (!loaded.flink().contains(CheckpointingOptions.CHECKPOINTING_INTERVAL)) {
            problems.add(
                    file
                            + ": "
                            + CheckpointingOptions.CHECKPOINTING_INTERVAL.key()
                            + " is not set: the job refuses to start without checkpointing");
        }
        return problems;
    }

    static Set<String> fileKeys(Path file) {
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props.stringPropertyNames();
    }

    /** Replaces the value of every {@code *_FILE} variable by a file holding a fake secret. */
    static Map<String, String> withFakeSecretFiles(Map<String, String> env, Path scratch) {
        Map<String, String> result = new TreeMap<>(env);
        env.forEach(
                (name, value) -> {
                    if (name.endsWith("_FILE")) {
                        try {
                            Path fake = Files.createTempFile(scratch, name, ".secret");
                            Files.writeString(fake, "not-a-real-secret");
                            result.put(name, fake.toString());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                });
        return result;
    }
}
