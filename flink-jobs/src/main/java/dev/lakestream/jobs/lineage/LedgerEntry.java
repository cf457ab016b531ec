package dev.lakestream.jobs.lineage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;

/**
 * One table's positions seen by one subtask between two checkpoint barriers: a row of {@code
 * lineage.commits} once the barrier comes.
 */
final class LedgerEntry {

    /** Origins kept per row: a poll or a file each; a backlog of thousands is summed up. */
    static final int MAX_ORIGINS = 200;

    private long changes;
    private long minPosition = Long.MAX_VALUE;
    private long maxPosition = Long.MIN_VALUE;
    private Long minTx;
    private Long maxTx;
    private final Map<String, long[]> origins = new LinkedHashMap<>();
    private long originsLeftOut;
    private final List<String> records = new ArrayList<>();

    void add(LedgerPosition p) {
        changes++;
        minPosition = Math.min(minPosition, p.position());
        maxPosition = Math.max(maxPosition, p.position());
        if (p.txId() != null) {
            minTx = minTx == null ? p.txId() : Math.min(minTx, p.txId());
            maxTx = maxTx == null ? p.txId() : Math.max(maxTx, p.txId());
        }
        if (p.origin() != null) {
            long[] range = origins.get(p.origin());
            if (range != null) {
                range[0] = Math.min(range[0], p.originPosition());
                range[1] = Math.max(range[1], p.originPosition());
            } else if (origins.size() < MAX_ORIGINS) {
                origins.put(p.origin(), new long[] {p.originPosition(), p.originPosition()});
            } else {
                originsLeftOut++;
            }
        }
        if (p.record() != null) {
            records.add(p.record());
        }
    }

    /** The ledger row, in the column order of {@code LineageTables.SCHEMA}. */
    RowData toRow(
            String job,
            String jobId,
            long checkpointId,
            String layer,
            String table,
            int subtask,
            long recordedAtMillis) {
        GenericRowData row = new GenericRowData(14);
        row.setField(0, StringData.fromString(job));
        row.setField(1, StringData.fromString(jobId));
        row.setField(2, checkpointId);
        row.setField(3, StringData.fromString(layer));
        row.setField(4, StringData.fromString(table));
        row.setField(5, subtask);
        row.setField(6, changes);
        row.setField(7, changes == 0 ? null : minPosition);
        row.setField(8, changes == 0 ? null : maxPosition);
        row.setField(9, minTx);
        row.setField(10, maxTx);
        row.setField(11, origins.isEmpty() ? null : originList());
        row.setField(12, records.isEmpty() ? null : strings(records));
        row.setField(13, TimestampData.fromEpochMillis(recordedAtMillis));
        return row;
    }

    private GenericArrayData originList() {
        List<String> described = new ArrayList<>();
        origins.forEach(
                (origin, range) ->
                        described.add(
                                range[0] == range[1]
                                        ? origin + "#" + range[0]
                                        : origin + "#" + range[0] + "-" + range[1]));
        if (originsLeftOut > 0) {
            described.add("(" + originsLeftOut + " records of further origins)");
        }
        return strings(described);
    }

    private static GenericArrayData strings(List<String> values) {
        StringData[] data = new StringData[values.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = StringData.fromString(values.get(i));
        }
        return new GenericArrayData(data);
    }
}
