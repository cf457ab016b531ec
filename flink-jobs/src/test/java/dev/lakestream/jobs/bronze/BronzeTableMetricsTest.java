package dev.lakestream.jobs.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.testutils.MetricListener;
import org.junit.jupiter.api.Test;

class BronzeTableMetricsTest {

    private final MetricListener listener = new MetricListener();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final BronzeTableMetrics metrics =
            BronzeTableMetrics.register(
                    listener.getMetricGroup(), List.of("shop.orders", "shop.stores"), now::get);

    @Test
    void aTableCountsItsRowsAndIsFreshOnlyOnceItsCheckpointCompletes() {
        assertThat(gauge("shop.orders", "lastCommitAgeSeconds")).isEqualTo(-1L);
        assertThat(gauge("shop.stores", "lastCommitAgeSeconds")).isEqualTo(-1L);

        metrics.row("shop.orders", now.get() - 2_000);
        metrics.row("shop.orders", now.get() - 500);
        metrics.barrier(1);
        metrics.row("shop.orders", now.get() - 100); // after the barrier: the next checkpoint's
        now.addAndGet(1_000);
        assertThat(gauge("shop.orders", "lastCommitAgeSeconds")).isEqualTo(-1L);

        metrics.committed(1);
        assertThat(counter("shop.orders").getCount()).isEqualTo(3);
        // the newest row of checkpoint 1 was 500 ms old at the barrier, 1.5 s at the commit
        assertThat(gauge("shop.orders", "commitLagMs")).isEqualTo(1_500L);
        now.addAndGet(7_000);
        assertThat(gauge("shop.orders", "lastCommitAgeSeconds")).isEqualTo(7L);
        // a table without rows is not refreshed by another table's commit
        assertThat(gauge("shop.stores", "lastCommitAgeSeconds")).isEqualTo(-1L);
    }

    @Test
    void aCompletedCheckpointCommitsTheRowsOfTheEarlierOnesWhoseNoticeWasLost() {
        metrics.row("shop.stores", now.get());
        metrics.barrier(4);
        metrics.row("shop.orders", 0); // a snapshot read: no source time
        metrics.barrier(5);
        now.addAndGet(3_000);
        metrics.committed(5);
        assertThat(gauge("shop.stores", "lastCommitAgeSeconds")).isZero();
        assertThat(gauge("shop.stores", "commitLagMs")).isEqualTo(3_000L);
        assertThat(gauge("shop.orders", "lastCommitAgeSeconds")).isZero();
        assertThat(gauge("shop.orders", "commitLagMs")).isEqualTo(-1L);
    }

    @Test
    void aTableNotKnownAtTheStartGetsItsMetricsAtItsFirstRow() {
        metrics.row("shop.customers", now.get());
        assertThat(counter("shop.customers").getCount()).isEqualTo(1);
    }

    private long gauge(String table, String name) {
        return listener.<Long>getGauge(
                        BronzeTableMetrics.GROUP, BronzeTableMetrics.TABLE, table, name)
                .map(Gauge::getValue)
                .orElseThrow();
    }

    private Counter counter(String table) {
        return listener.getCounter(
                        BronzeTableMetrics.GROUP, BronzeTableMetrics.TABLE, table, "changes")
                .orElseThrow();
    }
}
