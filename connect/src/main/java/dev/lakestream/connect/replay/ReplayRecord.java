package dev.lakestream.connect.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a replay did to Snowflake, kept after it: one JSON line per channel whose offset token it
 * set and read back, with the token before and after, the topic partition it stands for and when.
 * Together with the lineage ledger's gold records and Kafka offsets ({@code ./lakestream lineage})
 * it says which gold records Snowflake was told to take again.
 *
 * <pre>
 * {"at":"2026-12-01T17:40:00Z","connector":"lakestream-snowflake-sink","table":"SALES_DAILY_METRICS_LANDING",
 *  "channel":"LAKESTREAM_..._0","topic":"lakestream.gold.sales_daily_metrics","partition":0,
 *  "offset_token_before":"1234","offset_token":"-1"}
 * </pre>
 */
public interface ReplayRecord {

    /** Records nothing (tests, dry runs). */
    ReplayRecord NONE = (connector, reset, channel, before, at) -> {};

    /** One channel's token was set to {@code reset.offsetToken()} and read back so. */
    void channelSet(
            String connector,
            ReplayPlan.ChannelReset reset,
            String channel,
            String tokenBefore,
            Instant at);

    /** Appends JSON lines to {@code file}, creating it (and its folder) when missing. */
    static ReplayRecord jsonLines(Path file) {
        ObjectMapper json = new ObjectMapper();
        return (connector, reset, channel, before, at) -> {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("at", at.toString());
            line.put("connector", connector);
            line.put("table", reset.table());
            line.put("channel", channel);
            line.put("topic", reset.topic());
            line.put("partition", reset.partition());
            line.put("offset_token_before", before);
            line.put("offset_token", Long.toString(reset.offsetToken()));
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(
                        file,
                        json.writeValueAsString(line) + "\n",
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "could not record the replay in " + file + ": " + e.getMessage(), e);
            }
        };
    }
}
