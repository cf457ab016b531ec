package dev.lakestream.ops.lineage;

import dev.lakestream.catalog.BronzeTables;
import dev.lakestream.catalog.GoldTables;
import dev.lakestream.catalog.LineageTables;
import dev.lakestream.catalog.SilverTables;
import dev.lakestream.jobs.transformation.TransformationConfig;
import dev.lakestream.ops.CheckpointSnapshots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The lineage of one gold row's current version: the record published (checkpoint, gold and silver
 * snapshots, Kafka partition and offset), every source change behind it (the changes of the orders
 * and order lines that make up the row, each with the bronze snapshot that holds it and the
 * TransformationJob checkpoint that read it) and the feed records it took its exchange rate and
 * visitors from.
 *
 * <p>Built from the ledger the jobs write ({@code lineage.commits}, {@link LineageTables}), the
 * tables' snapshot summaries and bronze itself; needs nothing but the catalog and the topic.
 */
public final class GoldLineage {

    /** One source change, with where it travelled. */
    public record SourceChange(
            String table,
            String op,
            String key,
            long position,
            Long txId,
            Instant sourceTs,
            String origin,
            Long originPosition,
            Long bronzeCheckpoint,
            Long bronzeSnapshot,
            Long consumedCheckpoint,
            Long silverSnapshot,
            String consumedJobId,
            Instant consumedAt) {}

    /** The whole lineage of one gold row. */
    public record Report(
            LocalDate saleDate,
            long storeId,
            Map<String, Object> gold,
            long version,
            String job,
            String jobId,
            long checkpoint,
            Long goldSnapshot,
            Map<String, Long> silverSnapshots,
            String topic,
            GoldRecordLocator.Position kafka,
            List<Long> orders,
            List<SourceChange> changes,
            List<SourceChange> readSince,
            int notReadYet,
            List<SourceChange> feeds) {}

    private final Catalog catalog;
    private final TransformationConfig config;
    private final Consumer<String> progress;

    public GoldLineage(Catalog catalog, TransformationConfig config, Consumer<String> progress) {
        this.catalog = catalog;
        this.config = config;
        this.progress = progress;
    }

