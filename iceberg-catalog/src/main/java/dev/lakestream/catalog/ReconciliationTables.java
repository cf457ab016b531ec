package dev.lakestream.catalog;

import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;

/**
 * Where {@code ./lakestream reconcile} keeps its findings: {@code ops.reconciliation}, append-only,
 * one commit per reconciliation cycle, one row per compared key range.
 *
 * <pre>
 *  column            type          meaning
 *  run_id            string        the cycle, e.g. "2026-12-01T17:05:00Z-3f2a"
 *  run_at            timestamptz   when the cycle started (T0)
 *  check             string        "source_silver" or "silver_gold"
 *  table_name        string        e.g. "shop.orders", "gold.sales_daily_metrics"
 *  range_name        string        e.g. "shop.orders order_id [1000, 1999]"
 *  range_start       string        first key of the range, as text (an id, a date)
 *  range_end         string        last key of the range, as text
 *  source_rows       long          rows on the reference side (PostgreSQL, or silver for gold)
 *  target_rows       long          rows on the checked side (silver, or gold)
 *  source_checksum   long          order-independent checksum of the reference rows
 *  target_checksum   long          the same over the checked rows
 *  status            string        ok, drift, in_flight or explained
 *  keys_differing    long          keys that differ and are neither in flight nor explained
 *  first_keys        string?       a few of those keys (or, when explained or in flight, of
 *                                  those), comma-separated
 *  detail            string?       what the cycle made of the range: counts of keys in flight and
 *                                  explained, the checkpoint compared at
 * </pre>
 *
 * <p>Append-only and partitioned by day of {@code run_at}: a dashboard reads the last cycles, and
 * expiring old days is a partition drop.
 */
public final class ReconciliationTables {

    public static final String DEFAULT_NAMESPACE = "ops";
    public static final String RECONCILIATION = "reconciliation";

    public static final Schema RECONCILIATION_SCHEMA =
            new Schema(
                    List.of(
                            Types.NestedField.required(1, "run_id", Types.StringType.get()),
                            Types.NestedField.required(2, "run_at", Types.TimestampType.withZone()),
                            Types.NestedField.required(3, "check", Types.StringType.get()),
                            Types.NestedField.required(4, "table_name", Types.StringType.get()),
                            Types.NestedField.required(5, "range_name", Types.StringType.get()),
                            Types.NestedField.required(6, "range_start", Types.StringType.get()),
                            Types.NestedField.required(7, "range_end", Types.StringType.get()),
                            Types.NestedField.required(8, "source_rows", Types.LongType.get()),
                            Types.NestedField.required(9, "target_rows", Types.LongType.get()),
                            Types.NestedField.required(10, "source_checksum", Types.LongType.get()),
                            Types.NestedField.required(11, "target_checksum", Types.LongType.get()),
                            Types.NestedField.required(12, "status", Types.StringType.get()),
                            Types.NestedField.required(13, "keys_differing", Types.LongType.get()),
                            Types.NestedField.optional(14, "first_keys", Types.StringType.get()),
                            Types.NestedField.optional(15, "detail", Types.StringType.get())));

    public static final PartitionSpec PARTITION_SPEC =
            PartitionSpec.builderFor(RECONCILIATION_SCHEMA).day("run_at").build();

    private ReconciliationTables() {}

    /** {@code <namespace>.reconciliation}. */
    public static TableDefinition reconciliation(String namespace) {
        Map<String, String> props = TableDefinition.commonProperties("ops");
        return new TableDefinition(
                TableIdentifier.of(Namespace.of(namespace), RECONCILIATION),
                RECONCILIATION_SCHEMA,
                PARTITION_SPEC,
                props);
    }
}
