package dev.lakestream.jobs.gold;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.testutils.MetricListener;
import org.junit.jupiter.api.Test;

class GoldPublishMetricsTest {

    private final MetricListener listener = new MetricListener();
    private final AtomicLong now = new AtomicLong(5_000_000);
    private final GoldPublishMetrics metrics =
            new GoldPublishMetrics(listener.getMetricGroup(), now::get);

    @Test
    void aStoreIsFreshWhenTheCheckpointThatCarriedItsRecordCompletes() {
        metrics.published(3, now.get() - 1_500);
        metrics.published(3, 0); // made by a visitor count: not in the histogram
        metrics.published(7, now.get() - 500);
        metrics.barrier(1);
        assertThat(listener.getGauge("gold", "store", "3", "lastPublishAgeSeconds")).isEmpty();
        assertThat(this.<Long>gauge("gold", "keysChangedLastCheckpoint")).isEqualTo(3L);

        now.addAndGet(2_000);
        metrics.committed(1);
        metrics.published(7, now.get() - 1_000);
        metrics.barrier(2);
        now.addAndGet(4_000);
        metrics.committed(2);
        now.addAndGet(1_000);

        assertThat(this.<Long>gauge("gold", "store", "3", "lastPublishAgeSeconds")).isEqualTo(5L);
        assertThat(this.<Long>gauge("gold", "store", "7", "lastPublishAgeSeconds")).isEqualTo(1L);
        assertThat(this.<Long>gauge("gold", "keysChangedLastCheckpoint")).isEqualTo(1L);
        assertThat(listener.getCounter("gold", "recordsPublished").orElseThrow().getCount())
                .isEqualTo(4);
        // 3.5 s and 2.5 s at the first commit, 5 s at the second; the visitor record is not in it
        var latency = listener.getHistogram("gold", "commitToPublishMs").orElseThrow();
        assertThat(latency.getCount()).isEqualTo(3);
        assertThat(latency.getStatistics().getMin()).isEqualTo(2_500);
        assertThat(latency.getStatistics().getMax()).isEqualTo(5_000);
        // store 3's newest published change was committed 1.5 s before t0, store 7's 1 s before
        // t0+2 s
        assertThat(this.<Long>gauge("gold", "store", "3", "newestChangeAgeSeconds")).isEqualTo(8L);
        assertThat(this.<Long>gauge("gold", "store", "7", "newestChangeAgeSeconds")).isEqualTo(6L);
    }

    @Test
    void recordsOfACheckpointThatNeverCompletesRefreshNothing() {
        metrics.published(3, now.get());
        metrics.barrier(1);
        metrics.committed(0);
        assertThat(listener.getGauge("gold", "store", "3", "lastPublishAgeSeconds")).isEmpty();
    }

    private <T> T gauge(String... path) {
        return listener.<T>getGauge(path).map(Gauge::getValue).orElseThrow();
    }
}
