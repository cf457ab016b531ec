package dev.lakestream.jobs.transformation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.catalog.CatalogSettings;
import dev.lakestream.catalog.QuarantineTables;
import dev.lakestream.catalog.TableBootstrap;
import dev.lakestream.catalog.TableDefinition;
import dev.lakestream.embedded.EmbeddedPostgresServer;
import dev.lakestream.embedded.S3ProxyServer;
import dev.lakestream.jobs.changelog.RowChange;
import dev.lakestream.jobs.config.CatalogLoaders;
import dev.lakestream.jobs.silver.QuarantineRecord;
import dev.lakestream.jobs.silver.Rejection;
import dev.lakestream.jobs.silver.SilverTopology;
import dev.lakestream.verification.runtime.EmbeddedFlinkCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.types.RowKind;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A refused change written twice, as a re-read of bronze or a replay from a checkpoint writes it,
 * leaves one row in {@code quarantine.silver_rejects}: the sink silver uses ({@link
 * SilverTopology#quarantine}) against a real JDBC catalog (embedded PostgreSQL), S3 (S3Proxy) and a
 * Flink MiniCluster.
 */
class QuarantineReplayITCase {

    private static Path workDir;
    private static EmbeddedPostgresServer postgres;
    private static S3ProxyServer s3;
    private static EmbeddedFlinkCluster flink;
    private static CatalogSettings catalogSettings;

    @BeforeAll
    static void startServices() throws Exception {
        workDir = Files.createTempDirectory("lakestream-quarantine-it");
        postgres = EmbeddedPostgresServer.startTemporary();
        postgres.createDatabase("iceberg_catalog");
        s3 = S3ProxyServer.start(workDir.resolve("s3"), 0, "warehouse");
        Configuration cluster = new Configuration();
        cluster.set(RestOptions.BIND_PORT, "0");
        // Iceberg's shared worker pool keeps the context class loader of the job that started its
        // threads; this test reads the table's delete files on that pool after the job ended
        cluster.set(CoreOptions.CHECK_LEAKED_CLASSLOADER, false);
        cluster.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("32m"));
        cluster.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("64m"));
        cluster.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("64m"));
        flink = EmbeddedFlinkCluster.start(cluster, 4);
        Map<String, String> s = new HashMap<>();
        s.put("catalog.name", "quarantine_it");
        s.put("catalog.type", "jdbc");
        s.put("catalog.uri", postgres.jdbcUrl("iceberg_catalog"));
        s.put("catalog.jdbc.user", EmbeddedPostgresServer.SUPERUSER);
        s.put("catalog.warehouse", "s3://warehouse/quarantine");
        s.put("s3.endpoint", s3.endpoint());
        s.put("s3.path-style-access", "true");
        s.put("s3.region", S3ProxyServer.REGION);
        s.put("s3.access-key-id", s3.accessKey());
        s.put("s3.secret-access-key", s3.secretKey());
        catalogSettings = CatalogSettings.fromMap(s);
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (flink != null) {
            flink.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aChangeRefusedAgainOnReplayLeavesOneQuarantineRow() throws Exception {
        TableDefinition table = QuarantineTables.silverRejects("quarantine_replay");
        TableBootstrap.ensureAll(catalogSettings, List.of(table));
        CatalogLoader catalog = CatalogLoaders.from(catalogSettings);

        QuarantineRecord bad = refused("{\"customer_id\":7}", 100, "2026-11-30T10:00:00Z");
        QuarantineRecord other = refused("{\"customer_id\":8}", 120, "2026-11-30T10:00:00Z");
        run(catalog, table, bad, other);
        assertThat(rows(catalog, table)).hasSize(2);

        // the replay: the same change refused again, later, twice in one commit
        QuarantineRecord again = refused("{\"customer_id\":7}", 100, "2026-11-30T11:00:00Z");
        run(catalog, table, again, again);

        List<String> rows = rows(catalog, table);
        assertThat(rows)
                .as("one row per refusal, the latest refusal's time")
                .containsExactlyInAnyOrder(
                        "{\"customer_id\":7}@100 2026-11-30T11:00:00Z",
                        "{\"customer_id\":8}@120 2026-11-30T10:00:00Z");
    }

    private static QuarantineRecord refused(String key, long lsn, String at) {
        RowChange change =
                new RowChange(
                        RowKind.INSERT,
                        "shop.customers",
                        key,
                        lsn,
                        Map.of("email", "\"not-an-address\""));
        return QuarantineRecord.of(
                change,
                new Rejection("customers.email.format", "email 'not-an-address' is not valid"),
                Instant.parse(at));
    }

    private static void run(
            CatalogLoader catalog, TableDefinition table, QuarantineRecord... records)
            throws Exception {
        List<RowData> rows = new ArrayList<>();
        for (QuarantineRecord r : records) {
            rows.add(r.toRowData());
        }
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(new Configuration());
        env.setParallelism(2);
        SilverTopology.quarantine(
                env.fromData(rows, InternalTypeInfo.of(QuarantineRecord.ROW_TYPE)),
                TableLoader.fromCatalog(catalog, table.identifier()));
        JobID job = flink.submit(env, "quarantine replay", Optional.empty());
        await().atMost(Duration.ofMinutes(2))
                .until(() -> flink.status(job).isGloballyTerminalState());
        assertThat(flink.status(job)).isEqualTo(JobStatus.FINISHED);
    }

    private static List<String> rows(CatalogLoader loader, TableDefinition table) throws Exception {
        Catalog catalog = loader.loadCatalog();
        List<String> rows = new ArrayList<>();
        try (CloseableIterable<Record> records =
                IcebergGenerics.read(catalog.loadTable(table.identifier())).build()) {
            for (Record r : records) {
                rows.add(
                        r.getField("key")
                                + "@"
                                + r.getField("lsn")
                                + " "
                                + ((java.time.OffsetDateTime) r.getField("rejected_at"))
                                        .toInstant());
            }
        } finally {
            if (catalog instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
        return rows;
    }
}
