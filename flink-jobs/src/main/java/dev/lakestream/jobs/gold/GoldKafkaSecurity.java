package dev.lakestream.jobs.gold;

import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.jobs.config.JobSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * How the gold producer reaches a secured Kafka: TLS and SASL settings ({@code gold.kafka.*}), the
 * password and the trust store's password from the environment only (or a {@code _FILE}), turned
 * into the producer's {@code security.protocol}, {@code sasl.*} and {@code ssl.truststore.*}
 * properties. The same properties serve the start-up check against the broker and the sink.
 *
 * <pre>
 *  gold.kafka.security-protocol=SASL_SSL
 *  gold.kafka.sasl.mechanism=SCRAM-SHA-512
 *  gold.kafka.sasl.username=lakestream-transformation
 *  LAKESTREAM_GOLD_KAFKA_SASL_PASSWORD_FILE=/var/run/secrets/kafka/password     (environment)
 *  gold.kafka.ssl.truststore-location=/var/run/secrets/kafka-ca/ca.crt
 *  gold.kafka.ssl.truststore-type=PEM
 * </pre>
 *
 * <p>Setting the same through {@code gold.kafka.property.*} is refused for the secrets (they would
 * sit in the file) and for the keys set here (two sources of one setting).
 */
public final class GoldKafkaSecurity {

    private GoldKafkaSecurity() {}

    static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    static final Map<String, String> LOGIN_MODULES =
            Map.of(
                    "PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule",
                    "SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule",
                    "SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule");

    public static final ConfigOption<String> SECURITY_PROTOCOL =
            ConfigOptions.key("gold.kafka.security-protocol")
                    .stringType()
                    .defaultValue("PLAINTEXT")
                    .withDescription(
                            "How the gold producer talks to Kafka: PLAINTEXT, SSL, SASL_PLAINTEXT"
                                    + " or SASL_SSL.");

    public static final ConfigOption<String> SASL_MECHANISM =
            ConfigOptions.key("gold.kafka.sasl.mechanism")
                    .stringType()
                    .defaultValue("SCRAM-SHA-512")
                    .withDescription(
                            "SASL mechanism with SASL_*: SCRAM-SHA-512 (Strimzi's KafkaUser),"
                                    + " SCRAM-SHA-256 or PLAIN.");

    public static final ConfigOption<String> SASL_USERNAME =
            ConfigOptions.key("gold.kafka.sasl.username")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("SASL user of the gold producer (required with SASL_*).");

    public static final ConfigOption<String> SASL_PASSWORD =
            ConfigOptions.key("gold.kafka.sasl.password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Its password: a secret, from LAKESTREAM_GOLD_KAFKA_SASL_PASSWORD or"
                                    + " ..._FILE only.");

    public static final ConfigOption<String> TRUSTSTORE_LOCATION =
            ConfigOptions.key("gold.kafka.ssl.truststore-location")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "CA certificates the broker's certificate is checked against, with"
                                    + " SSL or SASL_SSL (default: the JVM's trusted CAs).");

    public static final ConfigOption<String> TRUSTSTORE_TYPE =
            ConfigOptions.key("gold.kafka.ssl.truststore-type")
                    .stringType()
                    .defaultValue("PEM")
                    .withDescription("PEM (Strimzi's ca.crt), PKCS12 or JKS.");

    public static final ConfigOption<String> TRUSTSTORE_PASSWORD =
            ConfigOptions.key("gold.kafka.ssl.truststore-password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Password of a PKCS12 or JKS trust store: a secret, from the"
                                    + " environment only.");

    /** Keys that only come from the environment. */
    public static final Set<String> SECRET_KEYS =
            Set.of(SASL_PASSWORD.key(), TRUSTSTORE_PASSWORD.key());

    /** Producer properties these settings own; gold.kafka.property.* may not set them. */
    static final Map<String, String> OWNED =
            Map.of(
                    "security.protocol", SECURITY_PROTOCOL.key(),
                    "sasl.mechanism", SASL_MECHANISM.key(),
                    "sasl.jaas.config",
                            SASL_USERNAME.key() + " and " + SASL_PASSWORD.key() + " (a secret)",
                    "ssl.truststore.location", TRUSTSTORE_LOCATION.key(),
                    "ssl.truststore.type", TRUSTSTORE_TYPE.key(),
                    "ssl.truststore.password", TRUSTSTORE_PASSWORD.key() + " (a secret)");

    /**
     * The producer properties of these settings, checked; refuses {@code gold.kafka.property.*}
     * entries that set them, or that hold any other password.
     *
     * @param prefix the pass-through prefix, for messages ({@code gold.kafka.property.})
     * @param passThrough the pass-through properties, without the prefix
     */
    public static Map<String, String> producerProperties(
            JobSettings settings, String prefix, Map<String, String> passThrough) {
        passThrough
                .keySet()
                .forEach(
                        property -> {
                            if (OWNED.containsKey(property)) {
                                throw new InvalidSettingException(
                                        prefix + property,
                                        "cannot be set: use " + OWNED.get(property));
                            }
                            if (property.contains("password") || property.endsWith(".key")) {
                                throw new InvalidSettingException(
                                        prefix + property,
                                        "is a secret, which must not be in the configuration"
                                                + " file; lakestream reads only "
                                                + SECRET_KEYS
                                                + " from the environment");
                            }
                        });
        Map<String, String> p = new LinkedHashMap<>();
        String protocol = settings.get(SECURITY_PROTOCOL).trim().toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw new InvalidSettingException(
                    SECURITY_PROTOCOL.key(), "must be one of " + PROTOCOLS + ", was " + protocol);
        }
        p.put("security.protocol", protocol);
        if (protocol.startsWith("SASL_")) {
            String mechanism = settings.get(SASL_MECHANISM).trim().toUpperCase(Locale.ROOT);
            String module = LOGIN_MODULES.get(mechanism);
            if (module == null) {
                throw new InvalidSettingException(
                        SASL_MECHANISM.key(),
                        "must be one of " + LOGIN_MODULES.keySet() + ", was " + mechanism);
            }
            String user = required(settings, SASL_USERNAME, protocol);
            String password = required(settings, SASL_PASSWORD, protocol);
            p.put("sasl.mechanism", mechanism);
            p.put(
                    "sasl.jaas.config",
                    module
                            + " required username=\""
                            + jaasQuoted(user)
                            + "\" password=\""
                            + jaasQuoted(password)
                            + "\";");
        }
        if (protocol.endsWith("SSL")) {
            String location = settings.get(TRUSTSTORE_LOCATION);
            if (location != null && !location.isBlank()) {
                // read by the Kafka client: the start-up check against the broker fails naming
                // it when it is missing or unreadable
                p.put("ssl.truststore.location", location);
                p.put("ssl.truststore.type", settings.get(TRUSTSTORE_TYPE).trim());
                String storePassword = settings.get(TRUSTSTORE_PASSWORD);
                if (storePassword != null) {
                    p.put("ssl.truststore.password", storePassword);
                }
            }
        }
        return p;
    }

    private static String required(JobSettings settings, ConfigOption<String> option, String why) {
        String value = settings.get(option);
        if (value == null || value.isBlank()) {
            throw new InvalidSettingException(
                    option.key(),
                    "is missing: "
                            + SECURITY_PROTOCOL.key()
                            + " is "
                            + why
                            + (SECRET_KEYS.contains(option.key())
                                    ? " (set " + JobSettings.envName(option.key()) + " or _FILE)"
                                    : ""));
        }
        return value;
    }

    /** A value inside a JAAS double-quoted string: backslash and quote escaped. */
    static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
