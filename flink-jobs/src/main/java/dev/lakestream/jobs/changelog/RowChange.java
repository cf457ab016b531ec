package dev.lakestream.jobs.changelog;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.types.RowKind;

/**
 * A change of one entity's current state, as silver and gold consume it: a retraction of the old
 * image ({@code -U} or {@code -D}) or the new image ({@code +I} or {@code +U}). Updates come as a
 * pair, so aggregations can take an old contribution back before adding the new one.
 */
public class RowChange {

    /** Flink's short string for the row kind: {@code +I}, {@code -U}, {@code +U}, {@code -D}. */
    public String kind;

    public String table;
    public String key;

    /** WAL position of the source change that produced this state. */
    public long lsn;

    /**
     * Column to typed value. Before silver's rules: as {@link JsonImages} read it from bronze.
     * After them: the silver column's Java type ({@code Long}, {@code Integer}, {@code String},
     * {@code BigDecimal} at the column's scale, {@code Instant}, {@code LocalDate}, {@code
     * Boolean}).
     */
    public Map<String, Object> values;

    /**
     * Where the source's column types differ from the silver table's ({@link SchemaDrift}), or
     * null: almost always.
     */
    public String types;

    /**
     * When the source committed the change that made this state, epoch ms; 0 when unknown. Only for
     * the latency metrics: not part of equality.
     */
    public long sourceMillis;

    /**
     * The silver rules this change skips, comma-separated: those a correction re-injected from the
     * quarantine overrides ({@code ./lakestream quarantine reinject --override}), for the change at
     * {@link #lsn} only; null for every other change. Not part of equality: like {@link
     * #sourceMillis}, it travels with the change. Added as a POJO field, so savepoints taken before
     * it restore (Flink's POJO schema evolution leaves it null).
     */
    public String overrides;

    public static final TypeInformation<RowChange> TYPE =
            Types.POJO(
                    RowChange.class,
                    Map.of(
                            "kind", Types.STRING,
                            "table", Types.STRING,
                            "key", Types.STRING,
                            "lsn", Types.LONG,
                            "values", ColumnValueTypeInfo.IMAGE,
                            "types", Types.STRING,
                            "sourceMillis", Types.LONG,
                            "overrides", Types.STRING));

    public RowChange() {}

    public RowChange(
            RowKind kind,
            String table,
            String key,
            long lsn,
            Map<String, ? extends Object> values) {
        this.kind = kind.shortString();
        this.table = table;
        this.key = key;
        this.lsn = lsn;
        this.values = new HashMap<>(values);
    }

    public RowKind rowKind() {
        return RowKind.valueOf(
                switch (kind) {
                    case "+I" -> "INSERT";
                    case "-U" -> "UPDATE_BEFORE";
                    case "+U" -> "UPDATE_AFTER";
                    case "-D" -> "DELETE";
                    default -> throw new IllegalStateException("unknown row kind " + kind);
                });
    }

    /** This change with its source commit time set; returns this. */
    public RowChange withSourceMillis(long sourceMillis) {
        this.sourceMillis = sourceMillis;
        return this;
    }

    /** This change with the silver rules it skips ({@link #overrides}); returns this. */
    public RowChange withOverrides(String overrides) {
        this.overrides = overrides == null || overrides.isEmpty() ? null : overrides;
        return this;
    }

    /** The rules this change skips ({@link #overrides}), empty for almost every change. */
    public java.util.Set<String> overriddenRules() {
        return Corrections.rules(overrides);
    }

    /** This change with its source types' drift set; returns this. */
    public RowChange withTypes(String types) {
        this.types = types;
        return this;
    }

    /** A text column's value, or null. */
    public String text(String column) {
        return (String) values.get(column);
    }

    /** A long or int column's value, or {@code whenNull}. */
    public long longValue(String column, long whenNull) {
        Object v = values.get(column);
        return v == null ? whenNull : ((Number) v).longValue();
    }

    /** A decimal column's value, or zero. */
    public BigDecimal decimal(String column) {
        Object v = values.get(column);
        return v == null ? BigDecimal.ZERO : (BigDecimal) v;
    }

    /** A timestamp column's value, or null. */
    public Instant instant(String column) {
        return (Instant) values.get(column);
    }

    /** A date column's value, or null. */
    public LocalDate date(String column) {
        return (LocalDate) values.get(column);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowChange r
                && lsn == r.lsn
                && Objects.equals(kind, r.kind)
                && Objects.equals(table, r.table)
                && Objects.equals(key, r.key)
                && Objects.equals(values, r.values)
                && Objects.equals(types, r.types);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, table, key, lsn, values, types);
    }

    @Override
    public String toString() {
        return kind
                + " "
                + table
                + key
                + "@"
                + lsn
                + " "
                + values
                + (types == null ? "" : " types=" + types)
                + (overrides == null ? "" : " overrides=" + overrides);
    }
}
