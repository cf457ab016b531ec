package dev.lakestream.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.junit.jupiter.api.Test;

class QuarantineTablesTest {

    @Test
    void silverRejectsIsAV2TableKeyedPerRefusalInTheQuarantineNamespace() {
        TableDefinition d = QuarantineTables.silverRejects();

        assertThat(d.identifier().toString()).isEqualTo("quarantine.silver_rejects");
        assertThat(QuarantineTables.silverRejects("q2").identifier().toString())
                .isEqualTo("q2.silver_rejects");
        assertThat(d.schema().identifierFieldNames())
                .containsExactlyInAnyOrder("source_table", "key", "lsn", "rule");
        assertThat(QuarantineTables.ingestionRejects().schema().identifierFieldNames())
                .containsExactlyInAnyOrder("source", "origin", "position");
        assertThat(d.properties())
                .containsEntry("format-version", "2")
                .containsEntry("write.parquet.compression-codec", "zstd")
                .containsEntry("lakestream.layer", "quarantine")
                .containsEntry("write.upsert.enabled", "true");
    }

    @Test
    void columnsDescribeTheRejectedChange() {
        assertThat(QuarantineTables.silverRejects().schema().columns())
                .extracting(f -> f.name() + " " + f.type() + (f.isRequired() ? "" : "?"))
                .containsExactly(
                        "source_table string",
                        "key string",
                        "lsn long",
                        "kind string",
                        "rule string",
                        "reason string",
                        "raw string",
                        "rejected_at timestamptz");
    }

    @Test
    void unpartitionedBecauseUpsertsNeedThePartitionColumnsInTheKey() {
        assertThat(QuarantineTables.silverRejects().partitionSpec().isUnpartitioned()).isTrue();
        assertThat(QuarantineTables.ingestionRejects().partitionSpec().isUnpartitioned()).isTrue();
    }

    @Test
    void anAppendOnlyRejectTableOfAnEarlierVersionIsKeyedInPlace() throws Exception {
        try (InMemoryCatalog catalog = catalog()) {
            TableDefinition now = QuarantineTables.silverRejects();
            Schema unkeyed = new Schema(now.schema().columns());
            // as lakestream created it before: no key, partitioned by day of rejection
            catalog.createNamespace(now.identifier().namespace());
            catalog.createTable(
                    now.identifier(),
                    unkeyed,
                    PartitionSpec.builderFor(unkeyed).day("rejected_at").build(),
                    now.properties());

            Table table = new TableBootstrap(catalog).ensure(now);

            assertThat(table.schema().identifierFieldNames())
                    .containsExactlyInAnyOrder("source_table", "key", "lsn", "rule");
            assertThat(table.spec().isUnpartitioned()).isTrue();
            Table again = new TableBootstrap(catalog).ensure(now);
            assertThat(again.schema().schemaId()).isEqualTo(table.schema().schemaId());
        }
    }

    @Test
    void aRejectTableKeyedOnOtherColumnsIsRefused() throws Exception {
        try (InMemoryCatalog catalog = catalog()) {
            TableDefinition now = QuarantineTables.ingestionRejects();
            Schema otherKey = new Schema(now.schema().columns(), Set.of(1));
            catalog.createNamespace(now.identifier().namespace());
            catalog.createTable(
                    now.identifier(), otherKey, PartitionSpec.unpartitioned(), now.properties());

            assertThatThrownBy(() -> new TableBootstrap(catalog).ensure(now))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("quarantine.ingestion_rejects is keyed on [source]")
                    .hasMessageContaining("[origin, position, source]");
        }
    }

    private static InMemoryCatalog catalog() {
        InMemoryCatalog catalog = new InMemoryCatalog();
        catalog.initialize(
                "quarantine-test",
                Map.of(
                        CatalogProperties.WAREHOUSE_LOCATION,
                        "/quarantine-test/" + UUID.randomUUID()));
        return catalog;
    }

    @Test
    void icebergAcceptsTheDefinition() throws Exception {
        try (InMemoryCatalog catalog = new InMemoryCatalog()) {
            catalog.initialize(
                    "quarantine-test",
                    Map.of(
                            CatalogProperties.WAREHOUSE_LOCATION,
                            "/quarantine-test/" + UUID.randomUUID()));
            Table table = new TableBootstrap(catalog).ensure(QuarantineTables.silverRejects());

            assertThat(table.spec().isPartitioned()).isFalse();
            assertThat(table.schema().columns()).hasSize(8);
        }
    }
}
