package dev.lakestream.jobs.config;

import dev.lakestream.catalog.CatalogSettings;
import org.apache.iceberg.flink.CatalogLoader;

/** The Iceberg {@link CatalogLoader} every job builds its table loaders from. */
public final class CatalogLoaders {

    private CatalogLoaders() {}

    /** A loader of the catalog {@code settings} describe, with an empty Hadoop configuration. */
    public static CatalogLoader from(CatalogSettings settings) {
        return CatalogLoader.custom(
                settings.name(),
                settings.icebergProperties(),
                new org.apache.hadoop.conf.Configuration(),
                settings.impl());
    }
}
