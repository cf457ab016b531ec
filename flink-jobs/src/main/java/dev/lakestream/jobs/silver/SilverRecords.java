package dev.lakestream.jobs.silver;

import dev.lakestream.catalog.SilverTables;
import dev.lakestream.catalog.TableDefinition;
import dev.lakestream.jobs.changelog.RowChange;
import dev.lakestream.jobs.changelog.SchemaDrift;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.apache.iceberg.DistributionMode;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.PartitionSpecParser;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.flink.sink.dynamic.DynamicRecord;
import org.apache.iceberg.flink.sink.dynamic.DynamicRecordGenerator;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * A cleansed change as a record of Iceberg's dynamic sink: its silver table, the schema of its
 * values (the definition's, with the columns its source widened or added as they come, see {@link
 * SchemaDrift}), the typed row, and upsert by the table's key. The sink adds a column or widens a
 * type in the table the first time a record needs it, without a restart; a record that lacks a
 * column the table has (dropped at the source, or of an older change) writes null there.
 *
 * <p>One schema and one row converter per table and drift, made once.
 */
final class SilverRecords implements DynamicRecordGenerator<RowChange> {

    private static final long serialVersionUID = 1L;

    private final String namespace;
    private final int writeParallelism;
    private final Clock clock;
    private transient Map<Key, Target> targets;

    SilverRecords(String namespace, int writeParallelism, Clock clock) {
        this.namespace = namespace;
        this.writeParallelism = writeParallelism;
        this.clock = clock;
    }

    private record Key(String table, String types) {}

    private record Target(
            TableDefinition definition,
            Schema schema,
            PartitionSpec spec,
            SilverRowConverter converter,
            java.util.Set<String> key) {}

    @Override
    public void generate(RowChange change, Collector<DynamicRecord> out) {
        if (change.rowKind() == RowKind.UPDATE_BEFORE) {
            return; // an upsert replaces the row by key: the retraction writes nothing
        }
        Target target = target(change.table, change.types);
        DynamicRecord record =
                new DynamicRecord(
                        target.definition.identifier(),
                        SnapshotRef.MAIN_BRANCH,
                        target.schema,
                        target.converter.toRowData(change),
                        target.spec,
                        // RANGE is not supported by the dynamic sink and falls back to hashing by
                        // the key (equality fields): what an upsert needs. HASH would too, but
                        // Iceberg 1.10.1 refuses a bucket partition of a key column there (it
                        // compares the partition field's name, store_id_bucket, with the key's)
                        DistributionMode.RANGE,
                        writeParallelism);
        record.setUpsertMode(true);
        record.setEqualityFields(target.key);
        out.collect(record);
    }

    private Target target(String table, String types) {
        if (targets == null) {
            targets = new HashMap<>();
        }
        Key key = new Key(table, types);
        Target target = targets.get(key);
        if (target == null) {
            TableDefinition definition = SilverTables.definitionFor(namespace, table);
            Schema schema = schema(definition.schema(), types);
            target =
                    new Target(
                            definition,
                            schema,
                            spec(definition.partitionSpec(), schema),
                            new SilverRowConverter(table, schema, clock),
                            definition.schema().identifierFieldNames());
            targets.put(key, target);
        }
        return target;
    }

    /** The definition's schema with the drift's types: widened columns, then added ones. */
    static Schema schema(Schema definition, String types) {
        Map<String, Type> drift = SchemaDrift.types(types);
        if (drift.isEmpty()) {
            return definition;
        }
        List<Types.NestedField> columns = new ArrayList<>();
        for (Types.NestedField column : definition.columns()) {
            Type source = drift.get(column.name());
            columns.add(
                    source != null && SchemaDrift.widens(column.type(), source)
                            ? Types.NestedField.of(
                                    column.fieldId(),
                                    column.isOptional(),
                                    column.name(),
                                    source,
                                    column.doc())
                            : column);
        }
        int id = definition.highestFieldId();
        List<Types.NestedField> added = new ArrayList<>();
        for (Map.Entry<String, Type> column : drift.entrySet()) {
            if (definition.findField(column.getKey()) == null
                    && !SilverTables.isLakestreamColumn(column.getKey())) {
                added.add(Types.NestedField.optional(++id, column.getKey(), column.getValue()));
            }
        }
        columns.addAll(added);
        return new Schema(columns, definition.identifierFieldIds());
    }

    private static PartitionSpec spec(PartitionSpec definition, Schema schema) {
        // the definition's columns keep their ids in the wider schema: its spec binds as it is
        return definition.isUnpartitioned()
                ? PartitionSpec.unpartitioned()
                : PartitionSpecParser.fromJson(schema, PartitionSpecParser.toJson(definition));
    }
}
