package dev.lakestream.ops.quarantine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;

/**
 * Appends a few rows to an Iceberg table from outside Flink: one Parquet data file (all rows in one
 * partition), committed as one snapshot that carries a summary property, so the snapshot can be
 * found again by it ({@link #snapshotWith}).
 */
final class IcebergAppends {

    private IcebergAppends() {}

    /**
     * Writes the rows as one file and commits it.
     *
     * @param summary properties of the new snapshot's summary
     * @return the id of the snapshot that holds the rows
     */
    static long append(Table table, List<Record> rows, Map<String, String> summary) {
        PartitionKey partition = new PartitionKey(table.spec(), table.schema());
        partition.partition(new InternalRecordWrapper(table.schema().asStruct()).wrap(rows.get(0)));
        OutputFileFactory files =
                OutputFileFactory.builderFor(table, 1, System.currentTimeMillis())
                        .format(FileFormat.PARQUET)
                        .build();
        DataWriter<Record> writer =
                new GenericAppenderFactory(table.schema(), table.spec())
                        .newDataWriter(
                                table.spec().isUnpartitioned()
                                        ? files.newOutputFile()
                                        : files.newOutputFile(table.spec(), partition),
                                FileFormat.PARQUET,
                                table.spec().isUnpartitioned() ? null : partition);
        try (writer) {
            rows.forEach(writer::write);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + table.name(), e);
        }
        DataFile file = writer.toDataFile();
        AppendFiles append = table.newAppend().appendFile(file);
        summary.forEach(append::set);
        append.commit();
        table.refresh();
        Map.Entry<String, String> mark = summary.entrySet().iterator().next();
        return snapshotWith(table, mark.getKey(), mark.getValue())
                .map(Snapshot::snapshotId)
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "the append to "
                                                + table.name()
                                                + " committed no snapshot"));
    }

    /** The newest snapshot of the table whose summary has the property, if it is still kept. */
    static Optional<Snapshot> snapshotWith(Table table, String property, String value) {
        Snapshot found = null;
        for (Snapshot snapshot : table.snapshots()) {
            if (value.equals(snapshot.summary().get(property))
                    && (found == null || snapshot.sequenceNumber() > found.sequenceNumber())) {
                found = snapshot;
            }
        }
        return Optional.ofNullable(found);
    }
}
