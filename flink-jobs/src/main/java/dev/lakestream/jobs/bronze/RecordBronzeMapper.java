package dev.lakestream.jobs.bronze;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.lakestream.catalog.QuarantineTables;
import dev.lakestream.jobs.source.SourceRecord;
import java.io.Serializable;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.iceberg.flink.FlinkSchemaUtil;

/**
 * Turns the records of the REST and file sources into bronze rows, and the records they refused
 * into rows of {@code quarantine.ingestion_rejects}.
 *
 * <p>A record lands in the same bronze shape as a database change (see {@code BronzeTables}):
 *
 * <pre>
 *  source        rest:exchange_rates            files:foot_traffic
 *  source_table  rest.exchange_rates            files.foot_traffic
 *  op            c                              c
 *  lsn           cursor, epoch microseconds     last-modified second * 10^9 + line
 *  source_ts     the record's cursor instant    the file's last-modified time
 *  key           {"origin":..., "position":N}   (provenance: which record of which read)
 *  after         the record as received         the row as a JSON object
 *  origin        GET url?updated_since=...      s3://bucket/landing/foot_traffic/file.csv
 *  origin_position  index in the response       line number
 * </pre>
 *
 * The key is the record's provenance, not its business identity: bronze does not interpret
 * payloads. Silver derives the identity from the payload's fields and orders records of one
 * identity by {@code lsn}.
 */
public final class RecordBronzeMapper implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final RowType REJECT_ROW_TYPE =
            FlinkSchemaUtil.convert(QuarantineTables.INGESTION_REJECTS_SCHEMA);

    private final BronzeRowMapper.EpochClock clock;

    public RecordBronzeMapper(BronzeRowMapper.EpochClock clock) {
        this.clock = clock;
    }

    /**
     * The bronze source table of a source, e.g. {@code rest:exchange_rates} gives {@code
     * rest.exchange_rates}.
     */
    public static String sourceTable(String source) {
        return source.replace(':', '.');
    }

    /** The bronze row of a good record. */
    public RowData toBronze(SourceRecord record) {
        if (record.rejected()) {
            throw new IllegalArgumentException("a refused record belongs in quarantine: " + record);
        }
        GenericRowData row = new GenericRowData(BronzeRow.ARITY);
        row.setField(BronzeRow.SOURCE, StringData.fromString(record.source()));
        row.setField(BronzeRow.SOURCE_TABLE, StringData.fromString(sourceTable(record.source())));
        row.setField(BronzeRow.OP, StringData.fromString("c"));
        row.setField(BronzeRow.LSN, record.sequence());
        row.setField(
                BronzeRow.SOURCE_TS,
                record.sourceTimeMillis() > 0
                        ? TimestampData.fromEpochMillis(record.sourceTimeMillis())
                        : null);
        row.setField(BronzeRow.INGEST_TS, TimestampData.fromEpochMillis(clock.nowMillis()));
        row.setField(
                BronzeRow.KEY,
                StringData.fromString(
                        "{\"origin\":"
                                + quoted(record.origin())
                                + ",\"position\":"
                                + record.position()
                                + "}"));
        row.setField(BronzeRow.AFTER, StringData.fromString(record.payload()));
        row.setField(BronzeRow.ORIGIN, StringData.fromString(record.origin()));
        row.setField(BronzeRow.ORIGIN_POSITION, record.position());
        return row;
    }

    /** The {@code quarantine.ingestion_rejects} row of a refused record. */
    public RowData toReject(SourceRecord record) {
        GenericRowData row = new GenericRowData(7);
        row.setField(0, StringData.fromString(record.source()));
        row.setField(1, StringData.fromString(record.dataset()));
        row.setField(2, StringData.fromString(record.origin() == null ? "" : record.origin()));
        row.setField(3, record.position());
        row.setField(
                4,
                StringData.fromString(
                        record.rejectReason() == null ? "(no reason)" : record.rejectReason()));
        row.setField(5, record.payload() == null ? null : StringData.fromString(record.payload()));
        row.setField(6, TimestampData.fromEpochMillis(clock.nowMillis()));
        return row;
    }

    private static String quoted(String text) {
        StringBuilder b = new StringBuilder().append('"');
        JsonStringEncoder.getInstance().quoteAsString(text == null ? "" : text, b);
        return b.append('"').toString();
    }
}
