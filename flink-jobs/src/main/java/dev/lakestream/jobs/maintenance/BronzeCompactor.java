package dev.lakestream.jobs.maintenance;

import dev.lakestream.catalog.ConsumerPositions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.flink.metrics.Counter;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts the small data files of an append-only table a streaming reader consumes (bronze), but
 * only files that reader has read completely: those added at or before its published read floor
 * ({@link ConsumerPositions}, published by {@code PositionPublishingSource}).
 *
 * <pre>
 *  tick --&gt; oldest read floor of the table's readers (none: nothing to do)
 *       --&gt; live data files with data sequence number &lt;= the floor snapshot's, smaller than
 *           3/4 of the target size, per partition; at least min-input-files of them
 *       --&gt; bin-packed up to the target size, read in commit order, one Parquet file per bin
 *       --&gt; one replace commit, validated from the snapshot planned on, the new files keeping
 *           the highest sequence number they replace (so they stay below the floor and may be
 *           packed again with newer small files)
 * </pre>
 *
 * <p>Why it is safe for the reader: a restore of the reader never reads a file at or below the
 * floor again, and it plans its next scan from a snapshot no older than the floor; the incremental
 * scan skips the {@code replace} snapshot. Files the reader has not finished are never touched, so
 * a restore finds them even after expiry deleted the replaced ones. A reader that starts afresh
 * scans the current snapshot, compacted files included. Rows keep their order, file by file in
 * commit order, so a replay reads them as they were written.
 *
 * <p>It runs under the table's lock, so an orphan listing never sees its files before the commit. A
 * table with delete files, or none of whose readers published a floor yet, is left alone. Metrics:
 * {@code bronzeCompactions}, {@code bronzeCompactionFailures}, {@code bronzeFilesCompacted}.
 */
