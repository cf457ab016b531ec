package dev.lakestream.jobs.silver;

import dev.lakestream.catalog.SilverTables;
import dev.lakestream.jobs.changelog.RowChange;
import dev.lakestream.jobs.changelog.SchemaDrift;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.iceberg.DistributionMode;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.FlinkSink;
import org.apache.iceberg.flink.sink.dynamic.DynamicIcebergSink;
import org.apache.iceberg.types.Type;

/**
 * Silver: the entity changelogs cleansed by {@link EntityRules}, upserted into one typed Iceberg
 * table per entity; refused changes go, with their rule and reason, to the quarantine table.
 *
 * <pre>
 *  changelog --[silver-cleanse]--+--> cleansed changelog --[silver-schema-switch-gate]-->
 *                                 |      silver.&lt;entity&gt; (upsert by key; Iceberg's dynamic sink
 *                                 |      follows ALTER TABLE)
 *                                 |                       \-> gold
 *                                 +--(refused)--> quarantine.silver_rejects (upsert by refusal)
 * </pre>
 */
public final class SilverTopology {

    private SilverTopology() {}

    static final OutputTag<RowData> REJECTS =
            new OutputTag<>("silver-rejects", InternalTypeInfo.of(QuarantineRecord.ROW_TYPE));

    /** Cleanses the changelog; the refused changes are the {@link #REJECTS} side output. */
    public static SingleOutputStreamOperator<RowChange> cleanse(DataStream<RowChange> changes) {
        return cleanse(changes, LiveSilverColumns.NONE);
    }

    /**
     * Cleanses the changelog, following source schema changes against what the live silver tables
     * hold ({@code live}); the refused changes are the {@link #REJECTS} side output.
     */
    public static SingleOutputStreamOperator<RowChange> cleanse(
            DataStream<RowChange> changes, LiveSilverColumns live) {
        return changes.process(new Cleanser(live), RowChange.TYPE)
                .uid(SilverOperatorIds.CLEANSE)
                .name("cleanse and validate");
    }

    /**
     * Gives every silver table its {@code main} branch before the job starts. Iceberg's dynamic
     * sink creates a missing branch itself, from every parallel writer at once, and the losers of
     * that race fail the job ("Ref main already exists"); a table created empty has no branch yet.
     */
    public static void ensureMainBranches(Catalog catalog, String namespace, List<String> tables) {
        for (String sourceTable : tables) {
            Table table =
                    catalog.loadTable(
                            SilverTables.definitionFor(namespace, sourceTable).identifier());
            if (table.refs().containsKey(SnapshotRef.MAIN_BRANCH)) {
                continue;
            }
            try {
                table.manageSnapshots().createBranch(SnapshotRef.MAIN_BRANCH).commit();
            } catch (IllegalArgumentException | CommitFailedException raced) {
                // another job or a concurrent start created it: what we wanted
                table.refresh();
                if (!table.refs().containsKey(SnapshotRef.MAIN_BRANCH)) {
                    throw raced;
                }
            }
        }
    }

    /**
     * Upserts each entity's cleansed changes into its silver table through Iceberg's dynamic sink,
     * which adds the columns and widens the types the source gained ({@link SilverRecords}) without
     * a restart; quarantines the refused.
     *
     * @param tableWriters writers per table (at most the job's parallelism): each writer closes
     *     files for every partition it touched at each checkpoint, so one writer per table keeps
     *     the files per commit, and the checkpoint's pause, at one set per partition
     */
    public static void sink(
            SingleOutputStreamOperator<RowChange> cleansed,
            CatalogLoader catalog,
            String namespace,
            int tableWriters,
            TableLoader quarantine) {
        int parallelism = cleansed.getParallelism();
        DataStream<RowChange> gated =
                cleansed.transform(
                                "one schema per table and checkpoint",
                                RowChange.TYPE,
                                new SchemaSwitchGate())
                        .uid(SilverOperatorIds.SCHEMA_SWITCH_GATE);
        DynamicIcebergSink.forInput(gated)
                .generator(
                        new SilverRecords(
                                namespace, Math.min(tableWriters, parallelism), Clock.systemUTC()))
                .catalogLoader(catalog)
                .writeParallelism(parallelism)
                .immediateTableUpdate(true)
                .uidPrefix(SilverOperatorIds.SILVER_SINK)
                .append();
        quarantine(cleansed.getSideOutput(REJECTS), quarantine);
    }

