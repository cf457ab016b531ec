package dev.lakestream.ops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which snapshot of each table {@link CheckpointCut} reads, on real Iceberg tables (a Hadoop
 * catalog in a temporary folder) committed as the Flink sinks commit them: with the checkpoint id
 * and job id in the summary, a table that had nothing for a checkpoint committing nothing, and
 * commits from outside the job without them.
 */
class CheckpointCutTest {

    private static final Schema SCHEMA =
            new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));

    @TempDir Path warehouse;
    private HadoopCatalog catalog;

    @BeforeEach
    void catalog() {
        catalog = new HadoopCatalog(new Configuration(), warehouse.toString());
    }

    @Test
    void cutIsTheNewestCheckpointCommittedASettleAgoAndQuietTablesKeepTheirLastSnapshot() {
        Table orders = table("orders");
        Table stores = table("stores");
        long stores1 = commit(stores, "job", 1);
        commit(orders, "job", 1);
        long orders2 = commit(orders, "job", 2);
        Map<String, Table> tables = tables(orders, stores);

        CheckpointCut.Cut cut =
                CheckpointCut.of(tables, Instant.now().plusSeconds(60), Duration.ofSeconds(30))
                        .orElseThrow();

        assertThat(cut.checkpoint()).as("not pinned by the quiet store table").isEqualTo(2);
        assertThat(cut.snapshots())
                .containsEntry("orders", orders2)
                .containsEntry("stores", stores1);
        assertThat(CheckpointCut.of(tables, Instant.now(), Duration.ofHours(1)))
                .as("no checkpoint an hour old")
                .isEmpty();
    }

    @Test
    void aCommitFromOutsideTheJobBelongsToTheCheckpointBeforeIt() {
        Table gold = table("gold");
        long cp1 = commit(gold, "job", 1);
        long fix = commit(gold, null, -1);
        long cp2 = commit(gold, "job", 2);

        assertThat(CheckpointCut.snapshotAt(gold, "job", 1)).isEqualTo(fix);
        assertThat(CheckpointCut.snapshotAt(gold, "job", 2)).isEqualTo(cp2);
        assertThat(CheckpointCut.snapshotAt(gold, "job", 0)).isNull();
        assertThat(cp1).isNotEqualTo(fix);
        long fixAfterLast = commit(gold, null, -1);
        assertThat(CheckpointCut.snapshotAt(gold, "job", 5)).isEqualTo(fixAfterLast);
    }

    @Test
    void onlyTheNewestJobCountsAndItsStartReadsTheOldJobsLastSnapshot() {
        Table orders = table("orders");
        Table lines = table("lines");
        long oldOrders = commit(orders, "old", 40);
        commit(lines, "old", 41);
        long newOrders = commit(orders, "new", 1);
        long newLines = commit(lines, "new", 2);

        CheckpointCut.Cut cut =
                CheckpointCut.of(
                                tables(orders, lines), Instant.now().plusSeconds(60), Duration.ZERO)
                        .orElseThrow();

        assertThat(cut.job()).isEqualTo("new");
        assertThat(cut.checkpoint()).isEqualTo(2);
        assertThat(cut.snapshots())
                .containsEntry("orders", newOrders)
                .containsEntry("lines", newLines);
        assertThat(CheckpointCut.snapshotAt(orders, "new", 0)).isEqualTo(oldOrders);
    }

    private Table table(String name) {
        return catalog.createTable(
                TableIdentifier.of("db", name), SCHEMA, PartitionSpec.unpartitioned());
    }

    private static Map<String, Table> tables(Table... tables) {
        Map<String, Table> map = new LinkedHashMap<>();
        for (Table t : tables) {
            map.put(t.name().substring(t.name().lastIndexOf('.') + 1), t);
        }
        return map;
    }

    /** An empty commit, as a sink's; {@code job} null: from outside the job. */
    private static long commit(Table table, String job, long checkpoint) {
        var append = table.newAppend();
        if (job != null) {
            append.set(CheckpointCut.JOB, job)
                    .set(CheckpointCut.CHECKPOINT, Long.toString(checkpoint));
        }
        append.commit();
        table.refresh();
        return table.currentSnapshot().snapshotId();
    }
}
