package dev.lakestream.shop.feeds;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The stores' door counters: visitors per store and hour, written as a landing file (CSV with a
 * header, or JSON Lines) and recorded in {@code feeds.foot_traffic}, so that what the files say can
 * be checked against gold. A file that names an hour again corrects it: the later file wins, in the
 * table as in silver.
 */
public final class FootTrafficFeed {

    /** One counted hour of one store. */
    public record Count(long storeId, Instant hourStart, int visitors) {}

    private final long seed;

    public FootTrafficFeed(long seed) {
        this.seed = seed;
    }

    /** The counts of every store for one hour (busier at midday UTC, never negative). */
    public List<Count> hour(List<Long> storeIds, Instant hourStart) {
        Instant hour = hourStart.truncatedTo(ChronoUnit.HOURS);
        List<Count> counts = new ArrayList<>();
        for (long store : storeIds) {
            SplittableRandom random =
                    new SplittableRandom(seed * 131 + store * 977 + hour.getEpochSecond());
            int base = 20 + (int) (store % 7) * 5;
            counts.add(new Count(store, hour, base + random.nextInt(60)));
        }
        return counts;
    }

    /** The counts as a CSV file with a header: {@code store_id,hour_start,visitors}. */
    public static String csv(List<Count> counts) {
        StringBuilder b = new StringBuilder("store_id,hour_start,visitors\n");
        for (Count c : counts) {
            b.append(c.storeId())
                    .append(',')
                    .append(c.hourStart())
                    .append(',')
                    .append(c.visitors())
                    .append('\n');
        }
        return b.toString();
    }

    /** The counts as JSON Lines, one object per line. */
    public static String jsonLines(List<Count> counts) {
        StringBuilder b = new StringBuilder();
        for (Count c : counts) {
            b.append("{\"store_id\":")
                    .append(c.storeId())
                    .append(",\"hour_start\":\"")
                    .append(c.hourStart())
                    .append("\",\"visitors\":")
                    .append(c.visitors())
                    .append("}\n");
        }
        return b.toString();
    }

    /**
     * Records the counts of a landed file in {@code feeds.foot_traffic}; {@code firstLine} is the
     * line number of the first count (2 for a CSV after its header, 1 for JSON Lines).
     */
    public static void record(Connection c, String file, int firstLine, List<Count> counts)
            throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "INSERT INTO "
                                + FeedSchema.SCHEMA
                                + ".foot_traffic VALUES (?, ?, ?, ?, ?) ON CONFLICT (store_id,"
                                + " hour_start) DO UPDATE SET visitors = excluded.visitors, file ="
                                + " excluded.file, line = excluded.line")) {
            int line = firstLine;
            for (Count count : counts) {
                ps.setLong(1, count.storeId());
                ps.setTimestamp(2, Timestamp.from(count.hourStart()));
                ps.setInt(3, count.visitors());
                ps.setString(4, file);
                ps.setInt(5, line++);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
