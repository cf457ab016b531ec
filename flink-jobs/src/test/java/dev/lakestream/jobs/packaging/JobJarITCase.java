package dev.lakestream.jobs.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shaded job jar (built in {@code package}, checked in {@code integration-test}) carries what a
 * Flink cluster does not provide and nothing that would clash with what it does.
 */
class JobJarITCase {

    @Test
    void bundlesConnectorsAndLeavesFlinkAndLoggingToTheCluster() throws IOException {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            jar =
                    files.filter(p -> p.getFileName().toString().endsWith("-job.jar"))
                            .findFirst()
                            .orElseThrow();
        }
        Set<String> entries = new HashSet<>();
        String mainClass;
        try (JarFile file = new JarFile(jar.toFile())) {
            file.stream().forEach(e -> entries.add(e.getName()));
            mainClass = file.getManifest().getMainAttributes().getValue("Main-Class");
        }
        assertThat(mainClass).isEqualTo("dev.lakestream.jobs.ingestion.IngestionJob");
        assertThat(entries)
                .contains(
                        "dev/lakestream/jobs/ingestion/IngestionJob.class",
                        "dev/lakestream/catalog/BronzeTables.class",
                        "org/apache/flink/cdc/connectors/postgres/source/PostgresSourceBuilder.class",
                        "io/debezium/connector/postgresql/PostgresConnector.class",
                        "org/postgresql/Driver.class",
                        "org/apache/iceberg/flink/sink/FlinkSink.class",
                        "org/apache/iceberg/jdbc/JdbcCatalog.class",
                        "org/apache/iceberg/aws/s3/S3FileIO.class",
                        "org/apache/flink/dropwizard/metrics/DropwizardHistogramWrapper.class",
                        "org/apache/flink/connector/base/source/reader/SourceReaderBase.class",
                        "com/fasterxml/jackson/databind/ObjectMapper.class",
                        "org/apache/hadoop/conf/Configuration.class",
                        "META-INF/MANIFEST.MF");
        assertThat(entries)
                .as("Flink itself and logging backends come from the cluster")
                .doesNotContain(
                        "org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class",
                        "org/apache/flink/runtime/minicluster/MiniCluster.class",
                        "org/apache/logging/log4j/core/Logger.class",
                        "org/slf4j/Logger.class",
                        "org/apache/log4j/Logger.class");
        assertThat(entries).noneMatch(e -> e.startsWith("META-INF/") && e.endsWith(".SF"));
    }
}
