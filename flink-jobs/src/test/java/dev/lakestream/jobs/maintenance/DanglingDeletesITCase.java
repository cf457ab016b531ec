package dev.lakestream.jobs.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.catalog.DanglingDeletes;
import dev.lakestream.catalog.IcebergCatalogs;
import dev.lakestream.catalog.TableBootstrap;
import dev.lakestream.catalog.TableDefinition;
import dev.lakestream.jobs.config.CatalogLoaders;
import dev.lakestream.jobs.ingestion.IngestionStackTestBase;
import dev.lakestream.jobs.ingestion.IngestionTestStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * Delete files a compaction leaves applying to nothing, on a real catalog, object store and Flink
 * cluster. An upserted table with one partition nobody touches (an old month of gold) and one that
 * keeps changing: the regular compaction applies the hot partition's equality deletes, but Iceberg
 * keeps the delete files, because the cold partition's file is older than all of them. The {@link
 * DanglingDeleteRemover} then drops exactly those, and every row reads the same.
 */
class DanglingDeletesITCase extends IngestionStackTestBase {

    private static final Schema SCHEMA =
            new Schema(
                    List.of(
                            Types.NestedField.required(1, "id", Types.LongType.get()),
                            Types.NestedField.required(2, "region", Types.StringType.get()),
                            Types.NestedField.optional(3, "name", Types.StringType.get())),
                    Set.of(1, 2));
    private static final PartitionSpec SPEC =
            PartitionSpec.builderFor(SCHEMA).identity("region").build();

