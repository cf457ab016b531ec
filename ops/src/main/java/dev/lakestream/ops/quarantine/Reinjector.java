package dev.lakestream.ops.quarantine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakestream.catalog.BronzeTables;
import dev.lakestream.catalog.SilverTables;
import dev.lakestream.jobs.changelog.Corrections;
import dev.lakestream.jobs.changelog.JsonImages;
import dev.lakestream.jobs.changelog.RowChange;
import dev.lakestream.jobs.changelog.SchemaDrift;
import dev.lakestream.jobs.silver.CleansingResult;
import dev.lakestream.jobs.silver.EntityRules;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.flink.types.RowKind;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;

/**
 * Re-injects one refused change, fixed, exactly once.
 *
 * <pre>
 *  silver_rejects --(table, key, LSN)--> the reject(s) ---- already in reinjections? refuse
 *     key deleted in bronze after the change? refuse (it would resurrect the row)
 *     raw image + --set values, --override rules
 *     --> EntityRules, as the job runs them --- still refused? say which rule, write nothing
 *     --> (--dry-run: show what silver would hold, write nothing)
 *     --> bronze: a correction already appended for it (a run that stopped half-way)? reuse it
 *                 else append one: same key and LSN, fixed image, provenance in origin
 *     --> reinjections: one row per reject, with the bronze snapshot
 * </pre>
 *
 * Exactly once: a reject with a row in {@code reinjections} is never re-injected again, and a run
 * that appended the correction but not that row is completed, not repeated, by the next run. Should
 * a correction still end up twice in bronze, the TransformationJob applies the second as a no-op
 * ({@code LsnOrderedApplier}).
 */
final class Reinjector {

    /** Numbers stay exact: a fix of 5.00 is recorded as 5.00, not 5.0. */
    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .enable(
                            com.fasterxml.jackson.databind.DeserializationFeature
                                    .USE_BIG_DECIMAL_FOR_FLOATS)
                    .setNodeFactory(
                            com.fasterxml.jackson.databind.node.JsonNodeFactory
                                    .withExactBigDecimals(true));

    private final Catalog catalog;
    private final String bronzeNamespace;
    private final QuarantineStore store;
    private final Clock clock;
    private final String user;

    Reinjector(
            Catalog catalog,
            String bronzeNamespace,
            String silverNamespace,
            Clock clock,
            String user) {
        this.catalog = catalog;
        this.bronzeNamespace = bronzeNamespace;
        this.store = new QuarantineStore(catalog, silverNamespace);
        this.clock = clock;
        this.user = user;
    }

    /**
     * Runs the request, reporting to {@code out}.
     *
     * @return 0 re-injected (or, for a dry run, would pass), 1 refused (not found, already
     *     re-injected, still breaks a rule)
     */
    int run(ReinjectRequest request, PrintStream out) {
        String table = request.sourceTable();
        checkTable(table);
        List<SilverReject> rejects = new ArrayList<>();
        for (SilverReject r : store.silverRejects()) {
            if (r.isOf(table, request.key(), request.lsn())) {
                rejects.add(r);
            }
        }
        if (rejects.isEmpty()) {
            out.printf(
                    "no reject of %s %s at LSN %d in quarantine.silver_rejects; './lakestream"
                            + " quarantine list --table %s' shows its rejects%n",
                    table, request.key(), request.lsn(), table);
            return 1;
        }
        SilverReject reject = rejects.get(0);
        for (Reinjection done : store.reinjections()) {
            if (done.isOf(reject)) {
                out.printf(
                        "%s %s at LSN %d was already re-injected (%s); a reject is re-injected once."
                                + " './lakestream quarantine list --table %s --status reinjected'"
                                + " shows it%n",
                        table, reject.key(), reject.lsn(), done.describe(), table);
                return 1;
            }
        }
        Map<String, Object> fix = ColumnAssignments.parse(table, request.assignments());
        List<String> overrides = checkOverrides(table, request.overrides());
        Map<String, Object> fixed =
                new LinkedHashMap<>(JsonImages.parse(reject.raw(), table, reject.key()));
        fixed.putAll(fix);

        BronzeCorrections bronze =
                new BronzeCorrections(
                        catalog.loadTable(BronzeTables.identifierFor(bronzeNamespace, table)));
        Optional<Long> deleted = bronze.deletedAfter(reject.key(), reject.lsn());
        if (deleted.isPresent()) {
            out.printf(
                    "%s %s was deleted at the source at LSN %d, after the refused change at LSN"
                            + " %d: re-injecting that change would bring back a deleted row;"
                            + " nothing written%n",
                    table, reject.key(), deleted.get(), reject.lsn());
            return 1;
        }
        Optional<Record> original = bronze.original(reject.key(), reject.lsn());
        RowChange change =
                new RowChange(
                                "+I".equals(reject.kind()) ? RowKind.INSERT : RowKind.UPDATE_AFTER,
                                table,
                                reject.key(),
                                reject.lsn(),
                                fixed)
                        .withTypes(
                                original.map(o -> (String) o.getField("after_types"))
                                        .map(types -> SchemaDrift.of(table, types))
                                        .orElse(null))
                        .withOverrides(Corrections.join(overrides));
        CleansingResult result = new EntityRules().apply(change);
        if (result instanceof CleansingResult.Rejected refused) {
            out.printf(
                    "%s%s %s at LSN %d is still refused by %s: %s; nothing written%n",
                    request.dryRun() ? "dry run: " : "",
                    table,
                    reject.key(),
                    reject.lsn(),
                    refused.rejection().rule(),
                    refused.rejection().reason());
            return 1;
        }
        RowChange accepted = ((CleansingResult.Accepted) result).change();
        if (request.dryRun()) {
            out.printf(
                    "dry run: %s would hold %s at LSN %d%s: %s%ndry run: nothing written%n",
                    SilverTables.definitionFor(table).identifier(),
                    reject.key(),
                    reject.lsn(),
                    overrides.isEmpty() ? "" : " (overriding " + overrides + ")",
                    new TreeMap<>(accepted.values));
            return 0;
        }

        Correction correction = appendOnce(bronze, original, rejects, fix, overrides, fixed, out);
        List<Reinjection> rows = new ArrayList<>();
        for (SilverReject r : rejects) {
            rows.add(correction.recordOf(r, bronze.tableName()));
        }
        store.record(rows);
        out.printf(
                "re-injected %s %s at LSN %d: correction in %s snapshot %d, recorded in"
                        + " quarantine.reinjections; the TransformationJob takes it on with its next"
                        + " bronze read%n",
                table, reject.key(), reject.lsn(), bronze.tableName(), correction.snapshotId());
        return 0;
    }

