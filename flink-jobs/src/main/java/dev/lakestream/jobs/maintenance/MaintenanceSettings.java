package dev.lakestream.jobs.maintenance;

import dev.lakestream.catalog.CatalogSettings;
import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.jobs.bronze.BronzeOptions;
import dev.lakestream.jobs.config.CatalogOptions;
import dev.lakestream.jobs.config.ConfigKeys;
import dev.lakestream.jobs.config.JobSettings;
import dev.lakestream.jobs.gold.GoldOptions;
import dev.lakestream.jobs.silver.SilverOptions;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;

/**
 * Everything the MaintenanceJob needs, read once and validated: which tables (the same catalog and
 * namespaces as the other jobs), what to do to them and how often, and where the locks live.
 */
public record MaintenanceSettings(
        String jobName,
        CatalogSettings catalog,
        String bronzeNamespace,
        String silverNamespace,
        String goldNamespace,
        Snapshots snapshots,
        Compaction compaction,
        Manifests manifests,
        DanglingDeletes danglingDeletes,
        Orphans orphans,
        Duration rateLimit,
        Duration lockCheckDelay,
        Lock lock,
        boolean consumerGuard,
        Duration consumerGuardMargin,
        Configuration flinkConfiguration) {

    /** Snapshot expiry. */
    public record Snapshots(Duration maxAge, int retainLast, Duration interval) {}

    /** Data file compaction (with the equality deletes that apply to the files). */
    public record Compaction(
            boolean enabled,
            boolean bronze,
            Duration interval,
            int commitCount,
            int minInputFiles,
            int deleteFileThreshold,
            long targetFileSizeBytes,
            boolean rewriteAll,
            Duration fullInterval) {

        /** Whether the periodic rewrite of every data file runs. */
        public boolean fullRewrite() {
            return !fullInterval.isZero();
        }
    }

    /** Manifest rewrite. */
    public record Manifests(boolean enabled, Duration interval, int minCount) {}

    /** Removal of delete files that apply to no data file. */
    public record DanglingDeletes(boolean enabled, Duration interval) {}

    /** Orphan file removal. */
    public record Orphans(boolean enabled, Duration minAge, Duration interval) {}

    /** The JDBC database holding the maintenance locks (properties hold a password). */
    public record Lock(String uri, Map<String, String> properties) implements Serializable {
        @Override
        public String toString() {
            return "Lock[" + uri + "]";
        }
    }

    /** Orphan files younger than this are never deleted, whatever the setting. */
    static final Duration MIN_ORPHAN_AGE = Duration.ofMinutes(1);

    /** Every key the MaintenanceJob understands, from its options classes. */
    public static List<String> knownKeys() {
        return ConfigKeys.builder()
                .addAll(MaintenanceOptions.class)
                .add(BronzeOptions.NAMESPACE, SilverOptions.NAMESPACE, GoldOptions.NAMESPACE)
                .addAll(CatalogOptions.class)
                .build();
    }

    public static Set<String> secretKeys() {
        Set<String> secrets = new HashSet<>(CatalogSettings.SECRET_KEYS);
        secrets.add(MaintenanceOptions.LOCK_JDBC_PASSWORD.key());
        return secrets;
    }

    public static MaintenanceSettings load(Path file, Map<String, String> environment) {
        return from(
                JobSettings.load(
                        file,
                        environment,
                        knownKeys(),
                        secretKeys(),
                        Set.of(CatalogSettings.PASSTHROUGH_PREFIX)));
    }

    public static MaintenanceSettings fromMap(Map<String, String> settings) {
        return from(
                JobSettings.fromMap(
                        settings, knownKeys(), Set.of(CatalogSettings.PASSTHROUGH_PREFIX)));
    }

    public static MaintenanceSettings from(JobSettings settings) {
        CatalogSettings catalog = CatalogSettings.fromMap(settings.asMap());
        Snapshots snapshots =
                new Snapshots(
                        notNegative(settings, MaintenanceOptions.SNAPSHOT_MAX_AGE),
                        atLeast(settings, MaintenanceOptions.SNAPSHOT_RETAIN_LAST, 1),
                        positive(settings, MaintenanceOptions.SNAPSHOT_INTERVAL));
        Compaction compaction =
                new Compaction(
                        settings.get(MaintenanceOptions.COMPACTION_ENABLED),
                        settings.get(MaintenanceOptions.COMPACTION_BRONZE),
                        positive(settings, MaintenanceOptions.COMPACTION_INTERVAL),
                        atLeast(settings, MaintenanceOptions.COMPACTION_COMMIT_COUNT, 0),
                        atLeast(settings, MaintenanceOptions.COMPACTION_MIN_INPUT_FILES, 1),
                        atLeast(settings, MaintenanceOptions.COMPACTION_DELETE_FILE_THRESHOLD, 1),
                        targetFileSize(settings),
                        settings.get(MaintenanceOptions.COMPACTION_REWRITE_ALL),
                        notNegative(settings, MaintenanceOptions.COMPACTION_FULL_INTERVAL));
        Manifests manifests =
                new Manifests(
                        settings.get(MaintenanceOptions.MANIFESTS_ENABLED),
                        positive(settings, MaintenanceOptions.MANIFESTS_INTERVAL),
                        atLeast(settings, MaintenanceOptions.MANIFESTS_MIN_COUNT, 2));
        DanglingDeletes danglingDeletes =
                new DanglingDeletes(
                        settings.get(MaintenanceOptions.DANGLING_DELETES_ENABLED),
                        positive(settings, MaintenanceOptions.DANGLING_DELETES_INTERVAL));
        Duration orphanAge = settings.get(MaintenanceOptions.ORPHANS_MIN_AGE);
        if (orphanAge.compareTo(MIN_ORPHAN_AGE) < 0) {
            throw new InvalidSettingException(
                    MaintenanceOptions.ORPHANS_MIN_AGE.key(),
                    "must be at least "
                            + MIN_ORPHAN_AGE.toMinutes()
                            + " min (files a writer has not committed yet look like orphans),"
                            + " was "
                            + orphanAge);
        }
        Orphans orphans =
                new Orphans(
                        settings.get(MaintenanceOptions.ORPHANS_ENABLED),
                        orphanAge,
                        positive(settings, MaintenanceOptions.ORPHANS_INTERVAL));
        Duration rateLimit = settings.get(MaintenanceOptions.RATE_LIMIT);
        if (rateLimit.toSeconds() < 1) {
            throw new InvalidSettingException(
                    MaintenanceOptions.RATE_LIMIT.key(), "must be at least 1 s, was " + rateLimit);
        }
        return new MaintenanceSettings(
                settings.get(MaintenanceOptions.JOB_NAME),
                catalog,
                settings.get(BronzeOptions.NAMESPACE),
                settings.get(SilverOptions.NAMESPACE),
                settings.get(GoldOptions.NAMESPACE),
                snapshots,
                compaction,
                manifests,
                danglingDeletes,
                orphans,
                rateLimit,
                positive(settings, MaintenanceOptions.LOCK_CHECK_DELAY),
                lock(settings, catalog),
                settings.get(MaintenanceOptions.CONSUMER_GUARD_ENABLED),
                notNegative(settings, MaintenanceOptions.CONSUMER_GUARD_MARGIN),
                settings.flinkConfiguration());
    }

    /** The lock database: its own keys, else the JDBC catalog's database and credentials. */
    private static Lock lock(JobSettings settings, CatalogSettings catalog) {
        boolean jdbcCatalog = catalog.impl().equals(CatalogUtil.ICEBERG_CATALOG_JDBC);
        Map<String, String> catalogProps = catalog.icebergProperties();
        String uri = settings.get(MaintenanceOptions.LOCK_JDBC_URI);
        if (uri == null || uri.isBlank()) {
            if (!jdbcCatalog) {
                throw new InvalidSettingException(
                        MaintenanceOptions.LOCK_JDBC_URI.key(),
                        "is missing: the catalog is not a JDBC catalog, so name a JDBC database"
                                + " for the maintenance locks");
            }
            uri = catalogProps.get(CatalogProperties.URI);
        }
        if (!uri.startsWith("jdbc:")) {
            throw new InvalidSettingException(
                    MaintenanceOptions.LOCK_JDBC_URI.key(), "'" + uri + "' is not a JDBC URL");
        }
        Map<String, String> props = new HashMap<>();
        String user = settings.get(MaintenanceOptions.LOCK_JDBC_USER);
        String password = settings.get(MaintenanceOptions.LOCK_JDBC_PASSWORD);
        if (user == null && jdbcCatalog) {
            user = catalogProps.get("jdbc.user");
        }
        if (password == null && jdbcCatalog) {
            password = catalogProps.get("jdbc.password");
        }
        if (user != null) {
            props.put("jdbc.user", user);
        }
        if (password != null) {
            props.put("jdbc.password", password);
        }
        // the lock table is created on first use, as the JDBC catalog creates its own tables
        props.put(
                org.apache.iceberg.flink.maintenance.api.JdbcLockFactory.INIT_LOCK_TABLES_PROPERTY,
                "true");
        return new Lock(uri, Map.copyOf(props));
    }

    private static long targetFileSize(JobSettings settings) {
        long bytes = settings.get(MaintenanceOptions.COMPACTION_TARGET_FILE_SIZE).getBytes();
        if (bytes < 1024 * 1024) {
            throw new InvalidSettingException(
                    MaintenanceOptions.COMPACTION_TARGET_FILE_SIZE.key(),
                    "must be at least 1 mb, was " + bytes + " bytes");
        }
        return bytes;
    }

    private static Duration positive(JobSettings settings, ConfigOption<Duration> option) {
        Duration d = settings.get(option);
        if (d.isZero() || d.isNegative()) {
            throw new InvalidSettingException(option.key(), "must be positive, was " + d);
        }
        return d;
    }

    private static Duration notNegative(JobSettings settings, ConfigOption<Duration> option) {
        Duration d = settings.get(option);
        if (d.isNegative()) {
            throw new InvalidSettingException(option.key(), "must not be negative, was " + d);
        }
        return d;
    }

    private static int atLeast(JobSettings settings, ConfigOption<Integer> option, int min) {
        int value = settings.get(option);
        if (value < min) {
            throw new InvalidSettingException(
                    option.key(), "must be at least " + min + ", was " + value);
        }
        return value;
    }
}
