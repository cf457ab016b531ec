package dev.lakestream.jobs.gold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.jobs.transformation.TransformationConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoldKafkaSecurityTest {

    @TempDir Path dir;

    private static Map<String, String> base() {
        Map<String, String> s = new HashMap<>();
        s.put("catalog.type", "jdbc");
        s.put("catalog.uri", "jdbc:postgresql://127.0.0.1:5432/iceberg_catalog");
        s.put("catalog.warehouse", "s3://warehouse/lake");
        s.put("gold.kafka.bootstrap-servers", "kafka:9093");
        s.put("execution.checkpointing.interval", "10s");
        return s;
    }

    @Test
    void plaintextByDefault() {
        assertThat(TransformationConfig.fromMap(base()).kafkaProducerProperties())
                .containsEntry("security.protocol", "PLAINTEXT")
                .doesNotContainKeys("sasl.jaas.config", "ssl.truststore.location");
    }

    @Test
    void scramOverTlsWithStrimzisCaCertificate() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\n");
        Map<String, String> s = base();
        s.put("gold.kafka.security-protocol", "sasl_ssl");
        s.put("gold.kafka.sasl.username", "lakestream-transformation");
        s.put("gold.kafka.sasl.password", "pa\"ss\\word");
        s.put("gold.kafka.ssl.truststore-location", ca.toString());

        assertThat(TransformationConfig.fromMap(s).kafkaProducerProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry(
                        "sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required"
                                + " username=\"lakestream-transformation\""
                                + " password=\"pa\\\"ss\\\\word\";")
                .containsEntry("ssl.truststore.location", ca.toString())
                .containsEntry("ssl.truststore.type", "PEM");
    }

    @Test
    void saslWithoutItsPasswordNamesTheEnvironmentVariable() {
        Map<String, String> s = base();
        s.put("gold.kafka.security-protocol", "SASL_SSL");
        s.put("gold.kafka.sasl.username", "lakestream-transformation");

        assertThatThrownBy(() -> TransformationConfig.fromMap(s))
                .isInstanceOfSatisfying(
                        InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("gold.kafka.sasl.password"))
                .hasMessageContaining("LAKESTREAM_GOLD_KAFKA_SASL_PASSWORD");
    }

    @Test
    void thePasswordIsRefusedInTheFile() throws IOException {
        Path file = dir.resolve("transformation.properties");
        StringBuilder text = new StringBuilder();
        base().forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        text.append("gold.kafka.sasl.password=x\n");
        Files.writeString(file, text);

        assertThatThrownBy(() -> TransformationConfig.load(file, Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("gold.kafka.sasl.password is a secret");
    }

    @Test
    void passThroughPropertiesMayNotCarrySecretsOrOwnedSettings() {
        Map<String, String> jaas = base();
        jaas.put("gold.kafka.property.sasl.jaas.config", "x required password=\"p\";");
        Map<String, String> keystore = base();
        keystore.put("gold.kafka.property.ssl.keystore.password", "p");
        Map<String, String> protocol = base();
        protocol.put("gold.kafka.property.security.protocol", "SSL");

        assertThatThrownBy(() -> TransformationConfig.fromMap(jaas))
                .hasMessageStartingWith("gold.kafka.property.sasl.jaas.config cannot be set")
                .hasMessageContaining("gold.kafka.sasl.password");
        assertThatThrownBy(() -> TransformationConfig.fromMap(keystore))
                .hasMessageStartingWith("gold.kafka.property.ssl.keystore.password is a secret");
        assertThatThrownBy(() -> TransformationConfig.fromMap(protocol))
                .hasMessageContaining("use gold.kafka.security-protocol");
    }

    @Test
    void anUnknownProtocolOrMechanismIsNamed() {
        Map<String, String> protocol = base();
        protocol.put("gold.kafka.security-protocol", "TLS");
        Map<String, String> mechanism = base();
        mechanism.put("gold.kafka.security-protocol", "SASL_SSL");
        mechanism.put("gold.kafka.sasl.mechanism", "GSSAPI");

        assertThatThrownBy(() -> TransformationConfig.fromMap(protocol))
                .hasMessageStartingWith("gold.kafka.security-protocol must be one of");
        assertThatThrownBy(() -> TransformationConfig.fromMap(mechanism))
                .hasMessageStartingWith("gold.kafka.sasl.mechanism must be one of");
    }
}
