package dev.lakestream.jobs.bronze;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.lakestream.jobs.source.postgres.PostgresPreflight.CapturedTable;
import java.io.IOException;
import java.io.Serializable;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns one Debezium change record from PostgreSQL into one bronze row.
 *
 * <p>What it guarantees, because silver depends on it:
 *
 * <ul>
 *   <li>{@code before} holds only real data: under {@code REPLICA IDENTITY DEFAULT} PostgreSQL
 *       sends just the key of the old row, and Debezium fills the other columns with NULLs or
 *       defaults (0, epoch); those are dropped, leaving the key columns.
 *   <li>Unchanged TOAST values (Debezium's {@code __debezium_unavailable_value}) are left out of
 *       the images and named in {@code unavailable_columns}, never written as data.
 *   <li>Money and other NUMERICs keep their exact scale; see {@link ConnectJson}.
 *   <li>Snapshot reads ({@code op = r}) carry the low watermark of their chunk as {@code lsn}
 *       (stamped by {@code SnapshotLsnSource}; Flink CDC itself gives 0): newer than the changes
 *       already in bronze, older than every change streamed after the chunk, so that a re-snapshot
 *       after a lost slot wins in silver's LSN order. They have no commit time: {@code source_ts}
 *       is null.
 * </ul>
 *
 * <p>Records that are not row changes (heartbeats, transaction markers) yield {@code null}.
 */
public final class BronzeRowMapper implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final JsonFactory JSON = new JsonFactory();

    private final String sourceName;
    private final Map<String, CapturedTable> tables;
    private final EpochClock clock;
    private transient Map<String, Set<String>> keyColumns;
    private transient StringWriter buffer;
    // Debezium hands out one schema object per table version: its types text, made once
    private transient Map<org.apache.kafka.connect.data.Schema, StringData> types;

    /**
     * @param sourceName written to the {@code source} column, e.g. {@code postgres:shop}
     * @param tables captured tables by schema-qualified name
     * @param clock epoch milliseconds for {@code ingest_ts}
     */
    public BronzeRowMapper(String sourceName, Map<String, CapturedTable> tables, EpochClock clock) {
        this.sourceName = sourceName;
        this.tables = Map.copyOf(tables);
        this.clock = clock;
    }

    /** Milliseconds since the epoch; serializable so the mapper can ship with the job. */
    @FunctionalInterface
    public interface EpochClock extends Serializable {
        long nowMillis();

        static EpochClock system() {
            return System::currentTimeMillis;
        }
    }

    /**
     * Debezium's op of a TRUNCATE ({@code truncate.handling.mode=include}): the table emptied in
     * one statement, with no change per row. Bronze keeps it as a row with op {@code t}, key {@code
     * {}} and no images; silver refuses it into quarantine ({@code <entity>.truncate}).
     */
    public static final String TRUNCATE = "t";

    private static Struct value(SourceRecord record) {
        return (Struct) record.value();
    }

    public GenericRowData map(SourceRecord record) {
        if (!(record.value() instanceof Struct value)
                || value.schema().field("op") == null
                || value.schema().field("source") == null) {
            return null;
        }
        Struct source = value.getStruct("source");
        String table = source.getString("schema") + "." + source.getString("table");
        CapturedTable captured = tables.get(table);
        if (captured == null) {
            throw new IllegalStateException(
                    "Change for "
                            + table
                            + ", which is not among the captured tables "
                            + tables.keySet()
                            + "; the publication covers more tables than source.postgres.tables");
        }
        String op = value.getString("op");
        Struct before = value.schema().field("before") == null ? null : value.getStruct("before");
        Struct after = value.schema().field("after") == null ? null : value.getStruct("after");

        Set<String> unavailable = new LinkedHashSet<>();
        collectUnavailable(after, unavailable);
        Set<String> beforeUnavailable = new HashSet<>();
        collectUnavailable(before, beforeUnavailable);

        GenericRowData row = new GenericRowData(BronzeRow.ARITY);
        row.setField(BronzeRow.SOURCE, StringData.fromString(sourceName));
        row.setField(BronzeRow.SOURCE_TABLE, StringData.fromString(table));
        row.setField(BronzeRow.OP, StringData.fromString(op));
        Long lsn = optionalLong(source, "lsn");
        row.setField(BronzeRow.LSN, lsn == null ? 0L : lsn);
        row.setField(BronzeRow.TX_ID, optionalLong(source, "txId"));
        Long sourceMillis = optionalLong(source, "ts_ms");
        if ("r".equals(op) && sourceMillis != null && sourceMillis == 0L) {
            // Flink CDC's snapshot reads carry ts_ms 0: a placeholder, not a commit time
            sourceMillis = null;
        }
        row.setField(
                BronzeRow.SOURCE_TS,
                sourceMillis == null ? null : TimestampData.fromEpochMillis(sourceMillis));
        row.setField(BronzeRow.INGEST_TS, TimestampData.fromEpochMillis(clock.nowMillis()));
        row.setField(
                BronzeRow.KEY, StringData.fromString(keyJson(record, captured, before, after)));
        Set<String> beforeOnly = captured.fullBeforeImage() ? null : keyColumns(captured);
        row.setField(
                BronzeRow.BEFORE,
                before == null
                        ? null
                        : StringData.fromString(json(before, beforeOnly, beforeUnavailable)));
        row.setField(
                BronzeRow.AFTER,
                after == null ? null : StringData.fromString(json(after, null, unavailable)));
        row.setField(BronzeRow.AFTER_TYPES, after == null ? null : afterTypes(after.schema()));
        row.setField(
                BronzeRow.UNAVAILABLE_COLUMNS,
                unavailable.isEmpty() ? null : stringArray(unavailable));
        return row;
    }

    private StringData afterTypes(org.apache.kafka.connect.data.Schema schema) {
        if (types == null) {
            types = new java.util.IdentityHashMap<>();
        }
        StringData known = types.get(schema);
        if (known == null) {
            if (types.size() > 1000) {
                types.clear(); // a schema per table version: only a leak would get here
            }
            known = StringData.fromString(SourceTypes.of(schema));
            types.put(schema, known);
        }
        return known;
    }

    private String keyJson(
            SourceRecord record, CapturedTable captured, Struct before, Struct after) {
        if (record.key() instanceof Struct key) {
            return json(key, null, Set.of());
        }
        if (TRUNCATE.equals(value(record).getString("op"))) {
            return "{}"; // a TRUNCATE is of the whole table: no key, no image
        }
        // no message key (should not happen for tables with a primary key): take it from the image
        Struct image = after != null ? after : before;
        if (image == null) {
            throw new IllegalStateException(
                    "Change for " + captured.name() + " has no key and no image");
        }
        return json(image, keyColumns(captured), Set.of());
    }

    private Set<String> keyColumns(CapturedTable captured) {
        if (keyColumns == null) {
            keyColumns = new HashMap<>();
        }
        return keyColumns.computeIfAbsent(captured.name(), t -> Set.copyOf(captured.primaryKey()));
    }

    private static void collectUnavailable(Struct image, Set<String> into) {
        if (image == null) {
            return;
        }
        for (Field field : image.schema().fields()) {
            if (ConnectJson.isUnavailable(image.get(field))) {
                into.add(field.name());
            }
        }
    }

    private String json(Struct struct, Set<String> only, Set<String> skip) {
        if (buffer == null) {
            buffer = new StringWriter(256);
        }
        buffer.getBuffer().setLength(0);
        try (JsonGenerator generator = JSON.createGenerator(buffer)) {
            ConnectJson.writeStruct(generator, struct, only, skip);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toString();
    }

    private static Long optionalLong(Struct struct, String field) {
        if (struct.schema().field(field) == null) {
            return null;
        }
        Object v = struct.get(field);
        return v == null ? null : ((Number) v).longValue();
    }

    private static GenericArrayData stringArray(Set<String> values) {
        List<StringData> data = new ArrayList<>(values.size());
        for (String v : values) {
            data.add(StringData.fromString(v));
        }
        return new GenericArrayData(data.toArray());
    }
}