    /**
     * Upserts refused changes into the quarantine table on its key (source table, key, LSN, rule;
     * see {@code QuarantineTables}): a change refused again, when bronze is re-read or a checkpoint
     * replayed, rewrites its row instead of adding one. Hashed by that key, so one writer owns each
     * key and two copies never land in one commit from two writers.
     */
    public static void quarantine(DataStream<RowData> rejects, TableLoader quarantine) {
        FlinkSink.forRowData(rejects)
                .tableLoader(quarantine)
                .upsert(true)
                .distributionMode(DistributionMode.HASH)
                .uidPrefix(SilverOperatorIds.QUARANTINE_SINK)
                .append();
    }

    /** The function of the cleansing operator, for tests that run it in a harness. */
    public static ProcessFunction<RowChange, RowChange> cleanser() {
        return new Cleanser(LiveSilverColumns.NONE);
    }

    /**
     * Applies the rules: accepted changes go on, refused ones to the quarantine. Counts, per
     * entity, the changes refused because their source changed a column's type in a way silver
     * cannot follow ({@code lakestream_silver_schema_changes_refused}).
     */
    private static final class Cleanser extends ProcessFunction<RowChange, RowChange> {

        private static final long serialVersionUID = 1L;

        /** Reload a table's added columns at most this often when a change names an unknown one. */
        private static final long RELOAD_INTERVAL_MS = 10_000;

        private final EntityRules rules = new EntityRules();
        private final LiveSilverColumns live;
        private transient Map<String, Map<String, Type>> added;
        private transient Map<String, Long> loadedAt;
        private transient Map<String, Counter> refused;
        // per rule: a rule name is a stable, bounded label (see Rejection), never a key value
        private transient Map<String, Counter> rejects;

        Cleanser(LiveSilverColumns live) {
            this.live = live;
        }

        @Override
        public void open(OpenContext openContext) {
            added = new HashMap<>();
            loadedAt = new HashMap<>();
            refused = new HashMap<>();
            rejects = new HashMap<>();
            // every rule's counter from the start, so dashboards and alerts find it at zero
            for (String rule : EntityRules.ruleNames()) {
                rejects.put(rule, rejectsOf(rule));
            }
        }

        private Counter rejectsOf(String rule) {
            return getRuntimeContext()
                    .getMetricGroup()
                    .addGroup("silver")
                    .addGroup("rule", rule)
                    .counter("rejects");
        }

        @Override
        public void processElement(RowChange change, Context ctx, Collector<RowChange> out) {
            CleansingResult result = rules.apply(change, addedColumns(change));
            if (result instanceof CleansingResult.Accepted accepted) {
                remember(accepted.change());
                out.collect(accepted.change());
            } else if (result instanceof CleansingResult.Rejected rejected) {
                rejects.computeIfAbsent(rejected.rejection().rule(), this::rejectsOf).inc();
                if (rejected.rejection().schemaChange()) {
                    refused.computeIfAbsent(
                                    change.table,
                                    t ->
                                            getRuntimeContext()
                                                    .getMetricGroup()
                                                    .addGroup("silver")
                                                    .addGroup("table", t)
                                                    .counter("schema_changes_refused"))
                            .inc();
                }
                ctx.output(
                        REJECTS,
                        QuarantineRecord.of(rejected, java.time.Instant.now()).toRowData());
            }
        }

        /** What silver holds beyond the definition, reloaded when the change names a new column. */
        private Map<String, Type> addedColumns(RowChange change) {
            Map<String, Type> known = added.get(change.table);
            if (change.types == null) {
                return known == null ? Map.of() : known;
            }
            boolean unknown = known == null;
            if (!unknown) {
                for (String column : SchemaDrift.types(change.types).keySet()) {
                    if (!known.containsKey(column)) {
                        unknown = true;
                        break;
                    }
                }
            }
            long now = System.currentTimeMillis();
            if (unknown && now - loadedAt.getOrDefault(change.table, 0L) >= RELOAD_INTERVAL_MS) {
                Map<String, Type> reloaded = new HashMap<>(live.added(change.table));
                if (known != null) {
                    known.forEach(reloaded::putIfAbsent);
                }
                added.put(change.table, reloaded);
                loadedAt.put(change.table, now);
                known = reloaded;
            }
            return known == null ? Map.of() : known;
        }

        /** An added column accepted here is one silver holds from now on, as this type. */
        private void remember(RowChange accepted) {
            if (accepted.types == null) {
                return;
            }
            Map<String, Type> known = added.computeIfAbsent(accepted.table, t -> new HashMap<>());
            Schema definition = SilverTables.definitionFor(accepted.table).schema();
            SchemaDrift.types(accepted.types)
                    .forEach(
                            (column, type) -> {
                                if (definition.findField(column) == null) {
                                    known.merge(
                                            column,
                                            type,
                                            (held, now) ->
                                                    SchemaDrift.widens(held, now) ? now : held);
                                }
                            });
        }
    }
}
