package dev.lakestream.catalog;

import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * An Iceberg table as code: name, schema, partitioning and table properties. {@link TableBootstrap}
 * creates it when missing and checks an existing table against it.
 */
public record TableDefinition(
        TableIdentifier identifier,
        Schema schema,
        PartitionSpec partitionSpec,
        Map<String, String> properties) {

    public TableDefinition {
        properties = Map.copyOf(properties);
    }

    /**
     * The properties every lakestream table shares: format v2, Parquet with zstd, merged manifests,
     * a bounded metadata history, and the layer it belongs to. Each layer adds its own (upserts,
     * distribution mode, ...) to the returned map.
     */
    public static Map<String, String> commonProperties(String layer) {
        Map<String, String> props = new java.util.LinkedHashMap<>();
        props.put(org.apache.iceberg.TableProperties.FORMAT_VERSION, "2");
        props.put(org.apache.iceberg.TableProperties.DEFAULT_FILE_FORMAT, "parquet");
        props.put(org.apache.iceberg.TableProperties.PARQUET_COMPRESSION, "zstd");
        props.put(org.apache.iceberg.TableProperties.MANIFEST_MERGE_ENABLED, "true");
        props.put(org.apache.iceberg.TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");
        props.put(org.apache.iceberg.TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "100");
        props.put("lakestream.layer", layer);
        return props;
    }
}
