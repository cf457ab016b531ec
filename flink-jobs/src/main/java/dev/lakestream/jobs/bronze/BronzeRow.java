package dev.lakestream.jobs.bronze;

import dev.lakestream.catalog.BronzeTables;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.RowType;
import org.apache.iceberg.flink.FlinkSchemaUtil;

/**
 * Positions and type of a bronze row in Flink's internal {@link RowData} form, derived from the
 * Iceberg schema in {@link BronzeTables} so the two can never drift apart. Rows are serialised by
 * Flink's {@code RowDataSerializer}, never by Kryo.
 */
public final class BronzeRow {

    public static final int SOURCE = 0;
    public static final int SOURCE_TABLE = 1;
    public static final int OP = 2;
    public static final int LSN = 3;
    public static final int TX_ID = 4;
    public static final int SOURCE_TS = 5;
    public static final int INGEST_TS = 6;
    public static final int KEY = 7;
    public static final int BEFORE = 8;
    public static final int AFTER = 9;
    public static final int UNAVAILABLE_COLUMNS = 10;
    public static final int ORIGIN = 11;
    public static final int ORIGIN_POSITION = 12;
    public static final int AFTER_TYPES = 13;
    public static final int ARITY = 14;

    public static final RowType ROW_TYPE = FlinkSchemaUtil.convert(BronzeTables.SCHEMA);

    private BronzeRow() {}

    /** A bronze row's source commit time in epoch ms, or 0 where the source gives none. */
    public static long sourceMillis(org.apache.flink.table.data.RowData row) {
        return row.isNullAt(SOURCE_TS) ? 0L : row.getTimestamp(SOURCE_TS, 6).getMillisecond();
    }

    public static InternalTypeInfo<RowData> typeInfo() {
        return InternalTypeInfo.of(ROW_TYPE);
    }
}