    @Test
    void removesTheDeletesACompactionLeftApplyingToNothing() throws Exception {
        Map<String, String> s = settings();
        s.put("maintenance.dangling-deletes.enabled", "false");
        MaintenanceSettings compactOnly = MaintenanceSettings.fromMap(s);
        Catalog catalog = IcebergCatalogs.load(compactOnly.catalog());
        TableDefinition definition =
                new TableDefinition(
                        TableIdentifier.of("maint_it", "accounts"),
                        SCHEMA,
                        SPEC,
                        TableDefinition.commonProperties("silver"));
        TableBootstrap.ensureAll(compactOnly.catalog(), List.of(definition));
        Table table = catalog.loadTable(definition.identifier());

        // the cold partition: written once, never updated
        DataFile cold = writeData(table, "cold", 0, 0);
        table.newAppend().appendFile(cold).commit();
        // the hot partition: ten upserts of the same ids, each an equality delete and new rows
        table.newAppend().appendFile(writeData(table, "hot", 0, 0)).commit();
        for (int version = 1; version <= 10; version++) {
            table.newRowDelta()
                    .addDeletes(writeDeletes(table, "hot"))
                    .addRows(writeData(table, "hot", 0, version))
                    .commit();
        }
        table.refresh();
        List<String> rowsBefore = rows(table);
        assertThat(rowsBefore)
                .hasSize(10)
                .allMatch(r -> r.contains("cold/v0") || r.contains("/v10"));
        assertThat(deleteFiles(table)).hasSize(10);
        assertThat(DanglingDeletes.of(table.currentSnapshot(), table.io(), table.specs()))
                .as("every delete applies to an older hot file")
                .isEmpty();

        JobID compaction = start(compactOnly, definition);
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(compaction);
                            table.refresh();
                            assertThat(dataFiles(table, "hot")).as("hot compacted").hasSize(1);
                        });
        stack.flink.cancel(compaction);
        table.refresh();
        assertThat(rows(table)).isEqualTo(rowsBefore);
        assertThat(deleteFiles(table))
                .as("Iceberg keeps the deletes: the cold file is older than all of them")
                .hasSize(10);
        assertThat(DanglingDeletes.of(table.currentSnapshot(), table.io(), table.specs()))
                .hasSize(10);
        for (FileScanTask task : table.newScan().planFiles()) {
            assertThat(task.deletes()).as("no read applies them any more").isEmpty();
        }

        s.put("maintenance.dangling-deletes.enabled", "true");
        s.put("maintenance.compaction.enabled", "false");
        s.put("job.name", "it-dangling-deletes-2");
        JobID removal = start(MaintenanceSettings.fromMap(s), definition);
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(removal);
                            table.refresh();
                            assertThat(deleteFiles(table)).isEmpty();
                        });
        stack.flink.cancel(removal);
        assertThat(table.currentSnapshot().operation()).isEqualTo("replace");
        assertThat(rows(table)).isEqualTo(rowsBefore);
        assertThat(dataFiles(table, "cold"))
                .as("the cold partition is not rewritten")
                .containsExactly(cold.location());

        // new upserts after the removal still apply
        table.newRowDelta()
                .addDeletes(writeDeletes(table, "hot"))
                .addRows(writeData(table, "hot", 0, 11))
                .commit();
        table.refresh();
        assertThat(rows(table))
                .hasSize(10)
                .allMatch(r -> r.contains("cold/v0") || r.contains("/v11"));
        assertThat(DanglingDeletes.of(table.currentSnapshot(), table.io(), table.specs()))
                .isEmpty();
    }

    private static Map<String, String> settings() {
        Map<String, String> s = stack.catalogSettings("maint_dangling");
        s.put("job.name", "it-dangling-deletes");
        s.put("execution.checkpointing.interval", "2s");
        s.put("parallelism.default", "1");
        s.put("maintenance.snapshot.interval", "1h");
        s.put("maintenance.manifests.enabled", "false");
        s.put("maintenance.compaction.interval", "1s");
        s.put("maintenance.compaction.commit-count", "1");
        s.put("maintenance.compaction.min-input-files", "2");
        s.put("maintenance.compaction.full-interval", "0s");
        s.put("maintenance.dangling-deletes.interval", "1s");
        s.put("maintenance.rate-limit", "1s");
        s.put("maintenance.lock.check-delay", "1s");
        return s;
    }

    private static JobID start(MaintenanceSettings settings, TableDefinition definition)
            throws Exception {
        return submitFor(stack, settings, definition);
    }

    /** A maintenance job of just this one table (not streamed from), submitted to the stack. */
    static JobID submitFor(
            IngestionTestStack stack, MaintenanceSettings settings, TableDefinition definition)
            throws Exception {
        StreamExecutionEnvironment env =
                new StreamExecutionEnvironment(settings.flinkConfiguration());
        CatalogLoader loader = CatalogLoaders.from(settings.catalog());
        MaintenanceTopology.build(
                env,
                List.of(new MaintenanceTopology.MaintainedTable(definition, false)),
                id -> TableLoader.fromCatalog(loader, id),
                settings);
        return stack.flink.submit(env, settings.jobName(), Optional.empty());
    }

    /** Five rows of a region, ids {@code 10 * first ..}, named after the version. */
    private static DataFile writeData(Table table, String region, int first, int version)
            throws Exception {
        GenericAppenderFactory factory = new GenericAppenderFactory(table.schema(), table.spec());
        DataWriter<Record> writer =
                factory.newDataWriter(output(table), FileFormat.PARQUET, partition(table, region));
        try (writer) {
            for (int i = 0; i < 5; i++) {
                writer.write(row(table, first * 10L + i, region, region + "/v" + version));
            }
        }
        return writer.toDataFile();
    }

    /** An equality delete of the five ids of a region. */
    private static DeleteFile writeDeletes(Table table, String region) throws Exception {
        int[] ids = {1, 2};
        GenericAppenderFactory factory =
                new GenericAppenderFactory(table.schema(), table.spec(), ids, table.schema(), null);
        EqualityDeleteWriter<Record> writer =
                factory.newEqDeleteWriter(
                        output(table), FileFormat.PARQUET, partition(table, region));
        try (writer) {
            for (int i = 0; i < 5; i++) {
                writer.write(row(table, i, region, null));
            }
        }
        return writer.toDeleteFile();
    }

    private static Record row(Table table, long id, String region, String name) {
        Record r = GenericRecord.create(table.schema());
        r.setField("id", id);
        r.setField("region", region);
        r.setField("name", name);
        return r;
    }

    private static PartitionKey partition(Table table, String region) {
        PartitionKey key = new PartitionKey(table.spec(), table.schema());
        key.partition(row(table, 0, region, null));
        return key;
    }

    private static EncryptedOutputFile output(Table table) {
        return EncryptedFiles.plainAsEncryptedOutput(
                table.io()
                        .newOutputFile(
                                table.locationProvider()
                                        .newDataLocation(
                                                java.util.UUID.randomUUID() + ".parquet")));
    }

    private static List<String> rows(Table table) throws Exception {
        List<String> rows = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            for (Record r : records) {
                rows.add(r.getField("region") + "|" + r.getField("id") + "|" + r.getField("name"));
            }
        }
        rows.sort(null);
        return rows;
    }

    private static List<String> deleteFiles(Table table) {
        List<String> files = new ArrayList<>();
        table.currentSnapshot()
                .deleteManifests(table.io())
                .forEach(
                        m -> {
                            try (var reader =
                                    org.apache.iceberg.ManifestFiles.readDeleteManifest(
                                            m, table.io(), table.specs())) {
                                reader.forEach(f -> files.add(f.location()));
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
        return files;
    }

    private static Set<String> dataFiles(Table table, String region) throws Exception {
        Set<String> files = new TreeSet<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask task : tasks) {
                if (region.equals(task.file().partition().get(0, String.class))) {
                    files.add(task.file().location());
                }
            }
        }
        return files;
    }
}
