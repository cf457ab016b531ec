package dev.lakestream.jobs.gold;

import dev.lakestream.catalog.GoldTables;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Settings of the gold outputs ({@code gold.*}): the Kafka topic and the Iceberg table. */
public final class GoldOptions {

    private GoldOptions() {}

    public static final ConfigOption<String> NAMESPACE =
            ConfigOptions.key("gold.namespace")
                    .stringType()
                    .defaultValue(GoldTables.DEFAULT_NAMESPACE)
                    .withDescription("Iceberg namespace of the gold tables.");

    public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS =
            ConfigOptions.key("gold.kafka.bootstrap-servers")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Kafka brokers the gold topic lives on, host:port,...");

    public static final ConfigOption<String> KAFKA_TOPIC =
            ConfigOptions.key("gold.kafka.topic")
                    .stringType()
                    .defaultValue("lakestream.gold.sales_daily_metrics")
                    .withDescription(
                            "Compacted topic of sales_daily_metrics (created by the deployment"
                                    + " with cleanup.policy=compact).");

    public static final ConfigOption<String> KAFKA_TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("gold.kafka.transactional-id-prefix")
                    .stringType()
                    .defaultValue("lakestream-transformation")
                    .withDescription(
                            "Prefix of the Kafka transactional ids; unique per job writing to the"
                                    + " cluster.");

    public static final ConfigOption<Duration> KAFKA_TRANSACTION_TIMEOUT =
            ConfigOptions.key("gold.kafka.transaction-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(15))
                    .withDescription(
                            "Kafka transaction time-out. Checked at start-up: longer than"
                                    + " checkpoint interval + execution.checkpointing.timeout +"
                                    + " one restart delay + 1 min, and at most the broker's"
                                    + " transaction.max.timeout.ms (15 min by default).");

    public static final ConfigOption<String> REPORTING_CURRENCY =
            ConfigOptions.key("gold.reporting-currency")
                    .stringType()
                    .defaultValue("EUR")
                    .withDescription(
                            "ISO 4217 currency net revenue is also reported in, converted at the"
                                    + " sale date's rate from silver exchange_rates.");

    public static final ConfigOption<Boolean> KAFKA_ACCEPT_LOST_TRANSACTIONS =
            ConfigOptions.key("gold.kafka.accept-lost-transactions")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Go on when a pre-committed gold transaction is gone from the broker"
                                    + " (the job was down longer than the transaction time-out)."
                                    + " Off: the job fails, saying how to recover; set it only"
                                    + " for the restart that accepts the loss.");

    public static List<ConfigOption<?>> all() {
        return List.of(
                NAMESPACE,
                REPORTING_CURRENCY,
                KAFKA_BOOTSTRAP_SERVERS,
                KAFKA_TOPIC,
                KAFKA_TRANSACTIONAL_ID_PREFIX,
                KAFKA_TRANSACTION_TIMEOUT,
                KAFKA_ACCEPT_LOST_TRANSACTIONS);
    }
}
