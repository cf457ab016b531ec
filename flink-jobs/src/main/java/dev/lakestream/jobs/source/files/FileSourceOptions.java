package dev.lakestream.jobs.source.files;

import dev.lakestream.catalog.CatalogSettings;
import dev.lakestream.catalog.S3Access;
import dev.lakestream.jobs.config.ConfigKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/**
 * Settings of the landing-zone file source ({@code source.files.*}).
 *
 * <p>S3 access is not configured here: the source reads with the catalog's own {@code s3.*} keys
 * ({@link CatalogSettings#S3_ENDPOINT}, {@link CatalogSettings#S3_PATH_STYLE}, {@link
 * CatalogSettings#S3_REGION}, {@link CatalogSettings#S3_ACCESS_KEY}, {@link
 * CatalogSettings#S3_SECRET_KEY}); without keys the AWS SDK's default credential chain applies (IAM
 * roles on Kubernetes).
 */
public final class FileSourceOptions {

    private FileSourceOptions() {}

    public static final ConfigOption<Boolean> ENABLED =
            ConfigOptions.key("source.files.enabled")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription("Whether the job monitors a landing folder on S3.");

    public static final ConfigOption<String> URI =
            ConfigOptions.key("source.files.uri")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The landing folder, s3://bucket/prefix/, e.g."
                                    + " s3://warehouse/landing/foot_traffic/. Required when"
                                    + " source.files.enabled is true.");

    public static final ConfigOption<String> DATASET =
            ConfigOptions.key("source.files.dataset")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Dataset name of the records (lower-case letters, digits and _)."
                                    + " Default: the last segment of source.files.uri.");

    public static final ConfigOption<Format> FORMAT =
            ConfigOptions.key("source.files.format")
                    .enumType(Format.class)
                    .defaultValue(Format.AUTO)
                    .withDescription(
                            "AUTO: by file extension (.csv is CSV; .jsonl, .ndjson and .json are"
                                    + " JSON Lines; any other extension is quarantined as one"
                                    + " rejected record). CSV or JSONL: every file in that format.");

    public static final ConfigOption<Duration> DISCOVERY_INTERVAL =
            ConfigOptions.key("source.files.discovery-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("How often the landing folder is listed.");

    public static final ConfigOption<Duration> SETTLE_TIME =
            ConfigOptions.key("source.files.settle-time")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "A file is left alone until this long after its last-modified time,"
                                    + " so that a file still being written is not picked up.");

    public static final ConfigOption<Duration> LATENESS =
            ConfigOptions.key("source.files.lateness")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "How much older than the newest file already taken a new file's"
                                    + " last-modified time may be and still be read. Files older"
                                    + " than that are considered done; the source remembers only"
                                    + " the files of this window, so its state stays bounded."
                                    + " Must exceed the longest multipart upload (S3 dates such"
                                    + " an object by the upload's start).");

    public static final ConfigOption<String> CSV_DELIMITER =
            ConfigOptions.key("source.files.csv.delimiter")
                    .stringType()
                    .defaultValue(",")
                    .withDescription("Field delimiter of CSV files: one character (\\t for tab).");

    public static final ConfigOption<MemorySize> MAX_LINE_LENGTH =
            ConfigOptions.key("source.files.max-line-length")
                    .memoryType()
                    .defaultValue(MemorySize.parse("1mb"))
                    .withDescription(
                            "Longest line accepted, in bytes; a longer line is quarantined"
                                    + " (truncated to this length) and reading continues.");

    public static final ConfigOption<String> IGNORE_SUFFIXES =
            ConfigOptions.key("source.files.ignore-suffixes")
                    .stringType()
                    .defaultValue(".tmp,._COPYING_,.inprogress")
                    .withDescription(
                            "Comma-separated name endings of files never read (partial uploads"
                                    + " of tools that write, then rename).");

    /** How a landing file's lines are read. */
    public enum Format {
        AUTO,
        CSV,
        JSONL
    }

    /** Every option of this class, found by reflection: a new option cannot be left out. */
    public static List<ConfigOption<?>> all() {
        return ConfigKeys.optionsOf(FileSourceOptions.class);
    }

    /** Every key this source reads: its own plus the shared {@code s3.*} keys. */
    public static List<String> knownKeys() {
        List<String> keys = new ArrayList<>();
        all().forEach(o -> keys.add(o.key()));
        keys.addAll(S3Access.KEYS);
        return keys;
    }

    /** Keys that must only come from the environment: the S3 keys (shared with the catalog). */
    public static Set<String> secretKeys() {
        return Set.of(CatalogSettings.S3_ACCESS_KEY, CatalogSettings.S3_SECRET_KEY);
    }
}
