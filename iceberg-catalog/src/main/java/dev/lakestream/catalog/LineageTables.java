package dev.lakestream.catalog;

import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;

/**
 * The lineage ledger, {@code lineage.commits}: what each checkpoint of each job folded in, written
 * by the jobs themselves through an Iceberg sink in the same checkpoint as the data it describes,
 * so it is committed exactly once with it (a checkpoint's row and its data commit or fail together,
 * and a restore re-commits both from the same checkpoint).
 *
 * <pre>
 *  column          type           meaning
 *  job             string         the job's name, e.g. "lakestream-ingestion"
 *  job_id          string         the Flink job id (Iceberg's sinks write it into each snapshot
 *                                 summary as flink.job-id, beside flink.max-committed-checkpoint-id)
 *  checkpoint_id   long           the checkpoint whose commit holds these changes
 *  layer           string         bronze (changes written to bronze), consumed (bronze changes
 *                                 the TransformationJob read), gold (records published)
 *  table_name      string         the source table (shop.orders, rest.exchange_rates), or
 *                                 sales_daily_metrics for gold
 *  subtask         int            the writing subtask
 *  changes         long           how many
 *  min_position    long?          lowest source position: LSN, REST or file sequence (0 is a
 *                                 snapshot read)
 *  max_position    long?          highest
 *  min_tx_id       long?          lowest source transaction id (CDC)
 *  max_tx_id       long?          highest
 *  origins         list<string>?  REST requests and landed files read, each with its record or
 *                                 line range: "s3://warehouse/landing/x.csv#lines 2-25"
 *  records         list<string>?  gold: every record published, "2026-11-29/3@123456"
 *                                 (sale date / store @ version)
 *  recorded_at     timestamptz    when the checkpoint's row was made
 * </pre>
 *
 * Append-only, partitioned by day of {@code recorded_at}.
 */
public final class LineageTables {

    public static final String DEFAULT_NAMESPACE = "lineage";
    public static final String COMMITS = "commits";

    public static final String LAYER_BRONZE = "bronze";
    public static final String LAYER_CONSUMED = "consumed";
    public static final String LAYER_GOLD = "gold";

    public static final Schema SCHEMA =
            new Schema(
                    Types.NestedField.required(1, "job", Types.StringType.get()),
                    Types.NestedField.required(2, "job_id", Types.StringType.get()),
                    Types.NestedField.required(3, "checkpoint_id", Types.LongType.get()),
                    Types.NestedField.required(4, "layer", Types.StringType.get()),
                    Types.NestedField.required(5, "table_name", Types.StringType.get()),
                    Types.NestedField.required(6, "subtask", Types.IntegerType.get()),
                    Types.NestedField.required(7, "changes", Types.LongType.get()),
                    Types.NestedField.optional(8, "min_position", Types.LongType.get()),
                    Types.NestedField.optional(9, "max_position", Types.LongType.get()),
                    Types.NestedField.optional(10, "min_tx_id", Types.LongType.get()),
                    Types.NestedField.optional(11, "max_tx_id", Types.LongType.get()),
                    Types.NestedField.optional(
                            12,
                            "origins",
                            // ids as Iceberg assigns them on create: top-level fields first
                            Types.ListType.ofRequired(15, Types.StringType.get())),
                    Types.NestedField.optional(
                            13, "records", Types.ListType.ofRequired(16, Types.StringType.get())),
                    Types.NestedField.required(14, "recorded_at", Types.TimestampType.withZone()));

    public static final PartitionSpec PARTITION_SPEC =
            PartitionSpec.builderFor(SCHEMA).day("recorded_at").build();

    private LineageTables() {}

    /** {@code lineage.commits}. */
    public static TableDefinition commits() {
        Map<String, String> props = TableDefinition.commonProperties("lineage");
        return new TableDefinition(
                TableIdentifier.of(Namespace.of(DEFAULT_NAMESPACE), COMMITS),
                SCHEMA,
                PARTITION_SPEC,
                props);
    }
}
