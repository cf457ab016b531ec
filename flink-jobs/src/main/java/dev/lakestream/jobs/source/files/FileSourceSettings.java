package dev.lakestream.jobs.source.files;

import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.catalog.S3Access;
import dev.lakestream.jobs.config.JobSettings;
import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The validated settings of the landing-zone file source. Construction checks every value, so a bad
 * one stops start-up with a message naming its key.
 *
 * @param bucket the landing folder's bucket
 * @param prefix the landing folder's key prefix, ending in {@code /} (empty for a whole bucket)
 * @param dataset dataset name of the records, e.g. {@code foot_traffic}
 * @param format how lines are read
 * @param discoveryInterval how often the folder is listed
 * @param settleTime how long after its last-modified time a file is left alone
 * @param lateness how much older than the newest file taken a new file may be (bounds the state)
 * @param csvDelimiter CSV field delimiter
 * @param maxLineLength longest accepted line in bytes
 * @param ignoreSuffixes name endings never read
 * @param s3 how to reach S3 (the catalog's {@code s3.*} keys)
 */
public record FileSourceSettings(
        String bucket,
        String prefix,
        String dataset,
        FileSourceOptions.Format format,
        Duration discoveryInterval,
        Duration settleTime,
        Duration lateness,
        char csvDelimiter,
        int maxLineLength,
        List<String> ignoreSuffixes,
        S3Access s3)
        implements Serializable {

    private static final Pattern S3_URI =
            Pattern.compile("s3a?://([a-z0-9][a-z0-9.\\-]{1,62})/(.*)");
    private static final Pattern DATASET = Pattern.compile("[a-z_][a-z0-9_]*");

    /** The source's settings, or empty when {@code source.files.enabled} is false. */
    public static Optional<FileSourceSettings> from(JobSettings settings) {
        if (!settings.get(FileSourceOptions.ENABLED)) {
            return Optional.empty();
        }
        String uri = settings.require(FileSourceOptions.URI).trim();
        Matcher m = S3_URI.matcher(uri);
        if (!m.matches()) {
            throw new InvalidSettingException(
                    FileSourceOptions.URI.key(),
                    "'" + uri + "' is not an S3 folder like s3://bucket/landing/foot_traffic/");
        }
        String bucket = m.group(1);
        String prefix = m.group(2);
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        String dataset = settings.get(FileSourceOptions.DATASET);
        if (dataset == null || dataset.isBlank()) {
            String[] segments = prefix.split("/");
            dataset = segments.length == 0 ? bucket : segments[segments.length - 1];
            dataset = dataset.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        }
        dataset = dataset.trim();
        if (!DATASET.matcher(dataset).matches()) {
            throw new InvalidSettingException(
                    FileSourceOptions.DATASET.key(),
                    "'" + dataset + "' must be lower-case letters, digits and _");
        }
        Duration interval = positive(settings, FileSourceOptions.DISCOVERY_INTERVAL);
        Duration settle = settings.get(FileSourceOptions.SETTLE_TIME);
        if (settle.isNegative()) {
            throw new InvalidSettingException(
                    FileSourceOptions.SETTLE_TIME.key(), "must not be negative, was " + settle);
        }
        Duration lateness = positive(settings, FileSourceOptions.LATENESS);
        String delimiter = settings.get(FileSourceOptions.CSV_DELIMITER);
        if (delimiter.equals("\\t")) {
            delimiter = "\t";
        }
        if (delimiter.length() != 1 || delimiter.charAt(0) == '"' || delimiter.charAt(0) == '\n') {
            throw new InvalidSettingException(
                    FileSourceOptions.CSV_DELIMITER.key(),
                    "must be one character other than a quote or newline (\\t for tab), was '"
                            + delimiter
                            + "'");
        }
        long maxLine = settings.get(FileSourceOptions.MAX_LINE_LENGTH).getBytes();
        if (maxLine < 16 || maxLine > 64L * 1024 * 1024) {
            throw new InvalidSettingException(
                    FileSourceOptions.MAX_LINE_LENGTH.key(),
                    "must be between 16 bytes and 64mb, was " + maxLine + " bytes");
        }
        List<String> ignore =
                Arrays.stream(settings.get(FileSourceOptions.IGNORE_SUFFIXES).split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .distinct()
                        .toList();
        return Optional.of(
                new FileSourceSettings(
                        bucket,
                        prefix,
                        dataset,
                        settings.get(FileSourceOptions.FORMAT),
                        interval,
                        settle,
                        lateness,
                        delimiter.charAt(0),
                        (int) maxLine,
                        ignore,
                        S3Access.fromMap(settings.asMap())));
    }

    private static Duration positive(
            JobSettings settings, org.apache.flink.configuration.ConfigOption<Duration> option) {
        Duration d = settings.get(option);
        if (d.isZero() || d.isNegative()) {
            throw new InvalidSettingException(option.key(), "must be positive, was " + d);
        }
        return d;
    }

    /** {@code files:<dataset>}, the records' {@code source}. */
    public String sourceName() {
        return "files:" + dataset;
    }

    /** The monitored folder as {@code s3://bucket/prefix}. */
    public String folderUri() {
        return "s3://" + bucket + "/" + prefix;
    }

    /** Whether a key is a partial upload that must never be read. */
    public boolean ignored(String key) {
        return key.endsWith("/") || ignoreSuffixes.stream().anyMatch(key::endsWith);
    }

    @Override
    public String toString() {
        return "files:"
                + dataset
                + " "
                + folderUri()
                + " format="
                + format
                + " discovery-interval="
                + discoveryInterval
                + " settle-time="
                + settleTime
                + " lateness="
                + lateness
                + " "
                + s3;
    }
}
