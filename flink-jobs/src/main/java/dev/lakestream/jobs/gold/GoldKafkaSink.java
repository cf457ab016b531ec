package dev.lakestream.jobs.gold;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/**
 * The exactly-once Kafka sink of gold: records are written in a Kafka transaction that commits when
 * the Flink checkpoint completes, so {@code read_committed} readers see each gold change once, and
 * never a change from an attempt that failed.
 *
 * <pre>
 *   KafkaSink&lt;SalesDailyMetrics&gt; sink =
 *       GoldKafkaSink.create("broker:9092", "lakestream.gold.sales_daily_metrics",
 *           "lakestream-transformation", Duration.ofMinutes(10), Map.of());
 * </pre>
 */
public final class GoldKafkaSink {

    private GoldKafkaSink() {}

    /**
     * @param producerProperties extra producer settings (security, for example), applied last
     */
    public static KafkaSink<SalesDailyMetrics> create(
            String bootstrapServers,
            String topic,
            String transactionalIdPrefix,
            Duration transactionTimeout,
            Map<String, String> producerProperties) {
        Properties producer = new Properties();
        producer.setProperty(
                "transaction.timeout.ms", Long.toString(transactionTimeout.toMillis()));
        producer.setProperty("compression.type", "zstd");
        producer.setProperty("enable.idempotence", "true");
        producer.putAll(producerProperties);
        return KafkaSink.<SalesDailyMetrics>builder()
                .setBootstrapServers(bootstrapServers)
                .setRecordSerializer(new GoldRecordSerializer(topic))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setKafkaProducerConfig(producer)
                .build();
    }
}
