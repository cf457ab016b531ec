package dev.lakestream.connect.replay;

import dev.lakestream.connect.config.ConnectorConfigException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** Where a replay starts: the earliest retained record, a point in time, or given offsets. */
public sealed interface ReplayTarget {

    /** Every partition from its log start offset. */
    record Earliest() implements ReplayTarget {}

    /**
     * Every partition from its first record with a timestamp at or after {@code timestamp}; a
     * partition with none is positioned at its end (nothing to replay there).
     */
    record AtTimestamp(Instant timestamp) implements ReplayTarget {}

    /** Exactly these partitions from these offsets; other partitions keep their position. */
    record Offsets(Map<TopicPartition, Long> offsets) implements ReplayTarget {
        public Offsets {
            offsets = Map.copyOf(offsets);
        }
    }

    /** Parses {@code 2026-11-29T10:00:00Z}; the message names the option. */
    static AtTimestamp timestamp(String value) {
        try {
            return new AtTimestamp(Instant.parse(value));
        } catch (DateTimeParseException e) {
            throw new ConnectorConfigException(
                    "--to-timestamp: '"
                            + value
                            + "' is not an ISO-8601 instant such as"
                            + " 2026-11-29T10:00:00Z");
        }
    }

    /** Parses {@code topic:partition=offset[,topic:partition=offset...]}. */
    static Offsets offsets(String value) {
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        for (String item : value.split(",")) {
            String entry = item.strip();
            int eq = entry.lastIndexOf('=');
            int colon = eq < 0 ? -1 : entry.lastIndexOf(':', eq);
            if (colon <= 0 || eq < colon + 2 || eq == entry.length() - 1) {
                throw new ConnectorConfigException(
                        "--to-offsets: '" + entry + "' is not topic:partition=offset");
            }
            try {
                int partition = Integer.parseInt(entry.substring(colon + 1, eq));
                long offset = Long.parseLong(entry.substring(eq + 1));
                if (partition < 0 || offset < 0) {
                    throw new NumberFormatException("negative");
                }
                TopicPartition tp = new TopicPartition(entry.substring(0, colon), partition);
                if (offsets.put(tp, offset) != null) {
                    throw new ConnectorConfigException("--to-offsets: " + tp + " given twice");
                }
            } catch (NumberFormatException e) {
                throw new ConnectorConfigException(
                        "--to-offsets: '"
                                + entry
                                + "': partition and offset must be"
                                + " non-negative numbers");
            }
        }
        return new Offsets(offsets);
    }
}
