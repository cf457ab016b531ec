package dev.lakestream.shop.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.shop.ShopSchema;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WorkloadStatsTest {

    @Test
    void countsAddUpPerTableAndOperation() {
        WorkloadStats stats = new WorkloadStats();
        ChangeCounts seed = new ChangeCounts();
        seed.add(ShopSchema.STORES, RowOperation.INSERT, 8);
        stats.recordSeedTransaction(seed);
        ChangeCounts order = new ChangeCounts();
        order.add(ShopSchema.ORDERS, RowOperation.INSERT, 1);
        order.add(ShopSchema.ORDER_LINES, RowOperation.INSERT, 3);
        stats.recordTransaction(TransactionKind.NEW_ORDER, order);
        ChangeCounts delete = new ChangeCounts();
        delete.add(ShopSchema.ORDER_LINES, RowOperation.DELETE, 3);
        delete.add(ShopSchema.ORDERS, RowOperation.DELETE, 1);
        stats.recordTransaction(TransactionKind.ORDER_DELETE, delete);

        assertThat(stats.rows(ShopSchema.STORES, RowOperation.INSERT)).isEqualTo(8);
        assertThat(stats.rows(ShopSchema.ORDER_LINES, RowOperation.INSERT)).isEqualTo(3);
        assertThat(stats.rows(ShopSchema.ORDER_LINES, RowOperation.DELETE)).isEqualTo(3);
        assertThat(stats.rows(ShopSchema.ORDERS, RowOperation.UPDATE)).isZero();
        assertThat(stats.totalRows()).isEqualTo(16);
        assertThat(stats.transactions()).isEqualTo(2);
        assertThat(stats.seedTransactions()).isEqualTo(1);
        assertThat(stats.transactions(TransactionKind.ORDER_DELETE)).isEqualTo(1);

        WorkloadStats.Snapshot s = stats.snapshot();
        assertThat(s.rows().keySet()).containsExactlyElementsOf(ShopSchema.TABLES);
        assertThat(s.rows(ShopSchema.ORDERS, RowOperation.DELETE)).isEqualTo(1);
        assertThat(s.totalRows()).isEqualTo(16);
        assertThat(s.summary())
                .contains("shop.order_lines", "new-order", "row changes: 16")
                .contains("2 workload + 1 seeding");
    }

    @Test
    void uncommittedCountsAreInvisible() {
        WorkloadStats stats = new WorkloadStats();
        ChangeCounts pending = new ChangeCounts();
        pending.add(ShopSchema.ORDERS, RowOperation.INSERT, 1);
        assertThat(stats.totalRows()).isZero();
        assertThat(stats.snapshot().totalRows()).isZero();
    }

    @Test
    void missingDriverCountIsAnError() {
        ChangeCounts pending = new ChangeCounts();
        assertThatThrownBy(() -> pending.add(ShopSchema.ORDERS, RowOperation.INSERT, -2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("reWriteBatchedInserts");
        assertThatThrownBy(() -> pending.add("shop.refunds", RowOperation.INSERT, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void snapshotsNeverShowHalfATransaction() throws Exception {
        WorkloadStats stats = new WorkloadStats();
        CompletableFuture<Void> writer =
                CompletableFuture.runAsync(
                        () -> {
                            for (int i = 0; i < 20_000; i++) {
                                ChangeCounts c = new ChangeCounts();
                                c.add(ShopSchema.ORDERS, RowOperation.INSERT, 1);
                                c.add(ShopSchema.ORDER_LINES, RowOperation.INSERT, 2);
                                stats.recordTransaction(TransactionKind.NEW_ORDER, c);
                            }
                        });
        while (!writer.isDone()) {
            WorkloadStats.Snapshot s = stats.snapshot();
            long orders = s.rows(ShopSchema.ORDERS, RowOperation.INSERT);
            assertThat(s.rows(ShopSchema.ORDER_LINES, RowOperation.INSERT)).isEqualTo(2 * orders);
            assertThat(s.transactions()).isEqualTo(orders);
        }
        writer.get();
        assertThat(stats.transactions()).isEqualTo(20_000);
    }
}
