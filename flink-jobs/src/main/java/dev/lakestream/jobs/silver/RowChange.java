package dev.lakestream.jobs.silver;

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

    public Map<String, String> values;

    public static final TypeInformation<RowChange> TYPE =
            Types.POJO(
                    RowChange.class,
                    Map.of(
                            "kind", Types.STRING,
                            "table", Types.STRING,
                            "key", Types.STRING,
                            "lsn", Types.LONG,
                            "values", Types.MAP(Types.STRING, Types.STRING)));

    public RowChange() {}

    public RowChange(RowKind kind, String table, String key, long lsn, Map<String, String> values) {
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

    @Override
    public boolean equals(Object o) {
        return o instanceof RowChange r
                && lsn == r.lsn
                && Objects.equals(kind, r.kind)
                && Objects.equals(table, r.table)
                && Objects.equals(key, r.key)
                && Objects.equals(values, r.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, table, key, lsn, values);
    }

    @Override
    public String toString() {
        return kind + " " + table + key + "@" + lsn + " " + values;
    }
}
