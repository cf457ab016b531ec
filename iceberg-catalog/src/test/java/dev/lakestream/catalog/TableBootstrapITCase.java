package dev.lakestream.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.embedded.EmbeddedPostgresServer;
import dev.lakestream.embedded.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link TableBootstrap} and {@link BronzeChanges} against a real JDBC catalog (in embedded
 * PostgreSQL) and real S3 (S3Proxy), the way the IngestionJob uses them.
 */
class TableBootstrapITCase {

    private static final String BUCKET = "warehouse";

    private static Path workDir;
    private static EmbeddedPostgresServer postgres;
    private static S3ProxyServer s3;
    private static Catalog catalog;
    private static TableBootstrap bootstrap;

    @BeforeAll
    static void startServices() throws IOException {
        workDir = Files.createTempDirectory("lakestream-bootstrap-it");
        postgres = EmbeddedPostgresServer.startTemporary();
        postgres.createDatabase("iceberg_catalog");
        s3 = S3ProxyServer.start(workDir.resolve("s3"), 0, BUCKET);
        catalog = IcebergCatalogs.load(CatalogSettings.fromMap(settings()));
        bootstrap = new TableBootstrap(catalog);
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (catalog instanceof AutoCloseable closeable) {
            closeable.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /** The keys a user writes, as in IngestionTestStack#settings. */
    private static Map<String, String> settings() {
        Map<String, String> s = new HashMap<>();
        s.put("catalog.name", "bootstrap_it");
        s.put("catalog.type", "jdbc");
        s.put("catalog.uri", postgres.jdbcUrl("iceberg_catalog"));
        s.put("catalog.jdbc.user", EmbeddedPostgresServer.SUPERUSER);
        s.put("catalog.warehouse", "s3://" + BUCKET + "/bootstrap");
        s.put("s3.endpoint", s3.endpoint());
        s.put("s3.path-style-access", "true");
        s.put("s3.region", S3ProxyServer.REGION);
        s.put("s3.access-key-id", s3.accessKey());
        s.put("s3.secret-access-key", s3.secretKey());
        return s;
    }

    @Test
    void ensureCreatesTheBronzeTableOnceWithItsLayout() {
        TableDefinition definition = BronzeTables.definitionFor("bronze", "shop.orders");
        assertThat(definition.identifier()).isEqualTo(TableIdentifier.of("bronze", "shop_orders"));

        Table created = bootstrap.ensure(definition);
        Table again = bootstrap.ensure(definition);

        assertThat(catalog.tableExists(definition.identifier())).isTrue();
        assertThat(again.uuid()).isEqualTo(created.uuid());
        Table table = catalog.loadTable(definition.identifier());
        assertThat(table.uuid()).isEqualTo(created.uuid());
        assertThat(table.schemas()).hasSize(1);
        assertThat(table.schema().asStruct()).isEqualTo(BronzeTables.SCHEMA.asStruct());
        assertThat(((HasTableOperations) table).operations().current().formatVersion())
                .isEqualTo(2);

        assertThat(table.spec().fields()).hasSize(1);
        PartitionField partition = table.spec().fields().get(0);
        assertThat(partition.transform().toString()).isEqualTo("day");
        assertThat(table.schema().findColumnName(partition.sourceId())).isEqualTo("ingest_ts");

        Map<String, String> expected = new HashMap<>(definition.properties());
        // format-version is table metadata, not a stored property (checked above)
        expected.remove(TableProperties.FORMAT_VERSION);
        assertThat(table.properties()).containsAllEntriesOf(expected);
        assertThat(table.properties())
                .containsEntry("write.parquet.compression-codec", "zstd")
                .containsEntry("lakestream.layer", "bronze")
                .containsEntry("lakestream.source-table", "shop.orders");
        assertThat(table.location()).startsWith("s3://" + BUCKET + "/bootstrap/");
        assertThat(table.currentSnapshot()).isNull();
        assertThat(BronzeChanges.readAll(table)).isEmpty();
        assertThat(BronzeChanges.committedRows(table)).isZero();
    }

    @Test
    void olderTableGetsTheMissingOptionalColumns() {
        TableDefinition definition = BronzeTables.definitionFor("bronze", "shop.customers");
        // as an earlier lakestream version would have created it, before tx_id and before
        // existed: the catalog numbers its columns afresh, so unavailable_columns (and its list
        // element) get other field ids than in BronzeTables.SCHEMA
        Schema older =
                new Schema(
                        BronzeTables.SCHEMA.columns().stream()
                                .filter(f -> !List.of("tx_id", "before").contains(f.name()))
                                .toList());
        bootstrap.ensure(
                new TableDefinition(
                        definition.identifier(),
                        older,
                        PartitionSpec.builderFor(older).day("ingest_ts").build(),
                        definition.properties()));
        Schema before = catalog.loadTable(definition.identifier()).schema();
        assertThat(before.findField("tx_id")).isNull();
        assertThat(before.findField("before")).isNull();

        bootstrap.ensure(definition);

        Table evolved = catalog.loadTable(definition.identifier());
        Schema schema = evolved.schema();
        assertThat(schema.findField("tx_id").type()).isEqualTo(Types.LongType.get());
        assertThat(schema.findField("tx_id").isOptional()).isTrue();
        assertThat(schema.findField("before").type()).isEqualTo(Types.StringType.get());
        assertThat(schema.findField("before").isOptional()).isTrue();
        assertThat(schema.findField("unavailable_columns").type().asListType().elementType())
                .isEqualTo(Types.StringType.get());
        assertThat(schema.columns()).hasSize(BronzeTables.SCHEMA.columns().size());
        assertThat(evolved.schemas()).hasSize(2);

        // the next start accepts the evolved table as it is, without another change
        bootstrap.ensure(definition);
        assertThat(catalog.loadTable(definition.identifier()).schemas()).hasSize(2);
    }

    @Test
    void columnOfTheWrongTypeStopsNamingTableAndColumn() {
        TableDefinition definition = BronzeTables.definitionFor("bronze", "shop.products");
        Schema wrong =
                new Schema(
                        Stream.concat(
                                        Stream.of(
                                                Types.NestedField.required(
                                                        4, "lsn", Types.StringType.get())),
                                        BronzeTables.SCHEMA.columns().stream()
                                                .filter(f -> !f.name().equals("lsn")))
                                .toList());
        bootstrap.ensure(
                new TableDefinition(
                        definition.identifier(),
                        wrong,
                        PartitionSpec.unpartitioned(),
                        definition.properties()));

        assertThatThrownBy(() -> bootstrap.ensure(definition))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bronze.shop_products")
                .hasMessageContaining("column lsn is string but lakestream expects long");
        assertThat(catalog.loadTable(definition.identifier()).schemas()).hasSize(1);
    }

    @Test
    void listColumnWithTheWrongElementTypeStops() {
        TableDefinition definition = BronzeTables.definitionFor("bronze", "shop.payments");
        Schema wrong =
                new Schema(
                        BronzeTables.SCHEMA.columns().stream()
                                .map(
                                        f ->
                                                f.name().equals("unavailable_columns")
                                                        ? Types.NestedField.optional(
                                                                f.fieldId(),
                                                                f.name(),
                                                                Types.ListType.ofRequired(
                                                                        15,
                                                                        Types.IntegerType.get()))
                                                        : f)
                                .toList());
        bootstrap.ensure(
                new TableDefinition(
                        definition.identifier(),
                        wrong,
                        PartitionSpec.unpartitioned(),
                        definition.properties()));

        assertThatThrownBy(() -> bootstrap.ensure(definition))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bronze.shop_payments")
                .hasMessageContaining(
                        "column unavailable_columns is list<int> but lakestream expects"
                                + " list<string>");
    }

    @Test
    void missingRequiredColumnStopsNamingTableAndColumn() {
        TableDefinition definition = BronzeTables.definitionFor("bronze", "shop.stores");
        Schema withoutKey =
                new Schema(
                        BronzeTables.SCHEMA.columns().stream()
                                .filter(f -> !f.name().equals("key"))
                                .toList());
        bootstrap.ensure(
                new TableDefinition(
                        definition.identifier(),
                        withoutKey,
                        PartitionSpec.unpartitioned(),
                        definition.properties()));

        assertThatThrownBy(() -> bootstrap.ensure(definition))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bronze.shop_stores")
                .hasMessageContaining("lacks required column key");
    }

    @Test
    void rowWrittenToS3IsReadBackAsChange() throws IOException {
        Table table = bootstrap.ensure(BronzeTables.definitionFor("bronze", "shop.order_lines"));
        OffsetDateTime sourceTs =
                OffsetDateTime.of(2024, 3, 1, 12, 0, 0, 123_000_000, ZoneOffset.UTC);
        OffsetDateTime ingestTs = sourceTs.plusSeconds(2);
        BronzeChanges.Change expected =
                new BronzeChanges.Change(
                        "postgres:shop",
                        "shop.order_lines",
                        "u",
                        0x1_6B37_4D48L,
                        7781L,
                        sourceTs,
                        ingestTs,
                        "{\"order_id\":42,\"line_no\":1}",
                        "{\"order_id\":42,\"line_no\":1}",
                        "{\"order_id\":42,\"line_no\":1,\"quantity\":3}",
                        List.of("notes"));

        GenericRecord record = GenericRecord.create(table.schema());
        record.setField("source", expected.source());
        record.setField("source_table", expected.sourceTable());
        record.setField("op", expected.op());
        record.setField("lsn", expected.lsn());
        record.setField("tx_id", expected.txId());
        record.setField("source_ts", expected.sourceTs());
        record.setField("ingest_ts", expected.ingestTs());
        record.setField("key", expected.key());
        record.setField("before", expected.before());
        record.setField("after", expected.after());
        record.setField("unavailable_columns", expected.unavailableColumns());
        DataFile file = write(table, record);
        table.newAppend().appendFile(file).commit();

        assertThat(file.location()).startsWith("s3://" + BUCKET + "/bootstrap/");
        assertThat(file.partition().get(0, Integer.class))
                .as("day(ingest_ts) partition, days since epoch")
                .isEqualTo((int) ingestTs.toLocalDate().toEpochDay());
        assertThat(BronzeChanges.committedRows(table)).isEqualTo(1);
        assertThat(BronzeChanges.readAll(table)).containsExactly(expected);
        // the data file is really in the bucket, i.e. S3FileIO went through S3Proxy
        try (Stream<Path> files = Files.walk(s3.baseDirectory().resolve(BUCKET))) {
            assertThat(files.map(Path::toString).filter(p -> p.endsWith(".parquet"))).isNotEmpty();
        }
    }

    private static DataFile write(Table table, Record record) throws IOException {
        PartitionKey partition = new PartitionKey(table.spec(), table.schema());
        partition.partition(new InternalRecordWrapper(table.schema().asStruct()).wrap(record));
        OutputFileFactory files =
                OutputFileFactory.builderFor(table, 1, 1).format(FileFormat.PARQUET).build();
        DataWriter<Record> writer =
                new GenericAppenderFactory(table.schema(), table.spec())
                        .newDataWriter(
                                files.newOutputFile(table.spec(), partition),
                                FileFormat.PARQUET,
                                partition);
        try (writer) {
            writer.write(record);
        }
        return writer.toDataFile();
    }
}
