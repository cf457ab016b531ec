package dev.lakestream.jobs.changelog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * One row change read back from bronze, on its way to silver: which table and key, the operation,
 * its WAL position, and the new row image as column to typed value, read once from bronze's JSON by
 * {@link JsonImages} ({@code 12.50} a {@link java.math.BigDecimal} at scale 2, {@code "PAID"} a
 * String, {@code null} a present null). Columns PostgreSQL did not send (unchanged TOAST values)
 * are absent from {@link #values} and named in {@link #unavailableColumns}.
 *
 * <p>A Flink POJO with explicit type information ({@link #TYPE}), so it never falls back to Kryo.
 */
public class ChangeEvent {

    /**
     * {@code c} insert, {@code u} update, {@code d} delete, {@code r} snapshot read, {@code t} a
     * TRUNCATE of the whole table (key {@code {}}, no values).
     */
    public String op;

    public String table;
    public String key;
    public long lsn;
    public Map<String, Object> values;
    public List<String> unavailableColumns;

    /**
     * Where the image's source column types differ from its silver table (see {@link SchemaDrift}),
     * or null: almost always.
     */
    public String types;

    /**
     * When the source committed the change (bronze's {@code source_ts}), epoch ms; 0 when unknown
     * (snapshot reads). Only for the latency metrics: not part of equality.
     */
    public long sourceMillis;

    /**
     * Whether this is a correction re-injected from the quarantine ({@code ./lakestream quarantine
     * reinject}, see {@link Corrections}): "the change at {@link #lsn}, as it should have been".
     * {@link LsnOrderedApplier} gives it that meaning whatever order it arrives in.
     */
    public boolean correction;

    /**
     * The silver rules a correction skips for its change, comma-separated (e.g. {@code
     * order_lines.discount.max}), or null: null for every other change. Text, not a list, so the
     * field is a plain string for every serializer Flink may pick.
     */
    public String overrides;

    public static final TypeInformation<ChangeEvent> TYPE =
            Types.POJO(
                    ChangeEvent.class,
                    Map.of(
                            "op", Types.STRING,
                            "table", Types.STRING,
                            "key", Types.STRING,
                            "lsn", Types.LONG,
                            "values", ColumnValueTypeInfo.IMAGE,
                            "unavailableColumns", Types.LIST(Types.STRING),
                            "types", Types.STRING,
                            "sourceMillis", Types.LONG,
                            "correction", Types.BOOLEAN,
                            "overrides", Types.STRING));

    public ChangeEvent() {}

    public ChangeEvent(
            String table,
            String key,
            String op,
            long lsn,
            Map<String, ? extends Object> values,
            List<String> unavailableColumns) {
        this.table = table;
        this.key = key;
        this.op = op;
        this.lsn = lsn;
        this.values = values == null ? new HashMap<>() : new HashMap<>(values);
        this.unavailableColumns =
                unavailableColumns == null
                        ? new ArrayList<>()
                        : new ArrayList<>(unavailableColumns);
    }

    public boolean isDelete() {
        return "d".equals(op);
    }

    public boolean isTruncate() {
        return "t".equals(op);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChangeEvent e
                && lsn == e.lsn
                && Objects.equals(op, e.op)
                && Objects.equals(table, e.table)
                && Objects.equals(key, e.key)
                && Objects.equals(values, e.values)
                && Objects.equals(unavailableColumns, e.unavailableColumns)
                && Objects.equals(types, e.types)
                && correction == e.correction
                && Objects.equals(overrides, e.overrides);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                op, table, key, lsn, values, unavailableColumns, types, correction, overrides);
    }

    @Override
    public String toString() {
        return table
                + key
                + " "
                + op
                + "@"
                + lsn
                + " "
                + values
                + " unavailable="
                + unavailableColumns
                + (types == null ? "" : " types=" + types)
                + (correction ? " correction overrides=" + overrides : "");
    }
}
