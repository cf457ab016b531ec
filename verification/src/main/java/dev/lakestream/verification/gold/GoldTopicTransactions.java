package dev.lakestream.verification.gold;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.FileRecords;

/**
 * Which Kafka transaction wrote each record of a topic, read from the broker's log segments: the
 * one exact answer, for a broker whose log folder is at hand (the embedded one).
 *
 * <p>A consumer cannot tell: the records of the next checkpoint's transaction may sit right after
 * the previous one's, ahead of its commit marker (Flink begins the next transaction at the barrier
 * and commits the previous one only when the checkpoint completes, later, or after a broker
 * outage), so a gap in the offsets does not mark a transaction's end. The log does: every batch
 * names its producer, and each transaction of a producer ends with a control batch (the commit or
 * abort marker). A transaction is named {@code <producer id>.<epoch>#<n>}, n counting that
 * producer's markers before it.
 */
public final class GoldTopicTransactions {

    private final Map<Integer, TreeMap<Long, String>> byPartition;

    private GoldTopicTransactions(Map<Integer, TreeMap<Long, String>> byPartition) {
        this.byPartition = byPartition;
    }

    /**
     * Reads every segment of {@code topic} under the broker's {@code log.dirs} folder. Records
     * written while this reads may be missing (a batch cut at the end of the active segment ends
     * the read of that partition).
     */
    public static GoldTopicTransactions read(Path logDirs, String topic) {
        Map<Integer, TreeMap<Long, String>> byPartition = new HashMap<>();
        String prefix = topic + "-";
        try (Stream<Path> folders = Files.list(logDirs)) {
            for (Path folder : folders.toList()) {
                String name = folder.getFileName().toString();
                if (!name.startsWith(prefix) || !name.substring(prefix.length()).matches("\\d+")) {
                    continue;
                }
                int partition = Integer.parseInt(name.substring(prefix.length()));
                byPartition.put(partition, partition(folder));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the Kafka log folder " + logDirs, e);
        }
        return new GoldTopicTransactions(byPartition);
    }

    /** The transaction that wrote the record at this offset; null when the log does not have it. */
    public String of(int partition, long offset) {
        TreeMap<Long, String> batches = byPartition.get(partition);
        if (batches == null) {
            return null;
        }
        Map.Entry<Long, String> batch = batches.floorEntry(offset);
        return batch != null ? batch.getValue() : null;
    }

    /**
     * Base offset of each data batch, mapped to its transaction ("" for a non-transactional one).
     */
    private static TreeMap<Long, String> partition(Path folder) throws IOException {
        List<Path> segments;
        try (Stream<Path> files = Files.list(folder)) {
            segments =
                    files.filter(f -> f.getFileName().toString().endsWith(".log"))
                            .sorted()
                            .toList();
        }
        TreeMap<Long, String> batches = new TreeMap<>();
        Map<Long, Integer> markersSeen = new HashMap<>();
        for (Path segment : segments) {
            File file = segment.toFile();
            try (FileRecords records = FileRecords.open(file, false)) {
                for (FileChannelRecordBatch batch : records.batches()) {
                    long producer = batch.producerId();
                    if (batch.isControlBatch()) {
                        markersSeen.merge(producer, 1, Integer::sum);
                    } else if (batch.isTransactional()) {
                        batches.put(
                                batch.baseOffset(),
                                producer
                                        + "."
                                        + batch.producerEpoch()
                                        + "#"
                                        + markersSeen.getOrDefault(producer, 0));
                    } else {
                        batches.put(batch.baseOffset(), "");
                    }
                }
            } catch (CorruptRecordException e) {
                break; // a batch still being appended at the end of the active segment
            }
        }
        return batches;
    }
}