    /**
     * @throws IllegalArgumentException when gold has no such row, or the ledger does not know its
     *     version (written before the ledger existed)
     */
    public Report trace(LocalDate saleDate, long storeId) {
        Table gold =
                catalog.loadTable(
                        GoldTables.salesDailyMetrics(config.goldNamespace()).identifier());
        Map<String, Object> row =
                one(
                                gold,
                                null,
                                Expressions.and(
                                        Expressions.equal("sale_date", saleDate.toString()),
                                        Expressions.equal("store_id", storeId)))
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "gold has no sales_daily_metrics row for sale date "
                                                        + saleDate
                                                        + " and store "
                                                        + storeId));
        long version = (Long) row.get("version");
        String name = saleDate + "/" + storeId + "@" + version;

        progress.accept("reading the lineage ledger");
        Table ledger = catalog.loadTable(LineageTables.commits().identifier());
        LedgerRow published = publication(ledger, name, (OffsetDateTime) row.get("updated_at"));
        Long goldSnapshot = snapshot(gold, published.jobId(), published.checkpointId());
        Map<String, Long> silverSnapshots = new LinkedHashMap<>();
        for (String t : List.of(SilverTables.ORDERS, SilverTables.ORDER_LINES)) {
            silverSnapshots.put(
                    t,
                    CheckpointSnapshots.asOf(
                            silver(t), published.jobId(), published.checkpointId()));
        }

        progress.accept("finding the orders of store " + storeId + " on " + saleDate);
        ZoneId zone = storeZone(storeId);
        Table orders = silver(SilverTables.ORDERS);
        List<Long> members = new ArrayList<>();
        for (Map<String, Object> o :
                all(
                        orders,
                        silverSnapshots.get(SilverTables.ORDERS),
                        Expressions.equal("store_id", storeId))) {
            OffsetDateTime created = (OffsetDateTime) o.get("created_at");
            if (created.atZoneSameInstant(zone).toLocalDate().equals(saleDate)) {
                members.add((Long) o.get("order_id"));
            }
        }
        members.sort(null);

        progress.accept("reading the bronze changes of " + members.size() + " orders");
        LedgerPositions positions = new LedgerPositions(ledger);
        List<SourceChange> behind = new ArrayList<>();
        List<SourceChange> readSince = new ArrayList<>();
        int notReadYet = 0;
        if (!members.isEmpty()) {
            List<Expression> orderKeys = new ArrayList<>();
            List<Expression> lineKeys = new ArrayList<>();
            for (long id : members) {
                orderKeys.add(Expressions.equal("key", "{\"order_id\":" + id + "}"));
                lineKeys.add(Expressions.startsWith("key", "{\"order_id\":" + id + ","));
            }
            for (Map.Entry<String, List<Expression>> e :
                    Map.of(SilverTables.ORDERS, orderKeys, SilverTables.ORDER_LINES, lineKeys)
                            .entrySet()) {
                for (SourceChange c : changes(e.getKey(), or(e.getValue()), positions, true)) {
                    if (c.consumedCheckpoint() == null) {
                        notReadYet++;
                    } else if (consumedBy(
                            c.consumedJobId(), c.consumedCheckpoint(), c.consumedAt(), published)) {
                        behind.add(c);
                    } else {
                        readSince.add(c);
                    }
                }
            }
        }
        Comparator<SourceChange> walOrder =
                Comparator.comparingLong(SourceChange::position)
                        .thenComparing(SourceChange::table)
                        .thenComparing(SourceChange::key);
        behind.sort(walOrder);
        readSince.sort(walOrder);

        List<SourceChange> feeds = new ArrayList<>();
        if (row.get("exchange_rate") != null) {
            feeds.addAll(rateChanges(saleDate, (String) row.get("currency"), positions));
        }
        if (row.get("visitors") != null) {
            feeds.addAll(visitorChanges(saleDate, storeId, zone, positions));
        }

        progress.accept("finding the record on Kafka");
        GoldRecordLocator.Position kafka =
                GoldRecordLocator.find(
                                config.kafkaBootstrapServers(),
                                config.kafkaProducerProperties(),
                                config.kafkaTopic(),
                                saleDate,
                                storeId,
                                version,
                                published.recordedAt().toEpochMilli() - 60_000)
                        .orElse(null);
        return new Report(
                saleDate,
                storeId,
                row,
                version,
                published.job(),
                published.jobId(),
                published.checkpointId(),
                goldSnapshot,
                silverSnapshots,
                config.kafkaTopic(),
                kafka,
                members,
                behind,
                readSince,
                notReadYet,
                feeds);
    }

    /**
     * The gold ledger row that names the record: searched first around the row's {@code updated_at}
     * (the ledger is partitioned by day), then everywhere.
     */
    private static LedgerRow publication(Table ledger, String name, OffsetDateTime updatedAt) {
        List<Expression> windows = new ArrayList<>();
        if (updatedAt != null) {
            long micros = java.util.concurrent.TimeUnit.SECONDS.toMicros(updatedAt.toEpochSecond());
            windows.add(
                    Expressions.and(
                            Expressions.greaterThanOrEqual("recorded_at", micros - 3_600_000_000L),
                            Expressions.lessThanOrEqual("recorded_at", micros + 86_400_000_000L)));
        }
        windows.add(Expressions.alwaysTrue());
        for (Expression window : windows) {
            Optional<LedgerRow> found =
                    LedgerRow.read(ledger, LineageTables.LAYER_GOLD, window).stream()
                            .filter(r -> r.records().contains(name))
                            .min(Comparator.comparing(LedgerRow::recordedAt));
            if (found.isPresent()) {
                return found.get();
            }
        }
        throw new IllegalArgumentException(
                "the lineage ledger has no record "
                        + name
                        + ": it was published before the jobs kept a ledger, or by another"
                        + " catalog's jobs");
    }

    /** The ledger rows of one table whose position ranges can hold the given positions. */
    private static final class LedgerPositions {

        private final Table ledger;

        LedgerPositions(Table ledger) {
            this.ledger = ledger;
        }

        List<LedgerRow> rows(String layer, String sourceTable, List<Long> positions) {
            if (positions.isEmpty()) {
                return List.of();
            }
            long low = positions.stream().mapToLong(Long::longValue).min().getAsLong();
            long high = positions.stream().mapToLong(Long::longValue).max().getAsLong();
            return LedgerRow.read(
                            ledger,
                            layer,
                            Expressions.and(
                                    Expressions.equal("table_name", sourceTable),
                                    Expressions.greaterThanOrEqual("max_position", low),
                                    Expressions.lessThanOrEqual("min_position", high)))
                    .stream()
                    .filter(r -> positions.stream().anyMatch(r::covers))
                    .toList();
        }
    }

    /** The first snapshot at or after {@code written} that a re-injection committed. */
    private static Long reinjectionSnapshot(Table bronze, Instant written) {
        Long found = null;
        long at = Long.MAX_VALUE;
        for (org.apache.iceberg.Snapshot s : bronze.snapshots()) {
            if (s.summary().containsKey(REINJECTION_MARK)
                    && s.timestampMillis() >= written.toEpochMilli()
                    && s.timestampMillis() < at) {
                found = s.snapshotId();
                at = s.timestampMillis();
            }
        }
        return found;
    }

    /** The snapshot summary property {@code quarantine reinject} marks its bronze appends with. */
    static final String REINJECTION_MARK =
            dev.lakestream.ops.quarantine.BronzeCorrections.SUMMARY_PROPERTY;

    /** Whether a change read in that checkpoint was read by the published one or before it. */
    private static boolean consumedBy(
            String jobId, long checkpoint, Instant readAt, LedgerRow published) {
        return jobId.equals(published.jobId())
                ? checkpoint <= published.checkpointId()
                : readAt.isBefore(published.recordedAt());
    }

    private List<SourceChange> changes(
            String sourceTable, Expression keys, LedgerPositions ledger, boolean read) {
        return changes(sourceTable, keys, ledger, read, after -> true);
    }

    /**
     * A source table's bronze changes matching {@code keys} (and {@code ours}), each placed by the
     * ledger: the bronze checkpoint that wrote it and, with {@code read}, the TransformationJob
     * checkpoint that read it.
     */
    private List<SourceChange> changes(
            String sourceTable,
            Expression keys,
            LedgerPositions ledger,
            boolean placeRead,
            java.util.function.Predicate<com.fasterxml.jackson.databind.JsonNode> ours) {
        Table bronze = bronze(sourceTable);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> r : all(bronze, null, keys)) {
            if (ours.test(after((String) r.get("after")))) {
                rows.add(r);
            }
        }
        List<Long> lsns = rows.stream().map(r -> (Long) r.get("lsn")).toList();
        List<LedgerRow> bronzeRows = ledger.rows(LineageTables.LAYER_BRONZE, sourceTable, lsns);
        List<LedgerRow> consumedRows =
                placeRead
                        ? ledger.rows(LineageTables.LAYER_CONSUMED, sourceTable, lsns)
                        : List.of();
        List<SourceChange> out = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            long lsn = (Long) r.get("lsn");
            Instant ingested = ((OffsetDateTime) r.get("ingest_ts")).toInstant();
            Optional<LedgerRow> written =
                    bronzeRows.stream()
                            .filter(b -> b.table().equals(sourceTable) && b.covers(lsn))
                            .filter(b -> !b.recordedAt().isBefore(ingested))
                            .min(Comparator.comparing(LedgerRow::recordedAt));
            // read no earlier than it was written: a re-injected fix carries the LSN of the
            // change it corrects, which the TransformationJob read long before
            Optional<LedgerRow> read =
                    consumedRows.stream()
                            .filter(c -> c.table().equals(sourceTable) && c.covers(lsn))
                            .filter(c -> !c.recordedAt().isBefore(ingested))
                            .min(Comparator.comparing(LedgerRow::recordedAt));
            OffsetDateTime sourceTs = (OffsetDateTime) r.get("source_ts");
            String origin = (String) r.get("origin");
            Long bronzeSnapshot =
                    written.map(w -> snapshot(bronze, w.jobId(), w.checkpointId())).orElse(null);
            if (origin != null && origin.startsWith(BronzeTables.CORRECTION_ORIGIN_PREFIX)) {
                // appended by `quarantine reinject`, not by the IngestionJob: the snapshot that
                // carries the re-injection mark, committed when the fix was written
                bronzeSnapshot = reinjectionSnapshot(bronze, ingested);
            }
            out.add(
                    new SourceChange(
                            sourceTable,
                            (String) r.get("op"),
                            (String) r.get("key"),
                            lsn,
                            (Long) r.get("tx_id"),
                            sourceTs == null ? null : sourceTs.toInstant(),
                            origin,
                            (Long) r.get("origin_position"),
                            written.map(LedgerRow::checkpointId).orElse(null),
                            bronzeSnapshot,
                            read.map(LedgerRow::checkpointId).orElse(null),
                            read.map(
                                            c ->
                                                    snapshot(
                                                            silver(sourceTable),
                                                            c.jobId(),
                                                            c.checkpointId()))
                                    .orElse(null),
                            read.map(LedgerRow::jobId).orElse(null),
                            read.map(LedgerRow::recordedAt).orElse(null)));
        }
        return out;
    }

    /** The rate records of the sale date between the store's and the reporting currency. */
    private List<SourceChange> rateChanges(
            LocalDate saleDate, String currency, LedgerPositions ledger) {
        String reporting = config.reportingCurrency();
        TreeSet<Long> positions = new TreeSet<>();
        for (Map<String, Object> r :
                all(
                        silver(SilverTables.EXCHANGE_RATES),
                        null,
                        Expressions.equal("rate_date", saleDate.toString()))) {
            String base = (String) r.get("base_currency");
            String quote = (String) r.get("quote_currency");
            if ((base.equals(currency) && quote.equals(reporting))
                    || (base.equals(reporting) && quote.equals(currency))) {
                positions.add((Long) r.get(SilverTables.LSN_COLUMN));
            }
        }
        return feedChanges(
                SilverTables.EXCHANGE_RATES,
                positions,
                ledger,
                after ->
                        saleDate.toString().equals(after.path("rate_date").asText())
                                && java.util.Set.of(currency, reporting)
                                        .equals(
                                                java.util.Set.of(
                                                        after.path("base_currency").asText(),
                                                        after.path("quote_currency").asText())));
    }

    /** The door-counter hours of the store's local day. */
    private List<SourceChange> visitorChanges(
            LocalDate saleDate, long storeId, ZoneId zone, LedgerPositions ledger) {
        TreeSet<Long> positions = new TreeSet<>();
        for (Map<String, Object> r :
                all(
                        silver(SilverTables.FOOT_TRAFFIC),
                        null,
                        Expressions.equal("store_id", storeId))) {
            OffsetDateTime hour = (OffsetDateTime) r.get("hour_start");
            if (hour.atZoneSameInstant(zone).toLocalDate().equals(saleDate)) {
                positions.add((Long) r.get(SilverTables.LSN_COLUMN));
            }
        }
        return feedChanges(
                SilverTables.FOOT_TRAFFIC,
                positions,
                ledger,
                after ->
                        Long.toString(storeId).equals(after.path("store_id").asText().trim())
                                && onDay(after.path("hour_start").asText(), zone, saleDate));
    }

    /**
     * The bronze records of a feed at the given sequences that are the row's own: a sequence is a
     * file's modification second and a line number, or a poll's, so records of other files or
     * stores can share it; {@code ours} tells them apart by the record's fields.
     */
    private List<SourceChange> feedChanges(
            String sourceTable,
            TreeSet<Long> positions,
            LedgerPositions ledger,
            java.util.function.Predicate<com.fasterxml.jackson.databind.JsonNode> ours) {
        if (positions.isEmpty()) {
            return List.of();
        }
        List<Expression> each = new ArrayList<>();
        positions.forEach(p -> each.add(Expressions.equal("lsn", p)));
        return changes(sourceTable, or(each), ledger, false, ours);
    }

    /** Whether an hour's text (ISO-8601 instant) falls on the local day. */
    private static boolean onDay(String hour, ZoneId zone, LocalDate day) {
        try {
            return OffsetDateTime.parse(hour.trim())
                    .atZoneSameInstant(zone)
                    .toLocalDate()
                    .equals(day);
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode after(String json) {
        if (json == null) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private ZoneId storeZone(long storeId) {
        return one(silver(SilverTables.STORES), null, Expressions.equal("store_id", storeId))
                .map(s -> ZoneId.of((String) s.get("time_zone")))
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "silver has no store " + storeId + " (no time zone)"));
    }

    private Table silver(String sourceTable) {
        return catalog.loadTable(
                SilverTables.definitionFor(config.silverNamespace(), sourceTable).identifier());
    }

    private Table bronze(String sourceTable) {
        return catalog.loadTable(BronzeTables.identifierFor(config.bronzeNamespace(), sourceTable));
    }

    private static Long snapshot(Table table, String jobId, long checkpoint) {
        return CheckpointSnapshots.holding(table, jobId, checkpoint);
    }

    private static Expression or(List<Expression> each) {
        Expression all = Expressions.alwaysFalse();
        for (Expression e : each) {
            all = Expressions.or(all, e);
        }
        return all;
    }

    private static Optional<Map<String, Object>> one(Table table, Long snapshot, Expression where) {
        List<Map<String, Object>> rows = all(table, snapshot, where);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private static List<Map<String, Object>> all(Table table, Long snapshot, Expression where) {
        if (table.currentSnapshot() == null) {
            return List.of();
        }
        IcebergGenerics.ScanBuilder scan = IcebergGenerics.read(table).where(where);
        if (snapshot != null) {
            scan = scan.useSnapshot(snapshot);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        try (CloseableIterable<Record> records = scan.build()) {
            for (Record r : records) {
                Map<String, Object> values = new LinkedHashMap<>();
                r.struct().fields().forEach(f -> values.put(f.name(), r.getField(f.name())));
                rows.add(values);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    static String money(Object value) {
        return value == null ? "—" : ((BigDecimal) value).toPlainString();
    }
}
