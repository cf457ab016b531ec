package dev.lakestream.catalog;

import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;

/** Loads the Iceberg catalog described by {@link CatalogSettings} through Iceberg itself. */
public final class IcebergCatalogs {

    private IcebergCatalogs() {}

    public static Catalog load(CatalogSettings settings) {
        try {
            return CatalogUtil.loadCatalog(
                    settings.impl(),
                    settings.name(),
                    settings.icebergProperties(),
                    new Configuration());
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "Could not load Iceberg catalog " + settings.describe() + ": " + e.getMessage(),
                    e);
        }
    }
}
