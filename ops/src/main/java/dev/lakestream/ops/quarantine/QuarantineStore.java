package dev.lakestream.ops.quarantine;

import dev.lakestream.catalog.QuarantineTables;
import dev.lakestream.catalog.SilverTables;
import dev.lakestream.catalog.TableBootstrap;
import dev.lakestream.catalog.TableDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The quarantine tables and silver as the command reads and writes them: {@code silver_rejects} and
 * {@code ingestion_rejects} (read), {@code reinjections} (read, and one row per re-injected reject
 * written), and a silver row's {@code _lsn} (to tell a superseded reject).
 */
final class QuarantineStore {

    private final Catalog catalog;
    private final String silverNamespace;

    QuarantineStore(Catalog catalog, String silverNamespace) {
        this.catalog = catalog;
        this.silverNamespace = silverNamespace;
    }

    /** Every row of {@code quarantine.silver_rejects}; none when the table does not exist yet. */
    List<SilverReject> silverRejects() {
        return read(
                QuarantineTables.silverRejects(),
                Expressions.alwaysTrue(),
                r ->
                        new SilverReject(
                                (String) r.getField("source_table"),
                                (String) r.getField("key"),
                                (Long) r.getField("lsn"),
                                (String) r.getField("kind"),
                                (String) r.getField("rule"),
                                (String) r.getField("reason"),
                                (String) r.getField("raw"),
                                instant(r.getField("rejected_at"))));
    }

    /** Every row of {@code quarantine.reinjections}; none when the table does not exist yet. */
    List<Reinjection> reinjections() {
        return read(
                QuarantineTables.reinjections(QuarantineTables.DEFAULT_NAMESPACE),
                Expressions.alwaysTrue(),
                r -> {
                    @SuppressWarnings("unchecked")
                    List<String> overrides = (List<String>) r.getField("overrides");
                    return new Reinjection(
                            (String) r.getField("source_table"),
                            (String) r.getField("key"),
                            (Long) r.getField("lsn"),
                            (String) r.getField("rule"),
                            (String) r.getField("fix"),
                            overrides == null ? List.of() : List.copyOf(overrides),
                            (String) r.getField("after"),
                            (String) r.getField("origin"),
                            (String) r.getField("reinjected_by"),
                            instant(r.getField("reinjected_at")),
                            (String) r.getField("bronze_table"),
                            (Long) r.getField("bronze_snapshot_id"));
                });
    }

    /** Appends the rows to {@code quarantine.reinjections} (created on first use) in one commit. */
    void record(List<Reinjection> rows) {
        Table table =
                new TableBootstrap(catalog)
                        .ensure(QuarantineTables.reinjections(QuarantineTables.DEFAULT_NAMESPACE));
        List<Record> records = new ArrayList<>();
        for (Reinjection row : rows) {
            GenericRecord r = GenericRecord.create(table.schema());
            r.setField("source_table", row.sourceTable());
            r.setField("key", row.key());
            r.setField("lsn", row.lsn());
            r.setField("rule", row.rule());
            r.setField("fix", row.fix());
            r.setField("overrides", row.overrides());
            r.setField("after", row.after());
            r.setField("origin", row.origin());
            r.setField("reinjected_by", row.reinjectedBy());
            r.setField("reinjected_at", row.reinjectedAt().atOffset(ZoneOffset.UTC));
            r.setField("bronze_table", row.bronzeTable());
            r.setField("bronze_snapshot_id", row.bronzeSnapshotId());
            records.add(r);
        }
        IcebergAppends.append(
                table,
                records,
                Map.of(
                        "lakestream.reinjections",
                        rows.get(0).sourceTable()
                                + "|"
                                + rows.get(0).key()
                                + "|"
                                + rows.get(0).lsn()));
    }

    /**
     * The {@code _lsn} of the key's row in silver: the LSN of the change silver holds; empty when
     * silver has no row of the key.
     */
    OptionalLong silverLsn(String sourceTable, String keyJson) {
        TableDefinition silver = SilverTables.definitionFor(silverNamespace, sourceTable);
        String wanted = SilverReject.canonicalKey(sourceTable, keyJson);
        Map<String, Object> key =
                dev.lakestream.jobs.changelog.JsonImages.parse(keyJson, sourceTable, keyJson);
        Expression filter = Expressions.alwaysTrue();
        for (Map.Entry<String, Object> column : key.entrySet()) {
            if (column.getValue() instanceof Long value
                    && silver.schema().findType(column.getKey()).typeId()
                            == org.apache.iceberg.types.Type.TypeID.LONG) {
                filter = Expressions.and(filter, Expressions.equal(column.getKey(), value));
            }
        }
        List<Long> lsns =
                read(
                        silver,
                        filter,
                        r -> {
                            Map<String, Object> rowKey = new TreeMap<>();
                            for (String column : key.keySet()) {
                                rowKey.put(column, jsonValue(r.getField(column)));
                            }
                            return rowKey.toString().equals(wanted)
                                    ? (Long) r.getField(SilverTables.LSN_COLUMN)
                                    : null;
                        });
        return lsns.stream()
                .filter(java.util.Objects::nonNull)
                .mapToLong(Long::longValue)
                .reduce(Math::max);
    }

    /** {@code quarantine.ingestion_rejects}, one line per record, newest last. */
    List<String> ingestionRejects(String dataset) {
        List<String> lines = new ArrayList<>();
        read(
                        QuarantineTables.ingestionRejects(),
                        dataset == null
                                ? Expressions.alwaysTrue()
                                : Expressions.equal("dataset", dataset),
                        r -> r)
                .stream()
                .sorted(
                        java.util.Comparator.comparing(
                                r -> (OffsetDateTime) r.getField("rejected_at")))
                .forEach(
                        r ->
                                lines.add(
                                        r.getField("source")
                                                + " "
                                                + r.getField("origin")
                                                + " #"
                                                + r.getField("position")
                                                + " rejected_at="
                                                + instant(r.getField("rejected_at"))
                                                + " reason: "
                                                + r.getField("reason")));
        return lines;
    }

    /** A key value of a silver row as bronze's JSON gives it, to compare keys. */
    private static Object jsonValue(Object value) {
        if (value instanceof Integer i) {
            return (long) i;
        }
        if (value instanceof LocalDate || value instanceof OffsetDateTime) {
            return value instanceof OffsetDateTime t ? t.toInstant().toString() : value.toString();
        }
        return value;
    }

    private <T> List<T> read(
            TableDefinition definition, Expression filter, Function<Record, T> mapper) {
        if (!catalog.tableExists(definition.identifier())) {
            return List.of();
        }
        Table table = catalog.loadTable(definition.identifier());
        List<T> rows = new ArrayList<>();
        try (CloseableIterable<Record> records =
                IcebergGenerics.read(table).where(filter).build()) {
            for (Record r : records) {
                T row = mapper.apply(r);
                if (row != null) {
                    rows.add(row);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + definition.identifier(), e);
        }
        return rows;
    }

    private static Instant instant(Object timestamptz) {
        return ((OffsetDateTime) timestamptz).toInstant();
    }
}
