package dev.lakestream.jobs.ingestion;

import dev.lakestream.catalog.BronzeTables;
import dev.lakestream.catalog.CatalogSettings;
import dev.lakestream.catalog.IcebergCatalogs;
import dev.lakestream.embedded.EmbeddedPostgresServer;
import dev.lakestream.embedded.S3ProxyServer;
import dev.lakestream.shop.ShopSchema;
import dev.lakestream.verification.runtime.EmbeddedFlinkCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;

/**
 * The real services an IngestionJob integration test runs against, started once per test class:
 * embedded PostgreSQL with logical replication, S3Proxy on a temporary folder, and a Flink
 * MiniCluster. Each test gets its own database, slot, catalog name and warehouse path.
 */
public final class IngestionTestStack implements AutoCloseable {

    public static final String BUCKET = "warehouse";

    public final Path workDir;
    public final EmbeddedPostgresServer postgres;
    public final S3ProxyServer s3;
    public final EmbeddedFlinkCluster flink;

    private IngestionTestStack(
            Path workDir,
            EmbeddedPostgresServer postgres,
            S3ProxyServer s3,
            EmbeddedFlinkCluster flink) {
        this.workDir = workDir;
        this.postgres = postgres;
        this.s3 = s3;
        this.flink = flink;
    }

