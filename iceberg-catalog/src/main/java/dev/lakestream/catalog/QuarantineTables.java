package dev.lakestream.catalog;

import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;

/**
 * Where silver puts the changes its cleansing rules refuse: one append-only table, {@code
 * quarantine.silver_rejects}, one row per rejected change.
 *
 * <pre>
 *  column          type          meaning
 *  source_table    string        e.g. "shop.customers"
 *  key             string        primary key as JSON, e.g. {"customer_id":7}
 *  lsn             long          WAL position of the rejected change
 *  kind            string        +I or +U (retractions are never rejected)
 *  rule            string        stable rule name, e.g. "customers.email.format"
 *  reason          string        what was wrong, naming the offending value
 *  raw             string        the row image as it arrived, a JSON object
 *  rejected_at     timestamptz   when silver rejected it
 * </pre>
 *
 * <p>A reject is evidence, not state: rows are only ever appended, so the table needs no identifier
 * fields and no upserts. It is partitioned by day of rejection, because it is read by recency (what
 * broke today?) and expired by age. {@code raw} keeps the image exactly as bronze wrote it, so a
 * fixed rule can replay the change.
 */
public final class QuarantineTables {

    public static final String DEFAULT_NAMESPACE = "quarantine";
    public static final String SILVER_REJECTS = "silver_rejects";

    public static final Schema SILVER_REJECTS_SCHEMA =
            new Schema(
                    Types.NestedField.required(1, "source_table", Types.StringType.get()),
                    Types.NestedField.required(2, "key", Types.StringType.get()),
                    Types.NestedField.required(3, "lsn", Types.LongType.get()),
                    Types.NestedField.required(4, "kind", Types.StringType.get()),
                    Types.NestedField.required(5, "rule", Types.StringType.get()),
                    Types.NestedField.required(6, "reason", Types.StringType.get()),
                    Types.NestedField.required(7, "raw", Types.StringType.get()),
                    Types.NestedField.required(8, "rejected_at", Types.TimestampType.withZone()));

    public static final PartitionSpec SILVER_REJECTS_PARTITION_SPEC =
            PartitionSpec.builderFor(SILVER_REJECTS_SCHEMA).day("rejected_at").build();

    private QuarantineTables() {}

    /** {@code quarantine.silver_rejects}. */
    public static TableDefinition silverRejects() {
        return silverRejects(DEFAULT_NAMESPACE);
    }

    /** {@code <namespace>.silver_rejects}. */
    public static TableDefinition silverRejects(String namespace) {
        Map<String, String> props = TableDefinition.commonProperties("quarantine");
        // rejects are rare and tiny: no shuffle in front of the writer
        props.put(TableProperties.WRITE_DISTRIBUTION_MODE, "none");
        return new TableDefinition(
                TableIdentifier.of(Namespace.of(namespace), SILVER_REJECTS),
                SILVER_REJECTS_SCHEMA,
                SILVER_REJECTS_PARTITION_SPEC,
                props);
    }
}
