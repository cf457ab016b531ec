package dev.lakestream.jobs.silver;

import dev.lakestream.catalog.QuarantineTables;
import dev.lakestream.jobs.changelog.JsonImages;
import dev.lakestream.jobs.changelog.RowChange;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.types.Types;

/**
 * One change silver refused, as a row of {@code quarantine.silver_rejects} (see {@link
 * QuarantineTables}).
 *
 * @param sourceTable e.g. {@code shop.customers}
 * @param key primary key as JSON, e.g. {@code {"customer_id":7}}
 * @param lsn WAL position of the refused change
 * @param kind {@code +I} or {@code +U}
 * @param rule stable rule name, e.g. {@code customers.email.format}
 * @param reason what was wrong, naming the value
 * @param raw the image as it arrived, one JSON object, columns in name order
 * @param rejectedAt when silver refused it
 */
public record QuarantineRecord(
        String sourceTable,
        String key,
        long lsn,
        String kind,
        String rule,
        String reason,
        String raw,
        Instant rejectedAt)
        implements Serializable {

    /** The row type of {@code silver_rejects} as Iceberg's Flink sink sees it. */
    public static final RowType ROW_TYPE =
            FlinkSchemaUtil.convert(QuarantineTables.SILVER_REJECTS_SCHEMA);

    /** The record of a refusal: the change as it arrived, why, and when. */
    public static QuarantineRecord of(RowChange original, Rejection rejection, Instant rejectedAt) {
        return new QuarantineRecord(
                original.table,
                original.key,
                original.lsn,
                original.kind,
                rejection.rule(),
                rejection.reason(),
                JsonImages.image(original.values == null ? java.util.Map.of() : original.values),
                rejectedAt);
    }

    /** {@link #of(RowChange, Rejection, Instant)} for a {@link CleansingResult.Rejected}. */
    public static QuarantineRecord of(CleansingResult.Rejected rejected, Instant rejectedAt) {
        return of(rejected.original(), rejected.rejection(), rejectedAt);
    }

    /**
     * An insert into {@code silver_rejects}, fields in the table's column order (looked up by name,
     * so the record does not depend on the order it is declared in).
     */
    public RowData toRowData() {
        List<Types.NestedField> columns = QuarantineTables.SILVER_REJECTS_SCHEMA.columns();
        GenericRowData row = new GenericRowData(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            row.setField(
                    i,
                    switch (columns.get(i).name()) {
                        case "source_table" -> StringData.fromString(sourceTable);
                        case "key" -> StringData.fromString(key);
                        case "lsn" -> lsn;
                        case "kind" -> StringData.fromString(kind);
                        case "rule" -> StringData.fromString(rule);
                        case "reason" -> StringData.fromString(reason);
                        case "raw" -> StringData.fromString(raw);
                        case "rejected_at" -> TimestampData.fromInstant(rejectedAt);
                        default ->
                                throw new IllegalStateException(
                                        "QuarantineRecord has no value for column "
                                                + columns.get(i).name());
                    });
        }
        return row;
    }
}
