package dev.lakestream.connect.replay;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * What a replay will do, computed before anything is changed and printed by {@code --dry-run}.
 *
 * @param offsets per topic and partition, the first offset the sink will consume again
 * @param channelResets for the Snowflake sink, one per partition: the channel offset token to set
 *     (empty for other connectors, which keep no position outside their consumer group)
 */
public record ReplayPlan(
        String connector,
        String connectorClass,
        String target,
        SortedMap<String, SortedMap<Integer, Long>> offsets,
        List<ChannelReset> channelResets) {

    /**
     * The Snowflake channel of one partition and the offset token to give it. The connector resumes
     * a channel from its token + 1 whatever its consumer group says, so the token is set to the
     * offset before the first one to replay ({@code -1}: none committed).
     *
     * @param earliestOffset the partition's log start: records below it are gone from Kafka, so a
     *     target cannot skip them
     */
    public record ChannelReset(
            String table, String topic, int partition, long offsetToken, long earliestOffset) {}

    public Map<String, Map<Integer, Long>> offsetsForPatch() {
        return Map.copyOf(offsets);
    }

    /** The plan as numbered steps, for the console. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append("Replay plan for connector ")
                .append(connector)
                .append(" (")
                .append(connectorClass)
                .append("), target: ")
                .append(target)
                .append('\n');
        if (!channelResets.isEmpty()) {
            s.append("  0. before the connector is touched: log in to Snowflake, list the channels")
                    .append(" of each table (SHOW CHANNELS IN TABLE) and refuse if a partition")
                    .append(" has no channel, or if a target is beyond its channel's offset token")
                    .append(" (unless --force)\n");
        }
        s.append("  1. stop the connector (PUT /connectors/")
                .append(connector)
                .append("/stop) and wait until STOPPED\n");
        s.append("  2. set its sink offsets (PATCH /connectors/")
                .append(connector)
                .append("/offsets):\n");
        offsets.forEach(
                (topic, partitions) ->
                        partitions.forEach(
                                (partition, offset) ->
                                        s.append("       ")
                                                .append(topic)
                                                .append('-')
                                                .append(partition)
                                                .append(" -> ")
                                                .append(offset)
                                                .append('\n')));
        if (channelResets.isEmpty()) {
            s.append("  3. no Snowflake channels to reset (not the Snowflake sink)\n");
        } else {
            s.append("  3. list the channels again, reset their offset tokens (")
                    .append("SYSTEM$SNOWPIPE_STREAMING_UPDATE_CHANNEL_OFFSET_TOKEN) and check")
                    .append(" that Snowflake reports the new tokens:\n");
            for (ChannelReset reset : channelResets) {
                s.append("       ")
                        .append(reset.table())
                        .append(" channel of ")
                        .append(reset.topic())
                        .append('-')
                        .append(reset.partition())
                        .append(" -> token ")
                        .append(reset.offsetToken())
                        .append('\n');
            }
        }
        s.append("  4. resume the connector (PUT /connectors/")
                .append(connector)
                .append("/resume) and wait until RUNNING\n");
        return s.toString();
    }
}
