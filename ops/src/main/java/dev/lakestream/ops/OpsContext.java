package dev.lakestream.ops;

import dev.lakestream.catalog.IcebergCatalogs;
import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.jobs.transformation.TransformationConfig;
import java.io.PrintStream;
import java.util.Optional;
import org.apache.iceberg.catalog.Catalog;

/**
 * What an ops command works against: the TransformationJob's configuration (catalog, bronze, silver
 * and gold namespaces, the gold topic) and, where a command reads the source, the IngestionJob's
 * (PostgreSQL). The same files the jobs run with, so a command sees what they see.
 *
 * @param transformation the TransformationJob's configuration ({@code --config})
 * @param ingestion the IngestionJob's configuration ({@code --source-config}), when given
 * @param out where the command reports
 */
public record OpsContext(
        TransformationConfig transformation, Optional<IngestionConfig> ingestion, PrintStream out) {

    /** The IngestionJob's configuration, or a clear error naming the option that supplies it. */
    public IngestionConfig requireIngestion(String command) {
        return ingestion.orElseThrow(
                () ->
                        new InvalidSettingException(
                                "--source-config",
                                "is required by '"
                                        + command
                                        + "': name the IngestionJob's configuration file (its"
                                        + " source.postgres.* keys say where the source is)"));
    }

    /** A new catalog client; the caller closes it ({@link #close(Catalog)}). */
    public Catalog openCatalog() {
        return IcebergCatalogs.load(transformation.catalog());
    }

    /** Closes a catalog client opened by {@link #openCatalog()}. */
    public static void close(Catalog catalog) {
        if (catalog instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing a catalog client only releases connections
            }
        }
    }
}
