package dev.lakestream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.RollingFileAppender;
import org.apache.logging.log4j.core.appender.rolling.CompositeTriggeringPolicy;
import org.apache.logging.log4j.core.appender.rolling.SizeBasedTriggeringPolicy;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack's own log configuration ({@code log4j2.properties}, not the tests'): the log file
 * is bounded, and Flink CDC's dump of the Debezium configuration, password included, never reaches
 * it.
 */
class LocalLoggingTest {

    @TempDir Path dir;

    @Test
    void theLogRollsOverAndKeepsNoPassword() throws Exception {
        System.setProperty("lakestream.log.dir", dir.toString());
        LoggerContext context =
                Configurator.initialize(
                        "local-stack",
                        getClass().getClassLoader(),
                        getClass().getClassLoader().getResource("log4j2.properties").toURI());
        try {
            Logger cdc =
                    context.getLogger(
                            "org.apache.flink.cdc.connectors.postgres.source.fetch"
                                    + ".PostgresSourceFetchTaskContext");
            cdc.info("Debezium config: database.user=lakestream, database.password=hunter2");
            context.getLogger("dev.lakestream.local.LocalStack").info("bronze caught up");
            // per-file and per-poll chatter stays out; warnings of the same classes stay in
            context.getLogger("org.apache.hadoop.io.compress.CodecPool")
                    .info("Got brand-new compressor [.zstd]");
            context.getLogger("org.apache.iceberg.BaseMetastoreTableOperations")
                    .warn("metadata refresh failed, retrying");

            RollingFileAppender file = context.getConfiguration().getAppender("file");
            assertThat(file).as("a rolling file").isNotNull();
            assertThat(
                            ((CompositeTriggeringPolicy) file.getTriggeringPolicy())
                                    .getTriggeringPolicies())
                    .anySatisfy(
                            p ->
                                    assertThat(((SizeBasedTriggeringPolicy) p).getMaxFileSize())
                                            .isEqualTo(50L * 1024 * 1024));
        } finally {
            Configurator.shutdown(context);
            System.clearProperty("lakestream.log.dir");
        }
        String log = Files.readString(dir.resolve("lakestream.log"));
        assertThat(log)
                .contains("bronze caught up")
                .doesNotContain("hunter2")
                .doesNotContain("brand-new compressor")
                .contains("metadata refresh failed");
    }
}
