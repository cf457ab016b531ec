package dev.lakestream.connect.replay;

import dev.lakestream.connect.config.ConnectorConfigException;
import dev.lakestream.connect.rest.ConnectRestClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Turns a {@link ReplayTarget} into exact offsets per partition, from the connector's own
 * configuration (its {@code topics}) and the brokers (partitions, and the offsets of the earliest
 * record or of a timestamp), so that the plan printed is the plan carried out.
 *
 * <p>Explicit offsets are checked against the topic: an unknown topic or partition, or an offset
 * outside the retained log, is refused before anything is touched.
 */
public final class ReplayPlanner {

    private static final String SNOWFLAKE_TOPIC2TABLE = "snowflake.topic2table.map";

    private final Admin admin;
    private final ConnectRestClient rest;

    public ReplayPlanner(Admin admin, ConnectRestClient rest) {
        this.admin = admin;
        this.rest = rest;
    }

    /** The plan for a connector as it is configured on the worker. */
    public ReplayPlan plan(String connector, ReplayTarget target) {
        return plan(
                connector,
                rest.config(connector)
                        .orElseThrow(
                                () ->
                                        new ConnectorConfigException(
                                                "no connector named "
                                                        + connector
                                                        + " on "
                                                        + rest.base())),
                target);
    }

    /** The plan for a connector with the given configuration (its topics, class, table map). */
    public ReplayPlan plan(String connector, Map<String, String> config, ReplayTarget target) {
        String connectorClass = config.getOrDefault("connector.class", "?");
        String topicsValue = config.get("topics");
        if (topicsValue == null || topicsValue.isBlank()) {
            throw new ConnectorConfigException(
                    connector + ": only connectors with an explicit topics list can be replayed");
        }
        List<String> topics = new ArrayList<>();
        for (String topic : topicsValue.split(",")) {
            topics.add(topic.strip());
        }
        Map<String, TopicDescription> descriptions =
                get(admin.describeTopics(topics).allTopicNames());
        List<TopicPartition> topicPartitions = new ArrayList<>();
        descriptions.forEach(
                (topic, description) ->
                        description
                                .partitions()
                                .forEach(
                                        p ->
                                                topicPartitions.add(
                                                        new TopicPartition(topic, p.partition()))));
        Map<TopicPartition, Long> earliest = list(topicPartitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> offsets = resolve(topics, topicPartitions, earliest, target);

        SortedMap<String, SortedMap<Integer, Long>> byTopic = new TreeMap<>();
        offsets.forEach(
                (tp, offset) ->
                        byTopic.computeIfAbsent(tp.topic(), t -> new TreeMap<>())
                                .put(tp.partition(), offset));
        List<ReplayPlan.ChannelReset> channels = new ArrayList<>();
        if (connectorClass.startsWith("com.snowflake.kafka.connector.")) {
            Map<String, String> tables = topicToTable(config.get(SNOWFLAKE_TOPIC2TABLE));
            byTopic.forEach(
                    (topic, partitions) ->
                            partitions.forEach(
                                    (partition, offset) ->
                                            channels.add(
                                                    new ReplayPlan.ChannelReset(
                                                            tables.getOrDefault(topic, topic),
                                                            topic,
                                                            partition,
                                                            offset - 1,
                                                            earliest.get(
                                                                    new TopicPartition(
                                                                            topic, partition))))));
        }
        return new ReplayPlan(connector, connectorClass, describe(target), byTopic, channels);
    }

    private Map<TopicPartition, Long> resolve(
            List<String> topics,
            List<TopicPartition> partitions,
            Map<TopicPartition, Long> earliest,
            ReplayTarget target) {
        Map<TopicPartition, Long> latest = list(partitions, OffsetSpec.latest());
        if (target instanceof ReplayTarget.Earliest) {
            return earliest;
        }
        if (target instanceof ReplayTarget.AtTimestamp at) {
            Map<TopicPartition, Long> atTime =
                    list(partitions, OffsetSpec.forTimestamp(at.timestamp().toEpochMilli()));
            Map<TopicPartition, Long> offsets = new HashMap<>();
            // no record at or after the timestamp: the partition's end, nothing to replay there
            atTime.forEach((tp, offset) -> offsets.put(tp, offset < 0 ? latest.get(tp) : offset));
            return offsets;
        }
        ReplayTarget.Offsets given = (ReplayTarget.Offsets) target;
        for (var entry : given.offsets().entrySet()) {
            TopicPartition tp = entry.getKey();
            if (!topics.contains(tp.topic())) {
                throw new ConnectorConfigException(
                        "--to-offsets: "
                                + tp.topic()
                                + " is not one of the connector's topics "
                                + topics);
            }
            if (!earliest.containsKey(tp)) {
                throw new ConnectorConfigException("--to-offsets: " + tp + " does not exist");
            }
            if (entry.getValue() < earliest.get(tp) || entry.getValue() > latest.get(tp)) {
                throw new ConnectorConfigException(
                        "--to-offsets: "
                                + tp
                                + "="
                                + entry.getValue()
                                + " is outside the retained log ["
                                + earliest.get(tp)
                                + ", "
                                + latest.get(tp)
                                + "]");
            }
        }
        return given.offsets();
    }

    private Map<TopicPartition, Long> list(List<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, ListOffsetsResultInfo> infos = get(admin.listOffsets(request).all());
        Map<TopicPartition, Long> offsets = new HashMap<>();
        infos.forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    /** {@code topic:TABLE,topic2:TABLE2} as the Snowflake sink reads it. */
    static Map<String, String> topicToTable(String map) {
        Map<String, String> tables = new HashMap<>();
        if (map == null) {
            return tables;
        }
        for (String pair : map.split(",")) {
            int colon = pair.lastIndexOf(':');
            if (colon > 0) {
                tables.put(pair.substring(0, colon).strip(), pair.substring(colon + 1).strip());
            }
        }
        return tables;
    }

    private static String describe(ReplayTarget target) {
        if (target instanceof ReplayTarget.Earliest) {
            return "earliest retained offsets";
        }
        if (target instanceof ReplayTarget.AtTimestamp at) {
            return "first records at or after " + at.timestamp();
        }
        return "given offsets";
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while asking Kafka", e);
        }
    }
}
