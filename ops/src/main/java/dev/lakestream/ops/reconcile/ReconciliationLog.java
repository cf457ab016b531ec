package dev.lakestream.ops.reconcile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;

/**
 * Appends one cycle's ranges to {@code ops.reconciliation} as one commit (one data file: a cycle's
 * rows share their day of {@code run_at}, the partition).
 */
final class ReconciliationLog {

    private final Table table;

    ReconciliationLog(Table table) {
        this.table = table;
    }

    void append(String runId, Instant runAt, List<RangeResult> ranges) {
        if (ranges.isEmpty()) {
            return;
        }
        table.refresh();
        GenericAppenderFactory factory = new GenericAppenderFactory(table.schema(), table.spec());
        OutputFileFactory files =
                OutputFileFactory.builderFor(table, 1, System.currentTimeMillis())
                        .format(FileFormat.PARQUET)
                        .build();
        Record first = GenericRecord.create(table.schema());
        first.setField("run_at", runAt.atOffset(ZoneOffset.UTC));
        PartitionKey partition = new PartitionKey(table.spec(), table.schema());
        partition.partition(new InternalRecordWrapper(table.schema().asStruct()).wrap(first));
        DataWriter<Record> writer =
                factory.newDataWriter(
                        files.newOutputFile(table.spec(), partition),
                        FileFormat.PARQUET,
                        partition);
        try (writer) {
            for (RangeResult r : ranges) {
                Record row = GenericRecord.create(table.schema());
                row.setField("run_id", runId);
                row.setField("run_at", runAt.atOffset(ZoneOffset.UTC));
                row.setField("check", r.check());
                row.setField("table_name", r.table());
                row.setField("range_name", r.rangeName());
                row.setField("range_start", r.rangeStart());
                row.setField("range_end", r.rangeEnd());
                row.setField("source_rows", r.source().rows());
                row.setField("target_rows", r.target().rows());
                row.setField("source_checksum", r.source().checksum());
                row.setField("target_checksum", r.target().checksum());
                row.setField("status", r.status().label());
                row.setField("keys_differing", r.keysDiffering());
                row.setField("first_keys", r.firstKeys());
                row.setField("detail", r.detail());
                writer.write(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + table.name(), e);
        }
        table.newAppend()
                .appendFile(writer.toDataFile())
                .set("lakestream.reconcile.run-id", runId)
                .commit();
    }
}