    public static IngestionTestStack start() throws Exception {
        Path workDir = Files.createTempDirectory("lakestream-it");
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startTemporary();
        postgres.createDatabase("iceberg_catalog");
        S3ProxyServer s3 = S3ProxyServer.start(workDir.resolve("s3"), 0, BUCKET);
        Configuration cluster = new Configuration();
        cluster.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("64m"));
        cluster.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("64m"));
        cluster.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("64m"));
        // any free port: tests of several builds may run on one machine at once
        cluster.set(org.apache.flink.configuration.RestOptions.BIND_PORT, "0");
        EmbeddedFlinkCluster flink = EmbeddedFlinkCluster.start(cluster, 8);
        return new IngestionTestStack(workDir, postgres, s3, flink);
    }

    /** Creates the database with the shop schema. */
    void createShop(String database) throws SQLException {
        postgres.createDatabase(database);
        try (Connection c = postgres.connect(database)) {
            ShopSchema.apply(c);
        }
    }

    Path checkpoints(String database) {
        return workDir.resolve("checkpoints").resolve(database);
    }

    /** The job configuration a user would write, pointed at this stack. */
    public Map<String, String> settings(String database) {
        Map<String, String> s = new HashMap<>();
        s.put("source.postgres.hostname", postgres.host());
        s.put("source.postgres.port", Integer.toString(postgres.port()));
        s.put("source.postgres.database", database);
        s.put("source.postgres.username", EmbeddedPostgresServer.SUPERUSER);
        s.put("source.postgres.tables", String.join(",", ShopSchema.TABLES));
        s.put("source.postgres.slot-name", "lakestream_" + database);
        s.put("source.postgres.heartbeat-interval", "2s");
        s.put("catalog.name", "it_" + database);
        s.put("catalog.type", "jdbc");
        s.put("catalog.uri", postgres.jdbcUrl("iceberg_catalog"));
        s.put("catalog.jdbc.user", EmbeddedPostgresServer.SUPERUSER);
        s.put("catalog.warehouse", "s3://" + BUCKET + "/" + database);
        s.put("s3.endpoint", s3.endpoint());
        s.put("s3.path-style-access", "true");
        s.put("s3.region", S3ProxyServer.REGION);
        s.put("s3.access-key-id", s3.accessKey());
        s.put("s3.secret-access-key", s3.secretKey());
        s.put("execution.checkpointing.interval", "2s");
        s.put(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
        s.put("execution.checkpointing.dir", checkpoints(database).toUri().toString());
        s.put("restart-strategy.type", "fixed-delay");
        s.put("restart-strategy.fixed-delay.attempts", "20");
        s.put("restart-strategy.fixed-delay.delay", "1s");
        s.put("parallelism.default", "2");
        return s;
    }

    /** The shop as the job will first see it: row counts and keys per table, for the snapshot. */
    public record Baseline(Map<String, Long> rowCounts, Map<String, java.util.Set<String>> keys) {}

    /** Creates the shop database, seeds it, and records what the snapshot must read. */
    public Baseline seedShop(String database, dev.lakestream.shop.workload.WorkloadConfig workload)
            throws Exception {
        createShop(database);
        try (Connection c = postgres.connect(database)) {
            try (var generator = new dev.lakestream.shop.workload.WorkloadGenerator(c, workload)) {
                generator.seedReferenceData();
            }
            Map<String, java.util.Set<String>> keys = new HashMap<>();
            for (String table : ShopSchema.TABLES) {
                keys.put(
                        table,
                        new java.util.HashSet<>(BronzeOracle.currentRows(c, table).keySet()));
            }
            return new Baseline(BronzeOracle.rowCounts(c), keys);
        }
    }

    /** Runs {@code transactions} of the workload against the database on another thread. */
    public java.util.concurrent.CompletableFuture<Long> runWorkloadAsync(
            String database,
            dev.lakestream.shop.workload.WorkloadConfig workload,
            int transactions) {
        return java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try (Connection c = postgres.connect(database);
                            var generator =
                                    new dev.lakestream.shop.workload.WorkloadGenerator(
                                            c, workload)) {
                        return generator.runTransactions(transactions);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    long committedRows(Catalog catalog, IngestionConfig config, String table) {
        return dev.lakestream.catalog.BronzeChanges.committedRows(
                bronzeTable(catalog, config, table));
    }

    /**
     * Installs the change ledger ({@link BronzeOracle}) before a workload whose bronze is checked.
     */
    public void installChangeLedger(String database) throws SQLException {
        try (Connection c = postgres.connect(database)) {
            BronzeOracle.installAudit(c);
        }
    }

    /** Waits until every bronze table holds at least the snapshot. */
    public void awaitSnapshot(
            org.apache.flink.api.common.JobID job,
            Catalog catalog,
            IngestionConfig config,
            Baseline baseline) {
        awaitCommitted(job, catalog, config, table -> baseline.rowCounts().get(table), false);
    }

    /**
     * Waits until bronze holds the snapshot plus every audited change, then checks it exactly
     * against the audit log and the tables.
     */
    public void awaitAndAssertExact(
            org.apache.flink.api.common.JobID job,
            String database,
            Catalog catalog,
            IngestionConfig config,
            Baseline baseline)
            throws Exception {
        try (Connection c = postgres.connect(database)) {
            awaitCommitted(
                    job,
                    catalog,
                    config,
                    table -> {
                        try {
                            return baseline.rowCounts().get(table)
                                    + BronzeOracle.auditedCount(c, table);
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    true);
            flink.cancel(job);
            Map<String, java.util.List<String[]>> audited = BronzeOracle.audited(c);
            for (String table : ShopSchema.TABLES) {
                BronzeOracle.assertExact(
                        table,
                        dev.lakestream.catalog.BronzeChanges.readAll(
                                bronzeTable(catalog, config, table)),
                        baseline.keys().get(table),
                        audited.get(table),
                        BronzeOracle.currentRows(c, table));
            }
        }
    }

    private void awaitCommitted(
            org.apache.flink.api.common.JobID job,
            Catalog catalog,
            IngestionConfig config,
            java.util.function.ToLongFunction<String> expectedRows,
            boolean exactly) {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofMinutes(3))
                .pollInterval(java.time.Duration.ofSeconds(1))
                .untilAsserted(
                        () -> {
                            assertRunning(job);
                            for (String table : ShopSchema.TABLES) {
                                var committed =
                                        org.assertj.core.api.Assertions.assertThat(
                                                        committedRows(catalog, config, table))
                                                .as("bronze rows of %s", table);
                                long expected = expectedRows.applyAsLong(table);
                                if (exactly) {
                                    committed.isEqualTo(expected);
                                } else {
                                    committed.isGreaterThanOrEqualTo(expected);
                                }
                            }
                        });
    }

    /** Only the catalog and S3 keys of {@link #settings}: what a maintenance job needs. */
    public Map<String, String> catalogSettings(String database) {
        Map<String, String> s = new HashMap<>();
        settings(database)
                .forEach(
                        (k, v) -> {
                            if (k.startsWith("catalog.") || k.startsWith("s3.")) {
                                s.put(k, v);
                            }
                        });
        return s;
    }

    /** Puts {@code rules} ahead of the server's pg_hba.conf rules and reloads them. */
    public void prependHbaRules(String rules) throws Exception {
        try (Connection c = postgres.connect("postgres");
                java.sql.Statement s = c.createStatement()) {
            Path hba;
            try (java.sql.ResultSet rs = s.executeQuery("SHOW hba_file")) {
                rs.next();
                hba = Path.of(rs.getString(1));
            }
            Files.writeString(hba, rules + Files.readString(hba));
            s.execute("SELECT pg_reload_conf()");
        }
    }

    /** Fails at once (not after a time-out) when the job has failed or finished. */
    public void assertRunning(org.apache.flink.api.common.JobID job) {
        org.apache.flink.api.common.JobStatus status = flink.status(job);
        if (status.isGloballyTerminalState()) {
            String cause;
            try {
                cause =
                        flink.miniCluster()
                                .requestJobResult(job)
                                .get()
                                .getSerializedThrowable()
                                .map(t -> t.getFullStringifiedStackTrace())
                                .orElse("no failure cause");
            } catch (Exception e) {
                cause = e.toString();
            }
            throw new IllegalStateException("Job " + job + " is " + status + ": " + cause);
        }
        org.assertj.core.api.Assertions.assertThat(status)
                .isEqualTo(org.apache.flink.api.common.JobStatus.RUNNING);
    }

    public StreamExecutionEnvironment environment(IngestionConfig config) {
        return new StreamExecutionEnvironment(config.flinkConfiguration());
    }

    public Catalog catalog(IngestionConfig config) {
        return IcebergCatalogs.load(config.catalog());
    }

    public static Table bronzeTable(Catalog catalog, IngestionConfig config, String sourceTable) {
        return catalog.loadTable(BronzeTables.identifierFor(config.bronzeNamespace(), sourceTable));
    }

    static CatalogSettings catalogSettings(IngestionConfig config) {
        return config.catalog();
    }

    @Override
    public void close() throws Exception {
        flink.close();
        s3.close();
        postgres.close();
    }
}
