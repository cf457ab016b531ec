package dev.lakestream.catalog;

import java.util.Locale;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;

/**
 * The bronze layer: one append-only Iceberg table per captured source table, one row per change
 * event, raw.
 *
 * <pre>
 *  column               type           meaning
 *  source               string         where it came from, e.g. "postgres:shop"
 *  source_table         string         schema-qualified source table, e.g. "shop.orders"
 *  op                   string         c insert, u update, d delete, r snapshot read
 *  lsn                  long           WAL position of the change (ordering key downstream);
 *                                      0 for snapshot reads, which precede every change
 *  tx_id                long?          source transaction id
 *  source_ts            timestamptz?   when the source committed it (null for snapshot reads)
 *  ingest_ts            timestamptz    when lakestream read it
 *  key                  string         primary key as JSON, e.g. {"order_id":42}
 *  before               string?        old row image as JSON (a delete under REPLICA IDENTITY
 *                                      DEFAULT carries only the key)
 *  after                string?        new row image as JSON
 *  unavailable_columns  list<string>?  columns PostgreSQL did not send (unchanged TOAST
 *                                      values); they are absent from "after", never placeholders
 *  origin               string?        provenance of a polled or landed record: the request
 *                                      (endpoint and cursor) or the file's URI; null for CDC;
 *                                      for a correction re-injected from the quarantine,
 *                                      CORRECTION_ORIGIN_PREFIX and its provenance as JSON
 *  origin_position      long?          the record's index in its response, or its line number
 *                                      in the file
 *  after_types          string?        the source column types of "after" as JSON, column to
 *                                      Iceberg type ({"unit_price":"decimal(12,2)"}); how
 *                                      silver follows ALTER TABLE; null for REST and files
 * </pre>
 *
 * <p>Records of the REST and file sources use the same table shape: {@code op} is {@code c}, {@code
 * lsn} holds the record's sequence (newer records of a key have higher values), {@code key} its
 * identity fields, {@code after} the record as received.
 *
 * <p>Payloads stay JSON text so that a source schema change can never break bronze. Tables are
 * format v2, partitioned by day of ingestion (append-heavy, queried by recency), Parquet with zstd,
 * and keep a bounded metadata history.
 */
public final class BronzeTables {

    public static final String DEFAULT_NAMESPACE = "bronze";

    /**
     * What the {@code origin} of a correction starts with: a row {@code ./lakestream quarantine
     * reinject} appended, with the key and LSN of a change silver refused and its fixed image (see
     * {@code docs/quarantine-reprocessing.md}). Not a captured change.
     */
    public static final String CORRECTION_ORIGIN_PREFIX = "lakestream-reinject:";

    public static final Schema SCHEMA =
            new Schema(
                    Types.NestedField.required(1, "source", Types.StringType.get()),
                    Types.NestedField.required(2, "source_table", Types.StringType.get()),
                    Types.NestedField.required(3, "op", Types.StringType.get()),
                    Types.NestedField.required(4, "lsn", Types.LongType.get()),
                    Types.NestedField.optional(5, "tx_id", Types.LongType.get()),
                    Types.NestedField.optional(6, "source_ts", Types.TimestampType.withZone()),
                    Types.NestedField.required(7, "ingest_ts", Types.TimestampType.withZone()),
                    Types.NestedField.required(8, "key", Types.StringType.get()),
                    Types.NestedField.optional(9, "before", Types.StringType.get()),
                    Types.NestedField.optional(10, "after", Types.StringType.get()),
                    Types.NestedField.optional(
                            11,
                            "unavailable_columns",
                            // ids as Iceberg assigns them on create: top-level fields first
                            Types.ListType.ofRequired(15, Types.StringType.get())),
                    Types.NestedField.optional(12, "origin", Types.StringType.get()),
                    Types.NestedField.optional(13, "origin_position", Types.LongType.get()),
                    Types.NestedField.optional(
                            14,
                            "after_types",
                            Types.StringType.get(),
                            "the source column types of the after image, as JSON: column to"
                                    + " Iceberg type, e.g. {\"unit_price\":\"decimal(12,2)\"};"
                                    + " null where the source has no schema (REST, files)"));

    public static final PartitionSpec PARTITION_SPEC =
            PartitionSpec.builderFor(SCHEMA).day("ingest_ts").build();

    private BronzeTables() {}

    /**
     * Bronze table name for a source table: {@code shop.orders} becomes {@code bronze.shop_orders}.
     */
    public static TableIdentifier identifierFor(String namespace, String sourceTable) {
        String name = sourceTable.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return TableIdentifier.of(Namespace.of(namespace), name);
    }

    public static TableDefinition definitionFor(String namespace, String sourceTable) {
        Map<String, String> props = TableDefinition.commonProperties("bronze");
        props.put(TableProperties.WRITE_DISTRIBUTION_MODE, "none");
        props.put("lakestream.source-table", sourceTable);
        return new TableDefinition(
                identifierFor(namespace, sourceTable), SCHEMA, PARTITION_SPEC, props);
    }
}
