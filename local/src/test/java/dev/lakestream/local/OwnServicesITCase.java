package dev.lakestream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.catalog.BronzeChanges;
import dev.lakestream.catalog.BronzeTables;
import dev.lakestream.catalog.IcebergCatalogs;
import dev.lakestream.embedded.EmbeddedPostgresServer;
import dev.lakestream.embedded.S3ProxyServer;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.shop.ShopSchema;
import dev.lakestream.shop.workload.WorkloadConfig;
import dev.lakestream.shop.workload.WorkloadGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;

/**
 * The README's "own services" path as a user walks it: PostgreSQL and an S3 store started on their
 * own, a configuration file written as the README shows it, and the documented command {@code
 * ./lakestream-job ingestion --config <file>} in a process of its own, with checkpoints on {@code
 * s3://} through Flink's S3 file system. It snapshots the shop into bronze and checkpoints to S3.
 */
class OwnServicesITCase {

    private static final String BUCKET = "lake";

    @Test
    void theDocumentedCommandRunsTheIngestionJobAgainstServicesStartedApart() throws Exception {
        Path work = Files.createTempDirectory("lakestream-own-services");
        Path root = Path.of("").toAbsolutePath().getParent();
        assertThat(root.resolve("lakestream-job")).isExecutable();
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startTemporary();
                S3ProxyServer s3 = S3ProxyServer.start(work.resolve("s3"), 0, BUCKET)) {
            postgres.createDatabase("shop");
            postgres.createDatabase("iceberg_catalog");
            long orders;
            try (Connection c = postgres.connect("shop")) {
                ShopSchema.apply(c);
                WorkloadConfig shop =
                        WorkloadConfig.builder()
                                .seed(5)
                                .stores(2)
                                .customers(20)
                                .products(10)
                                .initialOrders(15)
                                .build();
                try (WorkloadGenerator generator = new WorkloadGenerator(c, shop)) {
                    generator.seedReferenceData();
                }
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT count(*) FROM shop.orders")) {
                    rs.next();
                    orders = rs.getLong(1);
                }
            }

            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("source.postgres.hostname", postgres.host());
            settings.put("source.postgres.port", Integer.toString(postgres.port()));
            settings.put("source.postgres.database", "shop");
            settings.put("source.postgres.username", EmbeddedPostgresServer.SUPERUSER);
            settings.put("source.postgres.tables", String.join(",", ShopSchema.TABLES));
            settings.put("source.postgres.slot-name", "own_ingestion");
            settings.put("catalog.name", "own");
            settings.put("catalog.type", "jdbc");
            settings.put("catalog.uri", postgres.jdbcUrl("iceberg_catalog"));
            settings.put("catalog.jdbc.user", EmbeddedPostgresServer.SUPERUSER);
            settings.put("catalog.warehouse", "s3://" + BUCKET + "/warehouse");
            settings.put("s3.endpoint", s3.endpoint());
            settings.put("s3.path-style-access", "true");
            settings.put("s3.region", S3ProxyServer.REGION);
            // Flink's S3 file system, for the checkpoints, takes Hadoop's keys (s3.* are
            // lakestream's own, for Iceberg)
            settings.put("fs.s3a.endpoint", s3.endpoint());
            settings.put("fs.s3a.path.style.access", "true");
            settings.put("execution.checkpointing.interval", "2s");
            settings.put("execution.checkpointing.dir", "s3://" + BUCKET + "/flink/checkpoints");
            settings.put("parallelism.default", "1");
            Path config = work.resolve("ingestion.properties");
            Files.writeString(
                    config,
                    settings.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining("\n", "", "\n")));

            Path log = work.resolve("lakestream-job.log");
            ProcessBuilder command =
                    new ProcessBuilder(
                                    root.resolve("lakestream-job").toString(),
                                    "ingestion",
                                    "--config",
                                    config.toString())
                            .directory(root.toFile())
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile());
            // the keys from the environment, read by Iceberg's S3FileIO and Flink's S3 file
            // system alike (the default AWS credential chain)
            command.environment().put("LAKESTREAM_SKIP_BUILD", "true");
            command.environment().put("AWS_ACCESS_KEY_ID", s3.accessKey());
            command.environment().put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
            command.environment().put("AWS_REGION", S3ProxyServer.REGION);
            Process job = command.start();
            try {
                Catalog catalog =
                        IcebergCatalogs.load(
                                IngestionConfig.fromMap(withKeys(settings, s3)).catalog());
                await("the snapshot of shop.orders in bronze, and a checkpoint on S3")
                        .atMost(Duration.ofMinutes(4))
                        .pollInterval(Duration.ofSeconds(2))
                        .untilAsserted(
                                () -> {
                                    assertThat(job.isAlive()).as(tail(log)).isTrue();
                                    assertThat(bronzeRows(catalog, ShopSchema.ORDERS))
                                            .isEqualTo(orders);
                                    assertThat(checkpointsOnS3(s3)).isPositive();
                                });
            } finally {
                job.destroy();
                if (!job.waitFor(60, TimeUnit.SECONDS)) {
                    job.destroyForcibly();
                }
            }
            assertThat(Files.readString(log))
                    .contains("Capturing postgres://postgres@")
                    .doesNotContain(s3.secretKey());
        }
    }

    /** The settings plus the S3 keys, for reading bronze from the test. */
    private static Map<String, String> withKeys(Map<String, String> settings, S3ProxyServer s3) {
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.put("s3.access-key-id", s3.accessKey());
        all.put("s3.secret-access-key", s3.secretKey());
        return all;
    }

    private static long bronzeRows(Catalog catalog, String table) {
        var id = BronzeTables.identifierFor("bronze", table);
        if (!catalog.tableExists(id)) {
            return -1;
        }
        return BronzeChanges.committedRows(catalog.loadTable(id));
    }

    /** Completed checkpoints in the bucket: {@code flink/checkpoints/<job>/chk-N/_metadata}. */
    private static long checkpointsOnS3(S3ProxyServer s3) throws IOException {
        Path dir = s3.baseDirectory().resolve(BUCKET).resolve("flink/checkpoints");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata")).count();
        }
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.substring(Math.max(0, text.length() - 4000));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