final class BronzeCompactor extends TickedTableTask {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BronzeCompactor.class);

    private final long targetFileSizeBytes;
    private final int minInputFiles;
    private transient Counter compacted;
    private transient boolean toldNoFloor;

    BronzeCompactor(
            TableLoader tableLoader,
            TriggerLockFactory lockFactory,
            int everyTicks,
            long targetFileSizeBytes,
            int minInputFiles) {
        super("bronzeCompaction", tableLoader, lockFactory, everyTicks);
        this.targetFileSizeBytes = targetFileSizeBytes;
        this.minInputFiles = Math.max(2, minInputFiles);
    }

    @Override
    void openMetrics() {
        compacted = getRuntimeContext().getMetricGroup().counter("bronzeFilesCompacted");
    }

    @Override
    void run(Table table, Snapshot current) {
        Optional<ConsumerPositions.Position> floor = ConsumerPositions.oldest(table.properties());
        if (floor.isEmpty()) {
            if (!toldNoFloor) {
                toldNoFloor = true;
                LOG.info(
                        "{}: not compacted until a streaming reader publishes how far it has read",
                        table.name());
            }
            return;
        }
        Snapshot floorSnapshot = table.snapshot(floor.get().snapshotId());
        if (floorSnapshot == null) {
            LOG.warn(
                    "{}: the read floor of {} names snapshot {}, which the table no longer has;"
                            + " not compacted",
                    table.name(),
                    floor.get().consumer(),
                    floor.get().snapshotId());
            return;
        }
        if (!current.deleteManifests(table.io()).isEmpty()) {
            LOG.warn("{}: has delete files; an append-only compaction leaves it", table.name());
            return;
        }
        List<List<DataFile>> bins = plan(table, current, floorSnapshot.sequenceNumber());
        if (!bins.isEmpty()) {
            underLock(table, () -> compact(table, current, bins));
        }
    }

    /** Small files read by every reader, per partition of the current spec, bin-packed. */
    List<List<DataFile>> plan(Table table, Snapshot current, long floorSequenceNumber) {
        long small = targetFileSizeBytes * 3 / 4;
        int specId = table.spec().specId();
        Map<String, List<DataFile>> byPartition = new LinkedHashMap<>();
        for (ManifestFile manifest : current.dataManifests(table.io())) {
            if (manifest.partitionSpecId() != specId) {
                continue;
            }
            try (ManifestReader<DataFile> reader =
                    ManifestFiles.read(manifest, table.io(), table.specs())) {
                for (DataFile file : reader) {
                    Long sequence = file.dataSequenceNumber();
                    if (sequence != null
                            && sequence <= floorSequenceNumber
                            && file.fileSizeInBytes() < small
                            && file.format() == FileFormat.PARQUET) {
                        byPartition
                                .computeIfAbsent(
                                        table.spec().partitionToPath(file.partition()),
                                        k -> new ArrayList<>())
                                .add(file.copyWithoutStats());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<List<DataFile>> bins = new ArrayList<>();
        for (List<DataFile> files : byPartition.values()) {
            if (files.size() < minInputFiles) {
                continue;
            }
            files.sort(
                    Comparator.comparingLong(DataFile::dataSequenceNumber)
                            .thenComparing(DataFile::location));
            List<DataFile> bin = new ArrayList<>();
            long size = 0;
            for (DataFile file : files) {
                if (!bin.isEmpty() && size + file.fileSizeInBytes() > targetFileSizeBytes) {
                    bins.add(bin);
                    bin = new ArrayList<>();
                    size = 0;
                }
                bin.add(file);
                size += file.fileSizeInBytes();
            }
            bins.add(bin);
        }
        bins.removeIf(bin -> bin.size() < 2);
        return bins;
    }

    private void compact(Table table, Snapshot base, List<List<DataFile>> bins) {
        long start = System.nanoTime();
        OutputFileFactory files =
                OutputFileFactory.builderFor(table, 0, System.currentTimeMillis())
                        .format(FileFormat.PARQUET)
                        .operationId("compaction-" + UUID.randomUUID())
                        .build();
        List<DataFile> written = new ArrayList<>();
        RewriteFiles rewrite = table.newRewrite().validateFromSnapshot(base.snapshotId());
        long sequence = 0;
        int replaced = 0;
        long bytes = 0;
        try {
            for (List<DataFile> bin : bins) {
                written.add(write(table, files, bin));
                for (DataFile file : bin) {
                    rewrite.deleteFile(file);
                    sequence = Math.max(sequence, file.dataSequenceNumber());
                    bytes += file.fileSizeInBytes();
                    replaced++;
                }
            }
            written.forEach(rewrite::addFile);
            rewrite.dataSequenceNumber(sequence).commit();
        } catch (CommitStateUnknownException e) {
            throw e; // the commit may have landed: its files are not ours to delete
        } catch (RuntimeException e) {
            written.forEach(file -> table.io().deleteFile(file.location()));
            throw e;
        }
        compacted.inc(replaced);
        LOG.info(
                "{}: compacted {} files ({} KB) read by every reader into {}, in {} ms",
                table.name(),
                replaced,
                bytes / 1024,
                written.size(),
                (System.nanoTime() - start) / 1_000_000);
    }

    /** One new file with the rows of {@code bin}, in order. */
    private static DataFile write(Table table, OutputFileFactory files, List<DataFile> bin) {
        PartitionSpec spec = table.spec();
        GenericAppenderFactory appenders =
                new GenericAppenderFactory(table.schema(), spec).setAll(table.properties());
        DataWriter<Record> writer =
                appenders.newDataWriter(
                        files.newOutputFile(spec, bin.get(0).partition()),
                        FileFormat.PARQUET,
                        bin.get(0).partition());
        try (writer) {
            for (DataFile file : bin) {
                try (CloseableIterable<Record> rows =
                        Parquet.read(table.io().newInputFile(file.location()))
                                .project(table.schema())
                                .createReaderFunc(
                                        fileSchema ->
                                                GenericParquetReaders.buildReader(
                                                        table.schema(), fileSchema))
                                .build()) {
                    rows.forEach(writer::write);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot compact into " + writer, e);
        }
        return writer.toDataFile();
    }
}
