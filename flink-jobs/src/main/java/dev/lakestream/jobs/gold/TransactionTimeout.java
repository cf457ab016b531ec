package dev.lakestream.jobs.gold;

import dev.lakestream.catalog.InvalidSettingException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Whether gold's Kafka transaction time-out leaves every transaction time to commit. A transaction
 * opens after one checkpoint and is committed once the next checkpoint completes, or, after a
 * failure, once the job has restarted and restored it. If the broker aborts it first (after {@code
 * transaction.timeout.ms}), the gold changes it held never reach Kafka or Snowflake, and the Kafka
 * connector only logs it. So at start-up, before anything runs:
 *
 * <pre>
 *   checkpoint interval + checkpoint timeout + one restart delay + {@link #RESTART_MARGIN}
 *       &lt;  gold.kafka.transaction-timeout  &lt;=  broker transaction.max.timeout.ms
 * </pre>
 *
 * and the producer properties may not override what exactly-once rests on.
 */
public final class TransactionTimeout {

    /** Allowed for a restart itself: redeploying the tasks and restoring their state. */
    public static final Duration RESTART_MARGIN = Duration.ofMinutes(1);

    /** Producer properties set from validated settings, never through gold.kafka.property.*. */
    static final Map<String, String> RESERVED =
            Map.of(
                    "transaction.timeout.ms", GoldOptions.KAFKA_TRANSACTION_TIMEOUT.key(),
                    "transactional.id", GoldOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.key(),
                    "enable.idempotence", "exactly-once, which needs it");

    private TransactionTimeout() {}

    /** Refuses producer properties that would bypass the checks or exactly-once. */
    public static void checkProducerProperties(String prefix, Map<String, String> producer) {
        RESERVED.forEach(
                (property, instead) -> {
                    if (producer.containsKey(property)) {
                        throw new InvalidSettingException(
                                prefix + property,
                                "cannot be set: it is set from "
                                        + instead
                                        + (property.equals("transaction.timeout.ms")
                                                ? ", which is checked against the checkpoint and"
                                                        + " restart settings"
                                                : ""));
                    }
                });
    }

    /**
     * The longest a transaction may stay open under this Flink configuration: checkpoint interval +
     * checkpoint timeout + one restart delay + {@link #RESTART_MARGIN}.
     */
    public static Duration longestTransaction(Configuration flink) {
        Duration interval =
                flink.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL)
                        .orElse(Duration.ZERO);
        Duration checkpointTimeout = flink.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT);
        return interval.plus(checkpointTimeout).plus(restartDelay(flink)).plus(RESTART_MARGIN);
    }

    /** The longest wait before one restart, by the configured strategy. */
    static Duration restartDelay(Configuration flink) {
        String type =
                flink.getOptional(RestartStrategyOptions.RESTART_STRATEGY)
                        .orElse("exponential-delay")
                        .toLowerCase(java.util.Locale.ROOT);
        return switch (type) {
            case "none", "off", "disable" -> Duration.ZERO;
            case "fixed-delay", "fixeddelay" ->
                    flink.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY);
            case "failure-rate", "failurerate" ->
                    flink.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY);
            default ->
                    flink.get(
                            RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF);
        };
    }

    /** Checks the time-out against the Flink configuration; the message says what to change. */
    public static void checkAgainstFlink(Duration timeout, Configuration flink) {
        Duration longest = longestTransaction(flink);
        if (timeout.compareTo(longest) <= 0) {
            throw new InvalidSettingException(
                    GoldOptions.KAFKA_TRANSACTION_TIMEOUT.key(),
                    "("
                            + timeout
                            + ") must be longer than a transaction can stay open: checkpoint"
                            + " interval + execution.checkpointing.timeout ("
                            + flink.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT)
                            + ") + one restart delay ("
                            + restartDelay(flink)
                            + ") + "
                            + RESTART_MARGIN
                            + " for the restart = "
                            + longest
                            + ". Raise it (up to the broker's transaction.max.timeout.ms) or"
                            + " lower execution.checkpointing.timeout; otherwise the broker may"
                            + " abort a transaction before it is committed and its gold changes"
                            + " never reach Kafka");
        }
    }

    /**
     * Checks the time-out against the broker's {@code transaction.max.timeout.ms}, read with an
     * admin client (security settings from the producer properties).
     */
    public static void checkAgainstBroker(
            Duration timeout, String bootstrapServers, Map<String, String> producer) {
        Properties admin = new Properties();
        producer.forEach(
                (k, v) -> {
                    if (k.startsWith("security.")
                            || k.startsWith("sasl.")
                            || k.startsWith("ssl.")
                            || k.equals("client.dns.lookup")) {
                        admin.put(k, v);
                    }
                });
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        long max;
        try (Admin client = Admin.create(admin)) {
            Node node = client.describeCluster().controller().get(30, TimeUnit.SECONDS);
            if (node == null || node.isEmpty()) {
                node = client.describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next();
            }
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node.idString());
            Config config =
                    client.describeConfigs(java.util.List.of(broker))
                            .all()
                            .get(30, TimeUnit.SECONDS)
                            .get(broker);
            ConfigEntry entry = config.get("transaction.max.timeout.ms");
            if (entry == null || entry.value() == null) {
                return;
            }
            max = Long.parseLong(entry.value());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the broker", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new InvalidSettingException(
                    GoldOptions.KAFKA_BOOTSTRAP_SERVERS.key(),
                    "'"
                            + bootstrapServers
                            + "': cannot read the broker's transaction.max.timeout.ms: "
                            + cause,
                    cause);
        }
        if (timeout.toMillis() > max) {
            throw new InvalidSettingException(
                    GoldOptions.KAFKA_TRANSACTION_TIMEOUT.key(),
                    "("
                            + timeout
                            + ") is above the broker's transaction.max.timeout.ms ("
                            + Duration.ofMillis(max)
                            + "): the producer would be refused. Lower it, or raise the broker's"
                            + " limit");
        }
    }
}
