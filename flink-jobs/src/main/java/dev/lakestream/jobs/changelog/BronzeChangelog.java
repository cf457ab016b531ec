package dev.lakestream.jobs.changelog;

import dev.lakestream.catalog.LineageTables;
import dev.lakestream.jobs.bronze.BronzeRow;
import dev.lakestream.jobs.lineage.LedgerPosition;
import dev.lakestream.jobs.lineage.LineageLedger;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.source.IcebergSource;
import org.apache.iceberg.flink.source.StreamingStartingStrategy;

/**
 * Rebuilds each entity's changelog from the append-only bronze tables.
 *
 * <pre>
 *  bronze.shop_* --Iceberg streaming read (scan, then each new snapshot)--> [bronze-parse-*]
 *      --[lineage-consumed-*]--union, keyBy(table, key)--> [apply-in-lsn-order] --> +I / -U +U / -D per entity
 * </pre>
 *
 * Bronze files are read in parallel splits, so changes of one key can arrive out of order or twice
 * (after a restart); {@link LsnOrderedApplier} makes the result depend only on the LSNs. The
 * Iceberg source keeps its position (the last snapshot read) in Flink checkpoints, and {@link
 * PositionPublishingSource} publishes it on the bronze table, so that table maintenance never
 * expires the snapshots a restore from those checkpoints needs.
 */
public final class BronzeChangelog {

    private BronzeChangelog() {}

    public static DataStream<RowChange> build(
            StreamExecutionEnvironment env,
            List<String> sourceTables,
            Function<String, TableLoader> bronzeTable,
            Duration monitorInterval,
            Duration tombstoneRetention,
            String consumer,
            Duration positionPublishInterval,
            LineageLedger ledger) {
        BronzeChangeParser parser = new BronzeChangeParser();
        DataStream<ChangeEvent> all = null;
        for (String table : sourceTables) {
            IcebergSource<org.apache.flink.table.data.RowData> source =
                    IcebergSource.forRowData()
                            .tableLoader(bronzeTable.apply(table))
                            .streaming(true)
                            .streamingStartingStrategy(
                                    StreamingStartingStrategy.TABLE_SCAN_THEN_INCREMENTAL)
                            .monitorInterval(monitorInterval)
                            .build();
            DataStream<ChangeEvent> events =
                    env.fromSource(
                                    new PositionPublishingSource<>(
                                            source,
                                            bronzeTable.apply(table),
                                            consumer,
                                            positionPublishInterval),
                                    WatermarkStrategy.noWatermarks(),
                                    "bronze " + table,
                                    BronzeRow.typeInfo())
                            .uid(ChangelogOperatorIds.bronzeSource(table))
                            .map(parser::parse, ChangeEvent.TYPE)
                            .uid(ChangelogOperatorIds.bronzeParser(table))
                            .name("parse " + table);
            events =
                    ledger.tap(
                            events,
                            ChangelogOperatorIds.bronzeLedger(table),
                            LineageTables.LAYER_CONSUMED,
                            ChangeEvent.TYPE,
                            e -> LedgerPosition.change(e.table, e.lsn, null));
            all = all == null ? events : all.union(events);
        }
        return inLsnOrder(all, tombstoneRetention);
    }

    /** The changelog of the change events: per table and key, applied in LSN order. */
    public static DataStream<RowChange> inLsnOrder(
            DataStream<ChangeEvent> events, Duration tombstoneRetention) {
        return events.keyBy(e -> e.table + e.key, Types.STRING)
                .process(new LsnOrderedApplier(tombstoneRetention), RowChange.TYPE)
                .uid(ChangelogOperatorIds.APPLY_IN_LSN_ORDER)
                .name("apply changes in LSN order");
    }
}
