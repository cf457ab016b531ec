package dev.lakestream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The soak benchmark's arithmetic and what it counts as a log file. */
class SoakBenchmarkTest {

    @Test
    void percentilesAreNearestRank() {
        List<Long> hundred = java.util.stream.LongStream.rangeClosed(1, 100).boxed().toList();
        assertThat(SoakBenchmark.percentile(hundred, 50)).isEqualTo(50);
        assertThat(SoakBenchmark.percentile(hundred, 99)).isEqualTo(99);
        assertThat(SoakBenchmark.percentile(hundred, 100)).isEqualTo(100);
        assertThat(SoakBenchmark.percentile(List.of(7L), 99)).isEqualTo(7);
        assertThat(SoakBenchmark.percentile(List.of(), 50)).isZero();
    }

    @Test
    void logFilesAreTheStacksAndTheServicesNotKafkasSegments() {
        assertThat(SoakBenchmark.isLog(Path.of("logs/lakestream.log"))).isTrue();
        assertThat(SoakBenchmark.isLog(Path.of("logs/lakestream.log.3.gz"))).isTrue();
        assertThat(SoakBenchmark.isLog(Path.of("s3/s3proxy.log.2"))).isTrue();
        assertThat(SoakBenchmark.isLog(Path.of("kafka/kafka.out"))).isTrue();
        assertThat(SoakBenchmark.isLog(Path.of("kafka/kafka-tools.log.1"))).isTrue();
        assertThat(SoakBenchmark.isLog(Path.of("kafka/logs/gold-0/00000000000000000000.log")))
                .isFalse();
        assertThat(SoakBenchmark.isLog(Path.of("kafka/kafka-log4j.properties"))).isFalse();
    }
}
