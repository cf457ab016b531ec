package dev.lakestream.jobs.config;

import dev.lakestream.catalog.InvalidSettingException;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.UUID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.fs.UnsupportedFileSystemSchemeException;

/**
 * Start-up check of where the job keeps its checkpoints and savepoints ({@code
 * execution.checkpointing.dir}, {@code execution.checkpointing.savepoint-dir}), made before any
 * table or publication is created: the directory's file system must be installed (for {@code
 * s3://}, Flink's S3 file system plugin), and the directory writable, which is tried with a small
 * file that is deleted again.
 *
 * <p>Without it, a missing plugin shows only once the JobMaster starts, after the job has created
 * its tables: as a failing job whose cause is deep in the JobManager's log.
 */
public final class CheckpointStorageCheck {

    private CheckpointStorageCheck() {}

    /** Checks both directories where they are set; throws naming the key otherwise. */
    public static void verify(ReadableConfig flink) {
        verify(flink, CheckpointingOptions.CHECKPOINTS_DIRECTORY);
        verify(flink, CheckpointingOptions.SAVEPOINT_DIRECTORY);
    }

    static void verify(ReadableConfig flink, ConfigOption<String> option) {
        String directory = flink.get(option);
        if (directory == null || directory.isBlank()) {
            return;
        }
        Path dir;
        try {
            dir = new Path(directory);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(
                    option.key(), "is '" + directory + "', not a path or URI", e);
        }
        URI uri = dir.toUri();
        FileSystem fs;
        try {
            fs = dir.getFileSystem();
        } catch (UnsupportedFileSystemSchemeException e) {
            throw new InvalidSettingException(
                    option.key(),
                    "is "
                            + directory
                            + ", but no Flink file system for '"
                            + uri.getScheme()
                            + "://' is installed: "
                            + plugin(uri.getScheme()),
                    e);
        } catch (IOException e) {
            throw new InvalidSettingException(
                    option.key(),
                    "is " + directory + ", but its file system cannot be opened: " + e.getMessage(),
                    e);
        }
        Path probe = new Path(dir, ".lakestream-write-check-" + UUID.randomUUID());
        try {
            try (FSDataOutputStream out = fs.create(probe, FileSystem.WriteMode.OVERWRITE)) {
                out.write('\n');
            }
            fs.delete(probe, false);
        } catch (IOException | RuntimeException e) {
            throw new InvalidSettingException(
                    option.key(),
                    "is "
                            + directory
                            + ", but the job cannot write there ("
                            + e
                            + "); check the location, its credentials and permissions",
                    e);
        }
    }

    /** What installs the file system of {@code scheme}. */
    static String plugin(String scheme) {
        String s = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
        return switch (s) {
            case "s3", "s3a", "s3p" ->
                    "Flink's S3 file system: copy opt/flink-s3-fs-presto-*.jar (or"
                            + " flink-s3-fs-hadoop) of the Flink distribution into"
                            + " plugins/s3-fs-presto/ (the lakestream job image has it);"
                            + " ./lakestream-job has flink-s3-fs-hadoop on its classpath";
            case "gs" -> "Flink's flink-gs-fs-hadoop plugin, in plugins/gs-fs-hadoop/";
            case "abfs", "abfss", "wasb", "wasbs" ->
                    "Flink's flink-azure-fs-hadoop plugin, in plugins/azure-fs-hadoop/";
            case "oss" -> "Flink's flink-oss-fs-hadoop plugin, in plugins/oss-fs-hadoop/";
            default ->
                    "install the Flink file system plugin for it (Flink's documentation,"
                            + " \"File Systems\"), or use file:// or s3://";
        };
    }
}
