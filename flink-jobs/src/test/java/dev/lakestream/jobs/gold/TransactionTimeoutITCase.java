package dev.lakestream.jobs.gold;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.embedded.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transaction time-out read against a real broker's transaction.max.timeout.ms (15 min). */
class TransactionTimeoutITCase {

    @TempDir static Path dir;
    private static KafkaBroker kafka;

    @BeforeAll
    static void startBroker() {
        kafka = KafkaBroker.start(dir.resolve("kafka"), 0);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aTimeoutUpToTheBrokersMaximumIsAccepted() {
        assertThatCode(
                        () ->
                                TransactionTimeout.checkAgainstBroker(
                                        Duration.ofMinutes(15),
                                        kafka.bootstrapServers(),
                                        Map.of("compression.type", "zstd")))
                .doesNotThrowAnyException();
    }

    @Test
    void aTimeoutAboveTheBrokersMaximumStopsStartUpNamingTheKey() {
        assertThatThrownBy(
                        () ->
                                TransactionTimeout.checkAgainstBroker(
                                        Duration.ofMinutes(16), kafka.bootstrapServers(), Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage(
                        "gold.kafka.transaction-timeout (PT16M) is above the broker's"
                                + " transaction.max.timeout.ms (PT15M): the producer would be"
                                + " refused. Lower it, or raise the broker's limit");
    }
}
