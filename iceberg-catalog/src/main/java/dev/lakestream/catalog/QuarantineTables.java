package dev.lakestream.catalog;

import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>Each reject has a deterministic key, the table's identifier fields, and is written as an
 * upsert on it: re-reading bronze, or replaying from a checkpoint, refuses the same change for the
 * same rule again and so rewrites the same row instead of adding one. The key of a silver reject is
 * (source_table, key, lsn, rule): one change refused by one rule. The key of an ingestion reject is
 * (source, origin, position): one record of one read. {@code rejected_at} then tells when it was
 * last refused. The tables are unpartitioned: Iceberg's upserts need the partition source columns
 * inside the key, and a day of rejection is not (a replay refuses on another day); rejects are rare
 * and small. {@code raw} keeps the image exactly as bronze wrote it, so a fixed rule can replay the
 * change.
 */
public final class QuarantineTables {

    public static final String DEFAULT_NAMESPACE = "quarantine";
    public static final String SILVER_REJECTS = "silver_rejects";

    public static final Schema SILVER_REJECTS_SCHEMA =
            new Schema(
                    List.of(
                            Types.NestedField.required(1, "source_table", Types.StringType.get()),
                            Types.NestedField.required(2, "key", Types.StringType.get()),
                            Types.NestedField.required(3, "lsn", Types.LongType.get()),
                            Types.NestedField.required(4, "kind", Types.StringType.get()),
                            Types.NestedField.required(5, "rule", Types.StringType.get()),
                            Types.NestedField.required(6, "reason", Types.StringType.get()),
                            Types.NestedField.required(7, "raw", Types.StringType.get()),
                            Types.NestedField.required(
                                    8, "rejected_at", Types.TimestampType.withZone())),
                    Set.of(1, 2, 3, 5));

    public static final String INGESTION_REJECTS = "ingestion_rejects";

    /**
     * Records the REST and file sources could not use (a malformed response, a bad CSV line, a
     * failed request): what was read, where, and why.
     *
     * <pre>
     *  source        string        e.g. "rest:exchange_rates", "files:foot_traffic"
     *  dataset       string        e.g. "exchange_rates"
     *  origin        string        the request (endpoint and cursor) or the file's URI
     *  position      long          index in the response, or line number in the file
     *  reason        string        what was wrong
     *  raw           string        the body or line as read (possibly cut short)
     *  rejected_at   timestamptz   when the IngestionJob refused it
     * </pre>
     */
    public static final Schema INGESTION_REJECTS_SCHEMA =
            new Schema(
                    List.of(
                            Types.NestedField.required(1, "source", Types.StringType.get()),
                            Types.NestedField.required(2, "dataset", Types.StringType.get()),
                            Types.NestedField.required(3, "origin", Types.StringType.get()),
                            Types.NestedField.required(4, "position", Types.LongType.get()),
                            Types.NestedField.required(5, "reason", Types.StringType.get()),
                            Types.NestedField.optional(6, "raw", Types.StringType.get()),
                            Types.NestedField.required(
                                    7, "rejected_at", Types.TimestampType.withZone())),
                    Set.of(1, 3, 4));

    public static final String GOLD_PENDING = "gold_pending";

    /**
     * Events gold holds back because silver has no valid row of their store (its row was refused
     * into {@code silver_rejects}, an invalid time zone for example): one row per store and input
     * while any wait, gone once a valid store row lets them on. Upserted on (store_id, input).
     *
     * <pre>
     *  store_id        long          the store the events wait for
     *  input           string        what waits: "orders" (order contributions)
     *  events_waiting  long          how many wait now
     *  waiting_since   timestamptz   when the first of them started waiting
     *  reason          string        why, and where to look
     * </pre>
     */
    public static final Schema GOLD_PENDING_SCHEMA =
            new Schema(
                    List.of(
                            Types.NestedField.required(1, "store_id", Types.LongType.get()),
                            Types.NestedField.required(2, "input", Types.StringType.get()),
                            Types.NestedField.required(3, "events_waiting", Types.LongType.get()),
                            Types.NestedField.required(
                                    4, "waiting_since", Types.TimestampType.withZone()),
                            Types.NestedField.required(5, "reason", Types.StringType.get())),
                    Set.of(1, 2));

