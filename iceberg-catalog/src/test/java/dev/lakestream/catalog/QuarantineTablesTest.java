package dev.lakestream.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.Table;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.junit.jupiter.api.Test;

class QuarantineTablesTest {

    @Test
    void silverRejectsIsAnAppendOnlyV2TableInTheQuarantineNamespace() {
        TableDefinition d = QuarantineTables.silverRejects();

        assertThat(d.identifier().toString()).isEqualTo("quarantine.silver_rejects");
        assertThat(QuarantineTables.silverRejects("q2").identifier().toString())
                .isEqualTo("q2.silver_rejects");
        assertThat(d.schema().identifierFieldIds()).isEmpty();
        assertThat(d.properties())
                .containsEntry("format-version", "2")
                .containsEntry("write.parquet.compression-codec", "zstd")
                .containsEntry("lakestream.layer", "quarantine")
                .doesNotContainKey("write.upsert.enabled");
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
    void partitionedByDayOfRejection() {
        TableDefinition d = QuarantineTables.silverRejects();

        assertThat(d.partitionSpec().fields()).hasSize(1);
        PartitionField day = d.partitionSpec().fields().get(0);
        assertThat(day.transform().toString()).isEqualTo("day");
        assertThat(d.schema().findColumnName(day.sourceId())).isEqualTo("rejected_at");
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

            assertThat(table.spec().isPartitioned()).isTrue();
            assertThat(table.schema().columns()).hasSize(8);
        }
    }
}
