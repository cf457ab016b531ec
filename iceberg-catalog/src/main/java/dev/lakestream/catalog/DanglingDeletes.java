package dev.lakestream.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.util.PartitionMap;

/**
 * The delete files of a snapshot that no data file can be affected by, now or later, found
 * partition by partition from manifest metadata alone.
 *
 * <p>An equality delete with data sequence number {@code s} applies to the data files of its
 * partition with a sequence number below {@code s}; a position delete to those at or below it. So
 * once every live data file of a partition is at least as new as an equality delete (newer than a
 * position delete), the delete applies to nothing: it is dangling. That is what a compaction leaves
 * behind: its files take the sequence number of the snapshot it started from, which is at least
 * that of every file it replaced. Iceberg drops such deletes itself only when every data file of
 * the whole table is newer (1.10.1, {@code MergingSnapshotProducer}), which in a table with a
 * partition nobody updates (an old month of gold) never happens.
 *
 * <p>Removing them is safe against concurrent commits: a writer adds files with a newer sequence
 * number, and a compaction adds files with the sequence number of its start, which is at least the
 * lowest one of the live files it replaces, so neither can make a dangling delete apply again.
 *
 * <p>Tables with more than one partition spec are left alone: an equality delete of one spec can
 * apply to data files of another (a global delete of an unpartitioned spec).
 */
public final class DanglingDeletes {

    private DanglingDeletes() {}

    /** The dangling delete files of {@code snapshot}; empty for a table with several specs. */
    public static List<DeleteFile> of(
            Snapshot snapshot, FileIO io, Map<Integer, PartitionSpec> specs) {
        List<DeleteFile> dangling = new ArrayList<>();
        List<ManifestFile> deleteManifests = snapshot.deleteManifests(io);
        if (deleteManifests.isEmpty() || specs.size() > 1) {
            return dangling;
        }
        PartitionMap<Long> oldestData = PartitionMap.create(specs);
        for (ManifestFile manifest : snapshot.dataManifests(io)) {
            try (ManifestReader<DataFile> files = ManifestFiles.read(manifest, io, specs)) {
                for (DataFile file : files) {
                    long seq = file.dataSequenceNumber();
                    Long oldest = oldestData.get(file.specId(), file.partition());
                    if (oldest == null || seq < oldest) {
                        oldestData.put(file.specId(), file.partition(), seq);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + manifest.path(), e);
            }
        }
        for (ManifestFile manifest : deleteManifests) {
            try (ManifestReader<DeleteFile> files =
                    ManifestFiles.readDeleteManifest(manifest, io, specs)) {
                for (DeleteFile file : files) {
                    Long oldest = oldestData.get(file.specId(), file.partition());
                    if (oldest == null || appliesToNothingFrom(file, oldest)) {
                        dangling.add(file);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + manifest.path(), e);
            }
        }
        return dangling;
    }

    /** Whether a delete applies to no data file with this sequence number or a newer one. */
    public static boolean appliesToNothingFrom(DeleteFile delete, long oldestDataSequenceNumber) {
        long seq = delete.dataSequenceNumber();
        return delete.content() == FileContent.EQUALITY_DELETES
                ? seq <= oldestDataSequenceNumber
                : seq < oldestDataSequenceNumber;
    }
}