    public static final String REINJECTIONS = "reinjections";

    /**
     * The changes of {@code silver_rejects} re-injected, fixed, by {@code ./lakestream quarantine
     * reinject}: one row per reject, keyed like the reject (source_table, key, lsn, rule), so a
     * reject is re-injected at most once, and each re-injection says what was done, by whom, when
     * and where the correction is in bronze.
     *
     * <pre>
     *  source_table        string        e.g. "shop.order_lines"
     *  key                 string        the reject's key JSON, as silver_rejects holds it
     *  lsn                 long          the refused change's LSN, also the correction's
     *  rule                string        the rule that had refused it
     *  fix                 string        the values set, column to value as JSON ({} for none)
     *  overrides           list<string>  the rules the correction skips (empty for none)
     *  after               string        the corrected image appended to bronze, JSON
     *  origin              string        the correction's bronze origin: its whole provenance
     *  reinjected_by       string        who ran the command (the OS user)
     *  reinjected_at       timestamptz   when
     *  bronze_table        string        e.g. "bronze.shop_order_lines"
     *  bronze_snapshot_id  long          the bronze snapshot that holds the correction
     * </pre>
     */
    public static final Schema REINJECTIONS_SCHEMA =
            new Schema(
                    List.of(
                            Types.NestedField.required(1, "source_table", Types.StringType.get()),
                            Types.NestedField.required(2, "key", Types.StringType.get()),
                            Types.NestedField.required(3, "lsn", Types.LongType.get()),
                            Types.NestedField.required(4, "rule", Types.StringType.get()),
                            Types.NestedField.required(5, "fix", Types.StringType.get()),
                            Types.NestedField.optional(
                                    6,
                                    "overrides",
                                    // ids as Iceberg assigns them on create: top-level fields first
                                    Types.ListType.ofRequired(13, Types.StringType.get())),
                            Types.NestedField.required(7, "after", Types.StringType.get()),
                            Types.NestedField.required(8, "origin", Types.StringType.get()),
                            Types.NestedField.required(9, "reinjected_by", Types.StringType.get()),
                            Types.NestedField.required(
                                    10, "reinjected_at", Types.TimestampType.withZone()),
                            Types.NestedField.required(11, "bronze_table", Types.StringType.get()),
                            Types.NestedField.required(
                                    12, "bronze_snapshot_id", Types.LongType.get())),
                    Set.of(1, 2, 3, 4));

    private QuarantineTables() {}

    /** {@code <namespace>.reinjections}. */
    public static TableDefinition reinjections(String namespace) {
        return keyed(namespace, REINJECTIONS, REINJECTIONS_SCHEMA);
    }

    /** {@code quarantine.gold_pending}. */
    public static TableDefinition goldPending() {
        return keyed(DEFAULT_NAMESPACE, GOLD_PENDING, GOLD_PENDING_SCHEMA);
    }

    /** {@code quarantine.silver_rejects}. */
    public static TableDefinition silverRejects() {
        return silverRejects(DEFAULT_NAMESPACE);
    }

    /** {@code <namespace>.silver_rejects}. */
    public static TableDefinition silverRejects(String namespace) {
        return keyed(namespace, SILVER_REJECTS, SILVER_REJECTS_SCHEMA);
    }

    /** {@code <namespace>.ingestion_rejects}. */
    public static TableDefinition ingestionRejects(String namespace) {
        return keyed(namespace, INGESTION_REJECTS, INGESTION_REJECTS_SCHEMA);
    }

    /** A reject table upserted on its identifier fields, unpartitioned. */
    private static TableDefinition keyed(String namespace, String name, Schema schema) {
        Map<String, String> props = TableDefinition.commonProperties("quarantine");
        props.put(TableProperties.UPSERT_ENABLED, "true");
        return new TableDefinition(
                TableIdentifier.of(Namespace.of(namespace), name),
                schema,
                PartitionSpec.unpartitioned(),
                props);
    }

    /** {@code quarantine.ingestion_rejects}. */
    public static TableDefinition ingestionRejects() {
        return ingestionRejects(DEFAULT_NAMESPACE);
    }
}
