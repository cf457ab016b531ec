package dev.lakestream.snowflake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.snowflake.channel.ChannelOffsetTokens;
import dev.lakestream.snowflake.connection.SettingsException;
import dev.lakestream.snowflake.connection.SnowflakeSettings;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnowflakeSettingsTest {

    static String pkcs8Pem() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String body =
                Base64.getMimeEncoder()
                        .encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
    }

    static Map<String, String> env() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("SNOWFLAKE_ACCOUNT", "myorg-myaccount");
        env.put("SNOWFLAKE_USER", "LAKESTREAM_MIGRATE");
        env.put("SNOWFLAKE_PRIVATE_KEY", pkcs8Pem());
        env.put("SNOWFLAKE_DATABASE", "lakestream");
        env.put("SNOWFLAKE_SCHEMA", "GOLD");
        return env;
    }

    @Test
    void readsAKeyPairConfigurationAndNeverPrintsTheKey() throws Exception {
        Map<String, String> env = env();
        SnowflakeSettings settings = SnowflakeSettings.fromEnvironment(env);

        assertThat(settings.jdbcUrl())
                .isEqualTo("jdbc:snowflake://myorg-myaccount.snowflakecomputing.com/");
        assertThat(settings.database()).isEqualTo("LAKESTREAM");
        assertThat(settings.connectionProperties())
                .containsEntry("authenticator", "SNOWFLAKE_JWT")
                .containsKey("privateKey")
                .doesNotContainKey("password");
        String body = env.get("SNOWFLAKE_PRIVATE_KEY").split("\n")[1];
        assertThat(settings.toString()).doesNotContain(body.substring(0, 20)).contains("********");
    }

    @Test
    void aMissingOrWrongVariableIsNamed() throws Exception {
        for (String variable :
                new String[] {
                    "SNOWFLAKE_ACCOUNT", "SNOWFLAKE_USER", "SNOWFLAKE_DATABASE", "SNOWFLAKE_SCHEMA"
                }) {
            Map<String, String> env = env();
            env.remove(variable);
            assertThatThrownBy(() -> SnowflakeSettings.fromEnvironment(env))
                    .isInstanceOf(SettingsException.class)
                    .hasMessage(variable + " is not set");
        }
        Map<String, String> noKey = env();
        noKey.remove("SNOWFLAKE_PRIVATE_KEY");
        assertThatThrownBy(() -> SnowflakeSettings.fromEnvironment(noKey))
                .hasMessageContaining("SNOWFLAKE_PRIVATE_KEY");
        Map<String, String> badKey = env();
        badKey.put("SNOWFLAKE_PRIVATE_KEY", "not a key");
        assertThatThrownBy(() -> SnowflakeSettings.fromEnvironment(badKey))
                .hasMessage("SNOWFLAKE_PRIVATE_KEY is not a PKCS#8 RSA private key");
        Map<String, String> encrypted = env();
        encrypted.put("SNOWFLAKE_PRIVATE_KEY", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n");
        assertThatThrownBy(() -> SnowflakeSettings.fromEnvironment(encrypted))
                .hasMessageContaining(
                        "SNOWFLAKE_PRIVATE_KEY_FILE with SNOWFLAKE_PRIVATE_KEY_PASSPHRASE");
        Map<String, String> quotedSchema = env();
        quotedSchema.put("SNOWFLAKE_SCHEMA", "gold; drop");
        assertThatThrownBy(() -> SnowflakeSettings.fromEnvironment(quotedSchema))
                .hasMessageStartingWith("SNOWFLAKE_SCHEMA:");
    }

    @Test
    void channelsOfBothNamingFormatsAreRecognisedByTheirExactName() {
        String topic = "lakestream.gold.sales_daily_metrics";
        String connector = "lakestream-snowflake-sink";
        assertThat(ChannelOffsetTokens.channelNames(connector, topic, 0))
                .containsExactly(
                        "lakestream.gold.sales_daily_metrics_0",
                        "lakestream-snowflake-sink_lakestream.gold.sales_daily_metrics_0");
        assertThat(
                        ChannelOffsetTokens.carries(
                                "LAKESTREAM.GOLD.SALES_DAILY_METRICS_0", connector, topic, 0))
                .isTrue();
        assertThat(
                        ChannelOffsetTokens.carries(
                                "LAKESTREAM-SNOWFLAKE-SINK_LAKESTREAM.GOLD.SALES_DAILY_METRICS_0",
                                connector,
                                topic,
                                0))
                .isTrue();
        assertThat(
                        ChannelOffsetTokens.carries(
                                "LAKESTREAM.GOLD.SALES_DAILY_METRICS_10", connector, topic, 0))
                .isFalse();
        assertThat(
                        ChannelOffsetTokens.carries(
                                "LAKESTREAM.GOLD.SALES_DAILY_METRICS_1", connector, topic, 0))
                .isFalse();
        // another connector's channel, and topic a_b's channel, are not topic b's
        assertThat(
                        ChannelOffsetTokens.carries(
                                "OTHER-SINK_LAKESTREAM.GOLD.SALES_DAILY_METRICS_0",
                                connector,
                                topic,
                                0))
                .isFalse();
        assertThat(ChannelOffsetTokens.carries("A_B_0", connector, "b", 0)).isFalse();
    }
}
