package dev.lakestream.jobs.transformation;

import dev.lakestream.catalog.CatalogSettings;
import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.jobs.bronze.BronzeOptions;
import dev.lakestream.jobs.config.CatalogOptions;
import dev.lakestream.jobs.config.ConfigKeys;
import dev.lakestream.jobs.config.JobSettings;
import dev.lakestream.jobs.gold.GoldOptions;
import dev.lakestream.jobs.gold.TransactionTimeout;
import dev.lakestream.jobs.silver.SilverOptions;
import dev.lakestream.jobs.state.Tombstones;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.Configuration;

/**
 * Everything the TransformationJob needs, read once and validated: where bronze, silver and gold
 * live, and where gold is published.
 */
public record TransformationConfig(
        String jobName,
        CatalogSettings catalog,
        String bronzeNamespace,
        String silverNamespace,
        int silverWriteParallelism,
        String goldNamespace,
        String reportingCurrency,
        Duration bronzeMonitorInterval,
        String kafkaBootstrapServers,
        String kafkaTopic,
        String kafkaTransactionalIdPrefix,
        Duration kafkaTransactionTimeout,
        boolean kafkaAcceptLostTransactions,
        Map<String, String> kafkaProducerProperties,
        Duration tombstoneRetention,
        Configuration flinkConfiguration,
        Duration positionPublishInterval) {

    public static final String KAFKA_PROPERTY_PREFIX = "gold.kafka.property.";

    /** Every key the TransformationJob understands, from its options classes. */
    public static List<String> knownKeys() {
        return ConfigKeys.builder()
                .addAll(TransformationOptions.class)
                .add(SilverOptions.NAMESPACE)
                .add(SilverOptions.WRITE_PARALLELISM)
                .addAll(GoldOptions.class)
                .addAll(dev.lakestream.jobs.gold.GoldKafkaSecurity.class)
                .add(BronzeOptions.NAMESPACE)
                .addAll(CatalogOptions.class)
                .build();
    }

    /** Keys that only come from the environment: the catalog's and the gold producer's. */
    public static Set<String> secretKeys() {
        Set<String> secrets = new java.util.HashSet<>(CatalogSettings.SECRET_KEYS);
        secrets.addAll(dev.lakestream.jobs.gold.GoldKafkaSecurity.SECRET_KEYS);
        return Set.copyOf(secrets);
    }

    private static Set<String> openPrefixes() {
        return Set.of(CatalogSettings.PASSTHROUGH_PREFIX, KAFKA_PROPERTY_PREFIX);
    }

    public static TransformationConfig load(Path file, Map<String, String> environment) {
        return from(JobSettings.load(file, environment, knownKeys(), secretKeys(), openPrefixes()));
    }

    public static TransformationConfig fromMap(Map<String, String> settings) {
        return from(JobSettings.fromMap(settings, knownKeys(), openPrefixes()));
    }

    public static TransformationConfig from(JobSettings settings) {
        Map<String, String> producer = new HashMap<>();
        settings.asMap()
                .forEach(
                        (k, v) -> {
                            if (k.startsWith(KAFKA_PROPERTY_PREFIX)) {
                                producer.put(k.substring(KAFKA_PROPERTY_PREFIX.length()), v);
                            }
                        });
        Duration timeout = settings.get(GoldOptions.KAFKA_TRANSACTION_TIMEOUT);
        if (timeout.toSeconds() < 60) {
            throw new InvalidSettingException(
                    GoldOptions.KAFKA_TRANSACTION_TIMEOUT.key(),
                    "must be at least 1 min, was " + timeout);
        }
        TransactionTimeout.checkProducerProperties(KAFKA_PROPERTY_PREFIX, producer);
        producer.putAll(
                dev.lakestream.jobs.gold.GoldKafkaSecurity.producerProperties(
                        settings, KAFKA_PROPERTY_PREFIX, Map.copyOf(producer)));
        TransactionTimeout.checkAgainstFlink(timeout, settings.flinkConfiguration());
        Duration interval = settings.get(TransformationOptions.BRONZE_MONITOR_INTERVAL);
        if (interval.isZero() || interval.isNegative()) {
            throw new InvalidSettingException(
                    TransformationOptions.BRONZE_MONITOR_INTERVAL.key(), "must be positive");
        }
        Duration tombstoneRetention = settings.get(TransformationOptions.TOMBSTONE_RETENTION);
        if (tombstoneRetention.compareTo(Tombstones.MIN_RETENTION) < 0) {
            throw new InvalidSettingException(
                    TransformationOptions.TOMBSTONE_RETENTION.key(),
                    "must be at least "
                            + Tombstones.MIN_RETENTION.toHours()
                            + " h, far above any reorder window of bronze reads, was "
                            + tombstoneRetention);
        }
        Duration publish = settings.get(TransformationOptions.POSITION_PUBLISH_INTERVAL);
        if (publish.isZero() || publish.isNegative()) {
            throw new InvalidSettingException(
                    TransformationOptions.POSITION_PUBLISH_INTERVAL.key(), "must be positive");
        }
        int silverWriters = settings.get(SilverOptions.WRITE_PARALLELISM);
        if (silverWriters < 1) {
            throw new InvalidSettingException(
                    SilverOptions.WRITE_PARALLELISM.key(),
                    "must be at least 1, was " + silverWriters);
        }
        String reportingCurrency = settings.get(GoldOptions.REPORTING_CURRENCY);
        if (!reportingCurrency.matches("[A-Z]{3}")) {
            throw new InvalidSettingException(
                    GoldOptions.REPORTING_CURRENCY.key(),
                    "'" + reportingCurrency + "' is not a three-letter upper-case ISO 4217 code");
        }
        return new TransformationConfig(
                settings.get(TransformationOptions.JOB_NAME),
                CatalogSettings.fromMap(settings.asMap()),
                settings.get(BronzeOptions.NAMESPACE),
                settings.get(SilverOptions.NAMESPACE),
                silverWriters,
                settings.get(GoldOptions.NAMESPACE),
                reportingCurrency,
                interval,
                settings.require(GoldOptions.KAFKA_BOOTSTRAP_SERVERS),
                settings.get(GoldOptions.KAFKA_TOPIC),
                settings.get(GoldOptions.KAFKA_TRANSACTIONAL_ID_PREFIX),
                timeout,
                settings.get(GoldOptions.KAFKA_ACCEPT_LOST_TRANSACTIONS),
                Map.copyOf(producer),
                tombstoneRetention,
                settings.flinkConfiguration(),
                publish);
    }
}
