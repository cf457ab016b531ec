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
}
