package dev.lakestream.jobs.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.catalog.BronzeTables;
import dev.lakestream.catalog.ConsumerPositions;
import dev.lakestream.catalog.IcebergCatalogs;
import dev.lakestream.catalog.SilverTables;
import dev.lakestream.catalog.TableBootstrap;
import dev.lakestream.catalog.TableDefinition;
import dev.lakestream.catalog.TableHealth;
import dev.lakestream.embedded.KafkaBroker;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.jobs.ingestion.IngestionJob;
import dev.lakestream.jobs.ingestion.IngestionTestStack;
import dev.lakestream.jobs.runtime.FlinkRestMetrics;
import dev.lakestream.jobs.transformation.SilverComparison;
import dev.lakestream.jobs.transformation.TransformationConfig;
import dev.lakestream.jobs.transformation.TransformationJob;
import dev.lakestream.shop.ShopSchema;
import dev.lakestream.shop.workload.WorkloadConfig;
import dev.lakestream.shop.workload.WorkloadGenerator;
import dev.lakestream.verification.runtime.EmbeddedFlinkCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.flink.maintenance.api.JdbcLockFactory;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MaintenanceJob on real services, next to a running IngestionJob and a TransformationJob that
 * is stopped and restored from its retained checkpoint.
 *
 * <ol>
 *   <li>Both jobs run a workload; silver equals PostgreSQL; the TransformationJob has published its
 *       bronze positions. It is cancelled (checkpoint retained) and the shop keeps changing, so
 *       bronze grows past the position that checkpoint holds.
 *   <li>Maintenance with the most aggressive settings (max-age 0, retain-last 1, every second):
 *       silver.orders is compacted (fewer data files, delete files gone, same rows), snapshots are
 *       expired down to a bound, an old orphan is deleted and a young one kept; bronze keeps every
 *       snapshot after the reader's position.
 *   <li>The TransformationJob restored from its checkpoint finds its position and silver ends equal
 *       to PostgreSQL again: nothing lost, nothing doubled.
 *   <li>The same without the guard: bronze is expired to its last snapshot, and the restored
 *       TransformationJob fails to plan its next read. This is what the guard prevents.
 * </ol>
 */
class MaintenanceITCase {

    private static final String DB = "shop_maint";
    private static IngestionTestStack stack;
    private static KafkaBroker kafka;

