package dev.lakestream.catalog;

import java.util.Map;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;

/**
 * What table maintenance keeps bounded, read from a table's metadata without scanning data: live
 * data and delete files, rows physically in the data files (deleted ones included until a
 * compaction applies the deletes), snapshots, manifests of the current snapshot and the size of the
 * current metadata file.
 */
public record TableHealth(
        String table,
        long dataFiles,
        long deleteFiles,
        long records,
        int snapshots,
        int manifests,
        long metadataBytes) {

    public static TableHealth of(Table table) {
        Snapshot current = table.currentSnapshot();
        long data = 0;
        long deletes = 0;
        long records = 0;
        int manifests = 0;
        if (current != null) {
            Map<String, String> summary = current.summary();
            data = Long.parseLong(summary.getOrDefault(SnapshotSummary.TOTAL_DATA_FILES_PROP, "0"));
            deletes =
                    Long.parseLong(
                            summary.getOrDefault(SnapshotSummary.TOTAL_DELETE_FILES_PROP, "0"));
            records = Long.parseLong(summary.getOrDefault(SnapshotSummary.TOTAL_RECORDS_PROP, "0"));
            manifests = current.allManifests(table.io()).size();
        }
        int snapshots = 0;
        for (Snapshot ignored : table.snapshots()) {
            snapshots++;
        }
        long metadataBytes = -1;
        if (table instanceof HasTableOperations ops) {
            String location = ops.operations().current().metadataFileLocation();
            if (location != null) {
                metadataBytes = table.io().newInputFile(location).getLength();
            }
        }
        return new TableHealth(
                table.name(), data, deletes, records, snapshots, manifests, metadataBytes);
    }

    /** One line for logs and the local stack's console. */
    public String describe() {
        return String.format(
                "%s: %d data files (%d rows), %d delete files, %d snapshots, %d manifests,"
                        + " metadata %d KiB",
                table, dataFiles, records, deleteFiles, snapshots, manifests, metadataBytes / 1024);
    }
}
