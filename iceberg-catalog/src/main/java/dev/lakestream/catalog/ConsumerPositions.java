package dev.lakestream.catalog;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.iceberg.Table;

/**
 * Where a streaming reader of a table stands, kept as table properties so that table maintenance
 * can see it through any catalog.
 *
 * <p>A job that reads a table incrementally (the TransformationJob reading bronze) publishes, per
 * table, the read floor of its most recent completed checkpoint: the newest snapshot such that
 * every file added at or before it has been read completely ({@code
 * lakestream.consumer.<job>.snapshot-id} and {@code
 * lakestream.consumer.<job>.snapshot-timestamp-ms}). On restore from that checkpoint the reader
 * plans an incremental scan from a snapshot no older than the floor to the current one, and reads
 * the unfinished splits of files added after the floor. Table maintenance therefore never expires
 * snapshots at or after the oldest floor, and compacts only files added at or before it.
 *
 * <p>A consumer that is retired for good leaves its position behind and holds back expiry of that
 * table: remove its two properties ({@code ALTER TABLE ... UNSET TBLPROPERTIES}) to release it.
 */
public final class ConsumerPositions {

    public static final String PREFIX = "lakestream.consumer.";
    private static final String SNAPSHOT_ID = ".snapshot-id";
    private static final String TIMESTAMP = ".snapshot-timestamp-ms";

    private ConsumerPositions() {}

    /** One consumer's published position. */
    public record Position(String consumer, long snapshotId, long snapshotTimestampMillis) {}

    public static String snapshotIdKey(String consumer) {
        return PREFIX + consumer + SNAPSHOT_ID;
    }

    public static String timestampKey(String consumer) {
        return PREFIX + consumer + TIMESTAMP;
    }

    /** Records a consumer's position (one metadata commit, retried by Iceberg on conflict). */
    public static void publish(Table table, String consumer, long snapshotId, long timestampMs) {
        table.updateProperties()
                .set(snapshotIdKey(consumer), Long.toString(snapshotId))
                .set(timestampKey(consumer), Long.toString(timestampMs))
                .commit();
    }

    /** Every consumer position published on the table, by consumer name. */
    public static Map<String, Position> all(Map<String, String> tableProperties) {
        Map<String, Position> positions = new TreeMap<>();
        tableProperties.forEach(
                (key, value) -> {
                    if (key.startsWith(PREFIX) && key.endsWith(TIMESTAMP)) {
                        String consumer =
                                key.substring(PREFIX.length(), key.length() - TIMESTAMP.length());
                        String id = tableProperties.get(snapshotIdKey(consumer));
                        try {
                            positions.put(
                                    consumer,
                                    new Position(
                                            consumer,
                                            id == null ? -1L : Long.parseLong(id),
                                            Long.parseLong(value)));
                        } catch (NumberFormatException e) {
                            // a hand-edited, unreadable position: treat it as the oldest possible
                            // one, so that it holds expiry back rather than letting it through
                            positions.put(consumer, new Position(consumer, -1L, Long.MIN_VALUE));
                        }
                    }
                });
        return positions;
    }

    /** The position furthest behind, the one expiry must respect. */
    public static Optional<Position> oldest(Map<String, String> tableProperties) {
        return all(tableProperties).values().stream()
                .min(java.util.Comparator.comparingLong(Position::snapshotTimestampMillis));
    }
}
