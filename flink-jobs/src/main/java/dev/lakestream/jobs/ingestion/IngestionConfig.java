package dev.lakestream.jobs.ingestion;

import dev.lakestream.catalog.CatalogSettings;
import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.jobs.bronze.BronzeOptions;
import dev.lakestream.jobs.config.CatalogOptions;
import dev.lakestream.jobs.config.ConfigKeys;
import dev.lakestream.jobs.config.JobSettings;
import dev.lakestream.jobs.source.files.FileSourceOptions;
import dev.lakestream.jobs.source.files.FileSourceSettings;
import dev.lakestream.jobs.source.postgres.PostgresSourceOptions;
import dev.lakestream.jobs.source.postgres.PostgresSourceSettings;
import dev.lakestream.jobs.source.rest.RestSourceOptions;
import dev.lakestream.jobs.source.rest.RestSourceSettings;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.configuration.Configuration;

/**
 * Everything the IngestionJob needs, read once and validated: the PostgreSQL source, the optional
 * REST and landing-file sources, the catalog, the bronze namespace, and the Flink settings to run
 * with.
 */
public record IngestionConfig(
        String jobName,
        PostgresSourceSettings postgres,
        CatalogSettings catalog,
        String bronzeNamespace,
        Integer bronzeWriteParallelism,
        Optional<RestSourceSettings> rest,
        Optional<FileSourceSettings> files,
        Configuration flinkConfiguration) {

    /** Every key the IngestionJob understands. */
    public static List<String> knownKeys() {
        return ConfigKeys.builder()
                .addAll(
                        PostgresSourceOptions.class,
                        BronzeOptions.class,
                        IngestionOptions.class,
                        RestSourceOptions.class,
                        FileSourceOptions.class,
                        CatalogOptions.class)
                .build();
    }

    public static Set<String> secretKeys() {
        Set<String> secrets = new HashSet<>(CatalogSettings.SECRET_KEYS);
        secrets.add(PostgresSourceOptions.PASSWORD.key());
        secrets.addAll(RestSourceOptions.SECRET_KEYS);
        return secrets;
    }

    /** Loads from a properties file (may be null) and the environment, and validates. */
    public static IngestionConfig load(Path file, Map<String, String> environment) {
        JobSettings settings =
                JobSettings.load(
                        file,
                        environment,
                        knownKeys(),
                        secretKeys(),
                        Set.of(CatalogSettings.PASSTHROUGH_PREFIX));
        return from(settings);
    }

    /** Configuration given in code (local stack, tests); validated like a file. */
    public static IngestionConfig fromMap(Map<String, String> settings) {
        return from(
                JobSettings.fromMap(
                        settings, knownKeys(), Set.of(CatalogSettings.PASSTHROUGH_PREFIX)));
    }

    public static IngestionConfig from(JobSettings settings) {
        PostgresSourceSettings postgres = PostgresSourceSettings.from(settings);
        CatalogSettings catalog = CatalogSettings.fromMap(settings.asMap());
        String namespace = settings.get(BronzeOptions.NAMESPACE);
        if (!namespace.matches("[a-z_][a-z0-9_]*")) {
            throw new InvalidSettingException(
                    BronzeOptions.NAMESPACE.key(),
                    "'" + namespace + "' must be lower-case letters, digits and _");
        }
        Integer writers = settings.get(BronzeOptions.WRITE_PARALLELISM);
        if (writers != null && writers < 1) {
            throw new InvalidSettingException(
                    BronzeOptions.WRITE_PARALLELISM.key(), "must be positive, was " + writers);
        }
        return new IngestionConfig(
                settings.get(IngestionOptions.JOB_NAME),
                postgres,
                catalog,
                namespace,
                writers,
                RestSourceSettings.fromIfEnabled(settings),
                FileSourceSettings.from(settings),
                settings.flinkConfiguration());
    }
}