    /**
     * The correction of the reject in bronze: the one an earlier run appended and did not record,
     * or a new one appended now. Never a second one for the same reject.
     */
    private Correction appendOnce(
            BronzeCorrections bronze,
            Optional<Record> original,
            List<SilverReject> rejects,
            Map<String, Object> fix,
            List<String> overrides,
            Map<String, Object> fixed,
            PrintStream out) {
        SilverReject reject = rejects.get(0);
        String table = reject.sourceTable();
        String rejectId =
                table + "|" + SilverReject.canonicalKey(table, reject.key()) + "|" + reject.lsn();
        List<Record> earlier = bronze.corrections(table, reject.key(), reject.lsn());
        if (!earlier.isEmpty()) {
            Record found = earlier.get(0);
            long snapshot = bronze.snapshotOf(rejectId).orElse(bronze.currentSnapshotId());
            out.printf(
                    "found the correction an earlier run appended to %s (snapshot %d) and did not"
                            + " record; recording it, not appending another%n",
                    bronze.tableName(), snapshot);
            return new Correction(
                    (String) found.getField("origin"), (String) found.getField("after"), snapshot);
        }
        String origin =
                Corrections.ORIGIN_PREFIX + provenance(rejects, fix, overrides, clock.instant());
        String after = JsonImages.image(fixed);
        long snapshot =
                bronze.append(
                        original,
                        table,
                        "+I".equals(reject.kind()) ? "c" : "u",
                        reject.key(),
                        reject.lsn(),
                        after,
                        origin,
                        rejectId);
        return new Correction(origin, after, snapshot);
    }

    /** A correction in bronze: its origin (provenance), image and snapshot. */
    private record Correction(String origin, String after, long snapshotId) {

        /** The reinjections row of a reject, as the correction's provenance says. */
        Reinjection recordOf(SilverReject reject, String bronzeTable) {
            JsonNode provenance = Corrections.provenance(origin);
            List<String> overrides = new ArrayList<>();
            provenance.path("overrides").forEach(o -> overrides.add(o.asText()));
            return new Reinjection(
                    reject.sourceTable(),
                    reject.key(),
                    reject.lsn(),
                    reject.rule(),
                    provenance.path("set").toString(),
                    overrides,
                    after,
                    origin,
                    provenance.path("by").asText(),
                    Instant.parse(provenance.path("at").asText()),
                    bronzeTable,
                    snapshotId);
        }
    }

    private String provenance(
            List<SilverReject> rejects,
            Map<String, Object> fix,
            List<String> overrides,
            Instant at) {
        ObjectNode p = JSON.createObjectNode();
        ObjectNode reject = p.putObject("reject");
        SilverReject first = rejects.get(0);
        reject.put("source_table", first.sourceTable());
        reject.put("key", first.key());
        reject.put("lsn", first.lsn());
        reject.put("rule", first.rule());
        ArrayNode rules = reject.putArray("rules");
        rejects.forEach(r -> rules.add(r.rule()));
        try {
            p.set("set", JSON.readTree(JsonImages.image(fix)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the fix is no JSON: " + fix, e);
        }
        ArrayNode o = p.putArray("overrides");
        overrides.forEach(o::add);
        p.put("by", user);
        p.put("at", at.toString());
        return p.toString();
    }

    /**
     * The table must be one silver has rules for, and a CDC table (records are not re-injected).
     */
    static void checkTable(String table) {
        if (!EntityRules.sourceTables().contains(table)) {
            throw new IllegalArgumentException(
                    "--table "
                            + table
                            + ": silver has no rules for it; one of "
                            + EntityRules.sourceTables());
        }
        if (dev.lakestream.jobs.changelog.RecordImages.isRecordTable(table)) {
            throw new IllegalArgumentException(
                    "--table "
                            + table
                            + ": re-injecting records of the REST and file sources is not"
                            + " supported (their key comes from the record itself); fix the"
                            + " feed and let it deliver the record again");
        }
    }

    private static List<String> checkOverrides(String table, List<String> overrides) {
        List<String> allowed = EntityRules.overridableRuleNames(table);
        for (String rule : overrides) {
            if (!allowed.contains(rule)) {
                throw new IllegalArgumentException(
                        "--override "
                                + rule
                                + ": not a rule of "
                                + table
                                + " that may be overridden (types, nullability and keys never"
                                + " are: fix the value with --set); overridable: "
                                + allowed);
            }
        }
        return List.copyOf(new java.util.TreeSet<>(overrides));
    }
}