    @BeforeAll
    static void startServices() throws Exception {
        stack = IngestionTestStack.start();
        kafka = KafkaBroker.start(stack.workDir.resolve("kafka"), 0);
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void compactsExpiresAndNeverExpiresWhatTheTransformationJobStillNeeds() throws Exception {
        WorkloadConfig workload =
                WorkloadConfig.builder()
                        .seed(51)
                        .stores(3)
                        .customers(60)
                        .products(20)
                        .initialOrders(80)
                        .build();
        stack.seedShop(DB, workload);
        String topic = "gold_" + DB;
        kafka.createTopic(topic, 1, Map.of("cleanup.policy", "compact"));
        IngestionConfig ingestion = IngestionConfig.fromMap(stack.settings(DB));
        StreamExecutionEnvironment ingestionEnv = stack.environment(ingestion);
        IngestionJob.prepare(ingestionEnv, ingestion);
        JobID ingest = stack.flink.submit(ingestionEnv, ingestion.jobName(), Optional.empty());
        JobID transform = startTransformation(topic, Optional.empty());
        Catalog catalog = stack.catalog(ingestion);

        runTransactions(workload, 52, 80);
        awaitSilverEqualsPostgres(catalog, transform, ingest);
        // several small upsert commits, so that equality deletes apply to older data files
        Table upserted = silver(catalog, "shop.orders");
        for (int round = 0; round < 4; round++) {
            long previous = upserted.currentSnapshot().snapshotId();
            runTransactions(workload, 60 + round, 20);
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(
                            () -> {
                                upserted.refresh();
                                return upserted.currentSnapshot().snapshotId() != previous;
                            });
        }
        awaitSilverEqualsPostgres(catalog, transform, ingest);
        Table bronzeOrders =
                catalog.loadTable(BronzeTables.identifierFor("bronze", ShopSchema.ORDERS));
        await().atMost(Duration.ofMinutes(1))
                .untilAsserted(
                        () -> {
                            bronzeOrders.refresh();
                            assertThat(ConsumerPositions.oldest(bronzeOrders.properties()))
                                    .as("position published by the TransformationJob")
                                    .isPresent();
                        });

        // the TransformationJob stops; bronze moves on past the position of its last checkpoint
        stack.flink.cancel(transform);
        Path transformationCheckpoints = stack.workDir.resolve("checkpoints-transformation");
        bronzeOrders.refresh();
        long position = ConsumerPositions.oldest(bronzeOrders.properties()).get().snapshotId();
        runTransactions(workload, 53, 60);
        awaitSnapshotsAfter(bronzeOrders, position, 3);

        Table silverOrders = silver(catalog, "shop.orders");
        TableHealth before = TableHealth.of(silverOrders);
        List<String> rowsBefore = rows(silverOrders);
        System.out.println("before maintenance: " + before.describe());
        bronzeOrders.refresh();
        assertThat(bronzeOrders.currentSnapshot().dataManifests(bronzeOrders.io()))
                .as("one manifest per bronze commit so far")
                .hasSizeGreaterThan(2);
        assertThat(before.deleteFiles()).as("upserts wrote equality deletes").isPositive();
        assertThat(before.records())
                .as("rows in data files, replaced versions included")
                .isGreaterThan(rowsBefore.size());
        // bronze: the files up to the reader's read floor may be compacted, the others not
        long floorSequence = bronzeOrders.snapshot(position).sequenceNumber();
        Map<String, DataFile> bronzeBefore = dataFiles(bronzeOrders);
        long readBefore = countUpTo(bronzeBefore, floorSequence);
        List<String> unread =
                bronzeBefore.values().stream()
                        .filter(file -> file.dataSequenceNumber() > floorSequence)
                        .map(DataFile::location)
                        .toList();
        assertThat(readBefore).as("bronze files the reader has read").isGreaterThan(2);
        assertThat(unread).as("bronze files written after the reader stopped").isNotEmpty();
        JobID maintenance = startMaintenance(true, false, "1s", true);
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(maintenance);
                            silverOrders.refresh();
                            TableHealth now = TableHealth.of(silverOrders);
                            assertThat(now.records())
                                    .as("compaction applied the equality deletes")
                                    .isEqualTo(rowsBefore.size());
                            assertThat(now.dataFiles()).isLessThanOrEqualTo(before.dataFiles());
                            // dropped only once every data file is newer: the full rewrite
                            assertThat(now.deleteFiles()).as("delete files dropped").isZero();
                            assertThat(now.snapshots()).isLessThanOrEqualTo(2);
                            // the restore below reads bronze after its manifests were rewritten
                            bronzeOrders.refresh();
                            assertThat(
                                            bronzeOrders
                                                    .currentSnapshot()
                                                    .dataManifests(bronzeOrders.io()))
                                    .as("bronze manifests rewritten")
                                    .hasSizeLessThanOrEqualTo(1);
                            Map<String, DataFile> bronzeNow = dataFiles(bronzeOrders);
                            assertThat(countUpTo(bronzeNow, floorSequence))
                                    .as("bronze files up to the read floor compacted")
                                    .isLessThan(readBefore);
                            assertThat(bronzeNow.keySet())
                                    .as("bronze files the reader has not read stay as they are")
                                    .containsAll(unread);
                            assertThat(records(bronzeNow)).isEqualTo(records(bronzeBefore));
                        });
        System.out.println("after maintenance: " + TableHealth.of(silverOrders).describe());
        System.out.println("bronze after maintenance: " + TableHealth.of(bronzeOrders).describe());
        assertThat(rows(silverOrders)).as("compaction keeps the rows").isEqualTo(rowsBefore);
        bronzeOrders.refresh();
        assertThat(childOf(bronzeOrders, position))
                .as("bronze keeps the snapshots after the stopped reader's position")
                .isPresent();
        stack.flink.cancel(maintenance);

        // restored from its checkpoint, the TransformationJob reads on from its position
        transform = startTransformation(topic, latest(transformationCheckpoints));
        runTransactions(workload, 54, 40);
        awaitSilverEqualsPostgres(catalog, transform, ingest);

