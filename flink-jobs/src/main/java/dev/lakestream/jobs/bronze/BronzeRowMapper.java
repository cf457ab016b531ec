package dev.lakestream.jobs.bronze;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.lakestream.jobs.source.postgres.PostgresPreflight.CapturedTable;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
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
    // UTF-8 output writes characters beyond the BMP as escaped surrogate pairs unless told to
    // combine them: text written as bytes must read as the same text a String writer made
    private static final JsonFactory JSON =
            JsonFactory.builder()
                    .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                    .build();

    private final String sourceName;
    private final Map<String, CapturedTable> tables;
    private final EpochClock clock;
    // per-instance caches: each parallel reader deserializes its own copy of the mapper
    private transient IdentityHashMap<Schema, Envelope> envelopes;
    private transient Map<String, Map<String, TableInfo>> tableInfos;
    private transient Map<String, StringData> opData;
    private transient StringData sourceNameData;
    private transient ByteArrayBuilder buffer;
    // Debezium hands out one schema object per table version: its types text, made once
    private transient IdentityHashMap<Schema, StringData> types;

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

    public GenericRowData map(SourceRecord record) {
        if (!(record.value() instanceof Struct value)) {
            return null;
        }
        Envelope envelope = envelope(value.schema());
        if (envelope == null) {
            return null;
        }
        Struct source = (Struct) value.get(envelope.source);
        TableInfo table = table(source, envelope);
        String op = (String) value.get(envelope.op);
        Struct before = envelope.before == null ? null : (Struct) value.get(envelope.before);
        Struct after = envelope.after == null ? null : (Struct) value.get(envelope.after);

        GenericRowData row = new GenericRowData(BronzeRow.ARITY);
        row.setField(BronzeRow.SOURCE, sourceNameData());
        row.setField(BronzeRow.SOURCE_TABLE, table.nameData);
        row.setField(BronzeRow.OP, opData(op));
        Long lsn = optionalLong(source, envelope.lsn);
        row.setField(BronzeRow.LSN, lsn == null ? 0L : lsn);
        row.setField(BronzeRow.TX_ID, optionalLong(source, envelope.txId));
        Long sourceMillis = optionalLong(source, envelope.tsMs);
        if ("r".equals(op) && sourceMillis != null && sourceMillis == 0L) {
            // Flink CDC's snapshot reads carry ts_ms 0: a placeholder, not a commit time
            sourceMillis = null;
        }
        row.setField(
                BronzeRow.SOURCE_TS,
                sourceMillis == null ? null : TimestampData.fromEpochMillis(sourceMillis));
        row.setField(BronzeRow.INGEST_TS, TimestampData.fromEpochMillis(clock.nowMillis()));
        row.setField(BronzeRow.KEY, keyJson(record, op, table, before, after));
        row.setField(
                BronzeRow.BEFORE,
                before == null ? null : imageJson(before, table.beforeOnly, null));
        List<String> unavailable = new ArrayList<>(0);
        row.setField(BronzeRow.AFTER, after == null ? null : imageJson(after, null, unavailable));
        row.setField(BronzeRow.AFTER_TYPES, after == null ? null : afterTypes(after.schema()));
        row.setField(
                BronzeRow.UNAVAILABLE_COLUMNS,
                unavailable.isEmpty() ? null : stringArray(unavailable));
        return row;
    }

    private StringData afterTypes(Schema schema) {
        if (types == null) {
            types = new IdentityHashMap<>();
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

    /**
     * The envelope's fields, resolved once per value schema (Debezium keeps one schema object per
     * table until the table changes); null for records that are not row changes.
     */
    private Envelope envelope(Schema schema) {
        if (envelopes == null) {
            envelopes = new IdentityHashMap<>();
        }
        Envelope envelope = envelopes.get(schema);
        if (envelope == null && !envelopes.containsKey(schema)) {
            envelope = Envelope.of(schema);
            envelopes.put(schema, envelope);
        }
        return envelope;
    }

    /** The positions of an envelope's fields, looked up by name once. */
    private static final class Envelope {
        final Field op;
        final Field source;
        final Field before;
        final Field after;
        final Field schemaName;
        final Field tableName;
        final Field lsn;
        final Field txId;
        final Field tsMs;

        private Envelope(Schema schema) {
            op = schema.field("op");
            source = schema.field("source");
            before = schema.field("before");
            after = schema.field("after");
            Schema sourceSchema = source.schema();
            schemaName = sourceSchema.field("schema");
            tableName = sourceSchema.field("table");
            lsn = sourceSchema.field("lsn");
            txId = sourceSchema.field("txId");
            tsMs = sourceSchema.field("ts_ms");
        }

        static Envelope of(Schema schema) {
            if (schema.type() != Schema.Type.STRUCT
                    || schema.field("op") == null
                    || schema.field("source") == null) {
                return null;
            }
            return new Envelope(schema);
        }
    }

    /** A captured table with what its rows share: its name as row data, its key columns. */
    private static final class TableInfo {
        final CapturedTable captured;
        final StringData nameData;
        final Set<String> keyColumns;
        // the only columns of a before image worth writing: null when the image is full
        final Set<String> beforeOnly;

        TableInfo(CapturedTable captured) {
            this.captured = captured;
            this.nameData = StringData.fromString(captured.name());
            this.keyColumns = Set.copyOf(captured.primaryKey());
            this.beforeOnly = captured.fullBeforeImage() ? null : keyColumns;
        }
    }

    private TableInfo table(Struct source, Envelope envelope) {
        if (tableInfos == null) {
            tableInfos = new HashMap<>();
        }
        String schemaName = (String) source.get(envelope.schemaName);
        String tableName = (String) source.get(envelope.tableName);
        Map<String, TableInfo> ofSchema =
                tableInfos.computeIfAbsent(schemaName, s -> new HashMap<>());
        TableInfo info = ofSchema.get(tableName);
        if (info == null) {
            String table = schemaName + "." + tableName;
            CapturedTable captured = tables.get(table);
            if (captured == null) {
                throw new IllegalStateException(
                        "Change for "
                                + table
                                + ", which is not among the captured tables "
                                + tables.keySet()
                                + "; the publication covers more tables than"
                                + " source.postgres.tables");
            }
            info = new TableInfo(captured);
            ofSchema.put(tableName, info);
        }
        return info;
    }

    private StringData sourceNameData() {
        if (sourceNameData == null) {
            sourceNameData = StringData.fromString(sourceName);
        }
        return sourceNameData;
    }

    private StringData opData(String op) {
        if (opData == null) {
            opData = new HashMap<>();
        }
        StringData data = opData.get(op);
        if (data == null) {
            data = StringData.fromString(op);
            opData.put(op, data);
        }
        return data;
    }

    private StringData keyJson(
            SourceRecord record, String op, TableInfo table, Struct before, Struct after) {
        if (record.key() instanceof Struct key) {
            return json(key, null);
        }
        if (TRUNCATE.equals(op)) {
            return StringData.fromString(
                    "{}"); // a TRUNCATE is of the whole table: no key, no image
        }
        // no message key (should not happen for tables with a primary key): take it from the image
        Struct image = after != null ? after : before;
        if (image == null) {
            throw new IllegalStateException(
                    "Change for " + table.captured.name() + " has no key and no image");
        }
        return json(image, table.keyColumns);
    }

    /** A key as JSON, every field written as it is. */
    private StringData json(Struct struct, Set<String> only) {
        JsonGenerator generator = generator();
        try {
            ConnectJson.writeStruct(generator, struct, only, Set.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return written(generator);
    }

    /** A row image as JSON, without its unavailable TOAST values (named in {@code unavailable}). */
    private StringData imageJson(Struct image, Set<String> only, List<String> unavailable) {
        JsonGenerator generator = generator();
        try {
            ConnectJson.writeImage(generator, image, only, unavailable);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return written(generator);
    }

    /**
     * A generator writing UTF-8 into this mapper's buffer: the text goes into the row as the bytes
     * Parquet stores, with no String in between.
     */
    private JsonGenerator generator() {
        if (buffer == null) {
            buffer = new ByteArrayBuilder(256);
        }
        buffer.reset();
        try {
            return JSON.createGenerator(buffer, JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private StringData written(JsonGenerator generator) {
        try {
            generator.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return StringData.fromBytes(buffer.toByteArray());
    }

    private static Long optionalLong(Struct struct, Field field) {
        if (field == null) {
            return null;
        }
        Object v = struct.get(field);
        return v == null ? null : ((Number) v).longValue();
    }

    private static GenericArrayData stringArray(List<String> values) {
        List<StringData> data = new ArrayList<>(values.size());
        for (String v : values) {
            data.add(StringData.fromString(v));
        }
        return new GenericArrayData(data.toArray());
    }
}
