package dev.lakestream.jobs.changelog;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * What {@link LsnOrderedApplier} remembers per key: the position of the newest change applied to
 * the row (its existence), whether that change was a delete, and per column the value and the
 * position of the change that last really wrote it.
 */
public class KeyState {

    /** Highest LSN applied to this key; -1 before anything. */
    public long rowLsn = -1;

    public boolean deleted;
    public Map<String, Object> values = new HashMap<>();
    public Map<String, Long> valueLsns = new HashMap<>();

    /** Columns the row has but whose value no change has delivered yet (unchanged TOAST). */
    public java.util.List<String> missing = new java.util.ArrayList<>();

    /** The newest change's drift from silver's column types ({@link SchemaDrift}), or null. */
    public String types;

    /**
     * The LSN of the last correction applied at the row's own LSN (see {@link
     * ChangeEvent#correction}), or -1: with {@link #overrides}, what makes a second identical
     * correction a no-op and the first one a re-emission even when it changes no value (a rule
     * override alone). Added as a POJO field: savepoints taken before it restore with -1.
     */
    public long correctedLsn = -1;

    /** The rules the correction at {@link #correctedLsn} skips, or null. */
    public String overrides;

    public static final TypeInformation<KeyState> TYPE =
            Types.POJO(
                    KeyState.class,
                    Map.of(
                            "rowLsn", Types.LONG,
                            "deleted", Types.BOOLEAN,
                            "values", ColumnValueTypeInfo.IMAGE,
                            "valueLsns", Types.MAP(Types.STRING, Types.LONG),
                            "missing", Types.LIST(Types.STRING),
                            "types", Types.STRING,
                            "correctedLsn", Types.LONG,
                            "overrides", Types.STRING));

    public KeyState() {}
}