        // without the guard: the same stop, and maintenance expires what the reader needs
        stack.flink.cancel(transform);
        bronzeOrders.refresh();
        long positionAgain = ConsumerPositions.oldest(bronzeOrders.properties()).get().snapshotId();
        runTransactions(workload, 55, 40);
        awaitSnapshotsAfter(bronzeOrders, positionAgain, 3);
        JobID unguarded = startMaintenance(false, false, "0s", false);
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(unguarded);
                            bronzeOrders.refresh();
                            assertThat(childOf(bronzeOrders, positionAgain)).isEmpty();
                            // silver.orders compacted and expired, so it stays as it is now
                            silverOrders.refresh();
                            TableHealth now = TableHealth.of(silverOrders);
                            assertThat(now.snapshots()).isEqualTo(1);
                            assertThat(now.records()).isEqualTo(rows(silverOrders).size());
                        });
        stack.flink.cancel(unguarded);

        // orphan removal, by a job that opens silver.orders as it now stays: Iceberg 1.10.1's
        // orphan listing never sees commits made after it opened the table (apache/iceberg#16324)
        silverOrders.refresh();
        List<String> rowsNow = rows(silverOrders);
        Path oldOrphan = orphan(silverOrders, "old-orphan.parquet", Duration.ofHours(2));
        Path youngOrphan = orphan(silverOrders, "young-orphan.parquet", Duration.ZERO);
        JobID orphans = startMaintenance(true, true, "0s", false);
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(orphans);
                            assertThat(oldOrphan).doesNotExist();
                        });
        assertThat(youngOrphan).as("younger than maintenance.orphans.min-age").exists();
        silverOrders.refresh();
        assertThat(rows(silverOrders))
                .as("no live file was taken for an orphan")
                .isEqualTo(rowsNow);
        stack.flink.cancel(orphans);
        JobID broken = startTransformation(topic, latest(transformationCheckpoints));
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> assertThat(exceptions(broken)).contains("is not a parent ancestor"));
        stack.flink.cancel(broken);
        stack.flink.cancel(ingest);
    }

    /**
     * Manifests: a table with many small appends (each keeps its own manifest until Iceberg's merge
     * on commit starts at 100) gets them rewritten into one, with the same rows; while another
     * maintenance task holds the table's lock, the rewrite waits.
     */
    @Test
    void rewritesSmallManifestsAndWaitsForTheTableLock() throws Exception {
        Map<String, String> s = catalogSettings("maint_manifests");
        s.put("job.name", "it-manifests");
        s.put("execution.checkpointing.interval", "2s");
        s.put("parallelism.default", "1");
        s.put("maintenance.compaction.enabled", "false");
        s.put("maintenance.snapshot.interval", "1h");
        s.put("maintenance.manifests.interval", "1s");
        s.put("maintenance.manifests.min-count", "5");
        s.put("maintenance.rate-limit", "1s");
        MaintenanceSettings settings = MaintenanceSettings.fromMap(s);
        Catalog catalog = IcebergCatalogs.load(settings.catalog());
        TableDefinition definition =
                new TableDefinition(
                        TableIdentifier.of("maint_it", "events"),
                        new Schema(
                                Types.NestedField.required(1, "id", Types.LongType.get()),
                                Types.NestedField.optional(2, "name", Types.StringType.get())),
                        PartitionSpec.unpartitioned(),
                        TableDefinition.commonProperties("silver"));
        TableBootstrap.ensureAll(settings.catalog(), List.of(definition));
        Table table = catalog.loadTable(definition.identifier());
        for (int commit = 0; commit < 12; commit++) {
            appendFile(table, commit);
        }
        table.refresh();
        assertThat(table.currentSnapshot().dataManifests(table.io())).hasSize(12);
        List<String> rowsBefore = eventRows(table);

        JobID job = DanglingDeletesITCase.submitFor(stack, settings, definition);
        awaitDataManifests(job, table, 1);
        assertThat(table.currentSnapshot().operation()).isEqualTo("replace");
        assertThat(eventRows(table)).isEqualTo(rowsBefore);

        // another task of the table holds its lock while more small appends come in
        JdbcLockFactory locks =
                new JdbcLockFactory(
                        settings.lock().uri(),
                        MaintenanceTopology.lockId(settings.jobName(), definition.identifier()),
                        settings.lock().properties());
        locks.open();
        TriggerLockFactory.Lock held = locks.createLock();
        assertThat(held.tryLock()).isTrue();
        for (int commit = 12; commit < 18; commit++) {
            appendFile(table, commit);
        }
        long skipped = operatorCounter(job, "RewriteManifests", "manifestRewritesSkippedOnLock");
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () ->
                                operatorCounter(
                                                job,
                                                "RewriteManifests",
                                                "manifestRewritesSkippedOnLock")
                                        >= skipped + 2);
        table.refresh();
        assertThat(table.currentSnapshot().dataManifests(table.io()))
                .as("untouched while the lock is held")
                .hasSize(7);

        held.unlock();
        awaitDataManifests(job, table, 1);
        assertThat(eventRows(table)).hasSize(rowsBefore.size() + 6 * 3).containsAll(rowsBefore);
        assertThat(operatorCounter(job, "RewriteManifests", "manifestRewriteFailures")).isZero();
        stack.flink.cancel(job);
        locks.close();
    }

    private static void awaitDataManifests(JobID job, Table table, int count) {
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(job);
                            table.refresh();
                            assertThat(table.currentSnapshot().dataManifests(table.io()))
                                    .hasSize(count);
                        });
    }

    private static void appendFile(Table table, int commit) throws Exception {
        GenericAppenderFactory factory = new GenericAppenderFactory(table.schema(), table.spec());
        OutputFile out =
                table.io()
                        .newOutputFile(
                                table.locationProvider()
                                        .newDataLocation("part-" + commit + ".parquet"));
        DataWriter<Record> writer =
                factory.newDataWriter(
                        EncryptedFiles.plainAsEncryptedOutput(out), FileFormat.PARQUET, null);
        try (writer) {
            for (int i = 0; i < 3; i++) {
                Record r = GenericRecord.create(table.schema());
                r.setField("id", commit * 10L + i);
                r.setField("name", "event " + commit + "/" + i);
                writer.write(r);
            }
        }
        table.newAppend().appendFile(writer.toDataFile()).commit();
    }

    private static List<String> eventRows(Table table) throws Exception {
        List<String> rows = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            for (Record r : records) {
                rows.add(r.getField("id") + "|" + r.getField("name"));
            }
        }
        rows.sort(null);
        return rows;
    }

    /** An operator counter, summed over subtasks, from Flink's REST API (0 before it exists). */
    private static long operatorCounter(JobID job, String vertexName, String counter)
            throws Exception {
        return FlinkRestMetrics.sum(stack.flink, job, vertexName, counter);
    }

    private static String rest(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(stack.flink.restAddress().resolve(path)).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static JobID startTransformation(String topic, Optional<Path> restore)
            throws Exception {
        Map<String, String> s = new HashMap<>();
        stack.settings(DB)
                .forEach(
                        (k, v) -> {
                            if (!k.startsWith("source.")) {
                                s.put(k, v);
                            }
                        });
        s.put(
                "execution.checkpointing.dir",
                stack.workDir.resolve("checkpoints-transformation").toUri().toString());
        s.put("bronze.monitor-interval", "1s");
        s.put("bronze.consumer-position.publish-interval", "1s");
        s.put("gold.kafka.bootstrap-servers", kafka.bootstrapServers());
        s.put("gold.kafka.topic", topic);
        s.put("gold.kafka.transactional-id-prefix", "it-" + DB);
        TransformationConfig config = TransformationConfig.fromMap(s);
        StreamExecutionEnvironment env =
                new StreamExecutionEnvironment(config.flinkConfiguration());
        TransformationJob.prepare(env, config);
        return stack.flink.submit(env, config.jobName(), restore);
    }

    /**
     * @param fullRewrite {@code maintenance.compaction.full-interval}: every second rewrites the
     *     unchanged silver tables again and again, so only where the test waits for it
     * @param manifests whether manifests are rewritten (every second, from 2 small ones)
     */
    private static JobID startMaintenance(
            boolean guard, boolean orphans, String fullRewrite, boolean manifests)
            throws Exception {
        Map<String, String> s = catalogSettings(DB);
        s.put("job.name", "it-maintenance-" + guard);
        s.put("maintenance.compaction.full-interval", fullRewrite);
        s.put("maintenance.manifests.enabled", Boolean.toString(manifests));
        s.put("maintenance.manifests.interval", "1s");
        s.put("maintenance.manifests.min-count", "2");
        s.put("execution.checkpointing.interval", "2s");
        s.put("parallelism.default", "1");
        s.put("maintenance.snapshot.max-age", "0s");
        s.put("maintenance.snapshot.retain-last", "1");
        s.put("maintenance.snapshot.interval", "1s");
        s.put("maintenance.compaction.interval", "1s");
        s.put("maintenance.compaction.commit-count", "1");
        s.put("maintenance.compaction.min-input-files", "2");
        s.put("maintenance.orphans.enabled", Boolean.toString(orphans));
        // the orphan phase needs silver.orders to stay as the job opened it (Iceberg 1.10.1's
        // listing never sees later commits, apache/iceberg#16324): no dangling delete removal
        s.put("maintenance.dangling-deletes.enabled", Boolean.toString(!orphans));
        s.put("maintenance.orphans.min-age", "1h");
        s.put("maintenance.orphans.interval", "1s");
        s.put("maintenance.rate-limit", "1s");
        s.put("maintenance.lock.check-delay", "1s");
        s.put("maintenance.bronze.consumer-guard.enabled", Boolean.toString(guard));
        MaintenanceSettings settings = MaintenanceSettings.fromMap(s);
        StreamExecutionEnvironment env =
                new StreamExecutionEnvironment(settings.flinkConfiguration());
        MaintenanceJob.prepare(env, settings);
        return stack.flink.submit(env, settings.jobName(), Optional.empty());
    }

    private static Map<String, String> catalogSettings(String database) {
        return stack.catalogSettings(database);
    }

    private static void runTransactions(WorkloadConfig workload, long seed, int transactions)
            throws Exception {
        try (Connection c = stack.postgres.connect(DB);
                WorkloadGenerator generator =
                        new WorkloadGenerator(c, workload.withSeed(seed).withRate(40))) {
            assertThat(generator.runTransactions(transactions)).isEqualTo((long) transactions);
        }
    }

    private static void awaitSilverEqualsPostgres(Catalog catalog, JobID transform, JobID ingest) {
        await().atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(3))
                .untilAsserted(
                        () -> {
                            stack.assertRunning(ingest);
                            stack.assertRunning(transform);
                            try (Connection c = stack.postgres.connect(DB)) {
                                for (String table : ShopSchema.TABLES) {
                                    assertThat(
                                                    SilverComparison.differences(
                                                            c,
                                                            silver(catalog, table),
                                                            table,
                                                            List.of()))
                                            .as("silver %s equals the source", table)
                                            .isEmpty();
                                }
                            }
                        });
    }

    private static Table silver(Catalog catalog, String table) {
        return catalog.loadTable(SilverTables.definitionFor("silver", table).identifier());
    }

    private static void awaitSnapshotsAfter(Table table, long position, int count) {
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(
                        () -> {
                            table.refresh();
                            long after = 0;
                            for (Snapshot s = table.currentSnapshot();
                                    s != null && s.snapshotId() != position;
                                    s =
                                            s.parentId() == null
                                                    ? null
                                                    : table.snapshot(s.parentId())) {
                                after++;
                            }
                            assertThat(after).isGreaterThanOrEqualTo(count);
                        });
    }

    /** The live data files of the table's current snapshot, by location. */
    private static Map<String, DataFile> dataFiles(Table table) throws Exception {
        table.refresh();
        Map<String, DataFile> files = new HashMap<>();
        for (ManifestFile manifest : table.currentSnapshot().dataManifests(table.io())) {
            try (ManifestReader<DataFile> reader =
                    ManifestFiles.read(manifest, table.io(), table.specs())) {
                reader.forEach(file -> files.put(file.location(), file.copyWithoutStats()));
            }
        }
        return files;
    }

    private static long countUpTo(Map<String, DataFile> files, long sequenceNumber) {
        return files.values().stream()
                .filter(file -> file.dataSequenceNumber() <= sequenceNumber)
                .count();
    }

    private static long records(Map<String, DataFile> files) {
        return files.values().stream().mapToLong(DataFile::recordCount).sum();
    }

    /** The snapshot committed right after {@code position}: a restore plans its read from it. */
    private static Optional<Snapshot> childOf(Table table, long position) {
        for (Snapshot s : table.snapshots()) {
            if (s.parentId() != null && s.parentId() == position) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private static List<String> rows(Table table) throws Exception {
        List<String> rows = new ArrayList<>();
        try (CloseableIterable<Record> records =
                IcebergGenerics.read(table).select("order_id", "status", "_lsn").build()) {
            for (Record r : records) {
                rows.add(
                        r.getField("order_id")
                                + "|"
                                + r.getField("status")
                                + "|"
                                + r.getField("_lsn"));
            }
        }
        rows.sort(null);
        return rows;
    }

    /** A file in the table's data folder that no snapshot references, modified {@code age} ago. */
    private static Path orphan(Table table, String name, Duration age) throws Exception {
        URI location = URI.create(table.location());
        Path file =
                stack.s3
                        .baseDirectory()
                        .resolve(location.getHost())
                        .resolve(location.getPath().substring(1))
                        .resolve("data")
                        .resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "not referenced by any snapshot");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
        return file;
    }

    private static Optional<Path> latest(Path checkpoints) {
        Optional<Path> checkpoint = EmbeddedFlinkCluster.latestRetainedCheckpoint(checkpoints);
        assertThat(checkpoint).as("a retained checkpoint of the TransformationJob").isPresent();
        return checkpoint;
    }

    /** The job's failure history, from Flink's REST API. */
    private static String exceptions(JobID job) throws Exception {
        return rest("/jobs/" + job + "/exceptions");
    }
}
