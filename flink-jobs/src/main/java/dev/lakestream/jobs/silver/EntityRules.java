package dev.lakestream.jobs.silver;

import dev.lakestream.catalog.SilverTables;
import dev.lakestream.jobs.changelog.BronzeChangeParser;
import dev.lakestream.jobs.changelog.JsonImages;
import dev.lakestream.jobs.changelog.RecordImages;
import dev.lakestream.jobs.changelog.RowChange;
import dev.lakestream.jobs.changelog.SchemaDrift;
import dev.lakestream.jobs.silver.SilverValues.ValueException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.types.RowKind;
import org.apache.iceberg.types.Type;

/**
 * Silver's cleansing and validation: what a row of each shop entity must look like before it may
 * enter its silver table.
 *
 * <pre>
 *  RowChange (values as bronze's JSON gave them: text, long, decimal, boolean, null)
 *     | not a TRUNCATE of the table           -- <entity>.truncate
 *     | image and key readable JSON          -- <entity>.image.format
 *     | key columns usable as their type      -- <entity>.<key column>.type
 *     | parse each column as its silver type  -- <entity>.<column>.type / .scale / .precision
 *     | normalise: trim text, blank optional text to null, upper/lower case where a code is
 *     | required columns present and non-null  -- <entity>.<column>.required
 *     | key columns equal the change's key     -- <entity>.key.match
 *     | column checks (format, range, allowed) -- e.g. customers.email.format
 *     | row checks across columns              -- order_lines.discount.max
 *     v
 *  Accepted(cleaned RowChange) | Rejected(original, Rejection(rule, reason))
 * </pre>
 *
 * <p>Column types, nullability and keys come from {@link SilverTables}, so the table definition and
 * the rules cannot drift apart; only the business checks are spelled out here. The first failing
 * check decides the rejection (columns in table order), which keeps rule counts on a dashboard
 * meaningful: one bad change, one count.
 *
 * <p>Retractions ({@code -U}, {@code -D}) are never rejected. They describe an image that was
 * either accepted earlier (then silver must see the retraction) or refused earlier (then it
 * retracts nothing, and a delete by key of an absent row is harmless). They are cleaned
 * best-effort: a value that does not parse becomes null, every other value is normalised like an
 * insert's, and {@link CleansingResult.Accepted#imageValid()} tells whether the image would pass.
 * The key always comes from the change's key JSON, which is what a delete needs. The exceptions: a
 * change whose key is not usable as its silver type (a record of the REST or file sources with a
 * bad identity, see {@link RecordImages}, or a source key column whose type changed), and a change
 * whose image or key bronze holds but silver cannot read ({@link
 * BronzeChangeParser#MALFORMED_IMAGE}): there is nothing to retract or upsert, and they are refused
 * whatever their kind, so one such change never stops the job.
 *
 * <p>Values leave typed as their silver columns (see {@link SilverValues}): {@code Long}, {@code
 * Integer}, {@code String}, {@code BigDecimal} at the column's scale, {@code Instant}, {@code
 * LocalDate}, {@code Boolean}. Columns the silver table does not have are dropped; columns it has
 * and the image lacks are null.
 *
 * <p>Stateless and thread-safe; the rules live in a static table, so an instance is cheap to ship
 * inside a Flink function.
 */
public final class EntityRules implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final List<String> ORDER_STATUSES = ShopRules.ORDER_STATUSES;

    public static final List<String> ORDER_CHANNELS = ShopRules.ORDER_CHANNELS;

    private static final Map<String, Entity> ENTITIES = ShopRules.entities();

    /**
     * Cleans and validates one change.
     *
     * @throws IllegalArgumentException when the table has no silver rules (a configuration error,
     *     not data)
     */
    public CleansingResult apply(RowChange change) {
        return apply(change, Map.of());
    }

    /**
     * Cleans and validates one change, following its source's schema changes (see {@link
     * SchemaDrift}): a column added at the source is typed as its source type and kept; a column
     * widened at the source as Iceberg allows (int to long, float to double, decimal precision up)
     * is typed as the wider type; any other type change is refused ({@link
     * Rejection#schemaChange()}), for a key column whatever the change's kind.
     *
     * @param live the columns the live silver table has beyond its definition (added earlier),
     *     column to type: an added column must stay compatible with what silver already holds
     * @throws IllegalArgumentException when the table has no silver rules (a configuration error,
     *     not data)
     */
    public CleansingResult apply(RowChange change, Map<String, Type> live) {
        Entity entity = entityFor(change.table);
        RowKind kind = change.rowKind();
        boolean retraction = kind == RowKind.UPDATE_BEFORE || kind == RowKind.DELETE;
        Map<String, Object> values = change.values == null ? Map.of() : change.values;
        Set<String> skipped = skipped(entity, change);
        Rejection first = null;
        Object truncated = values.get(BronzeChangeParser.TRUNCATED);
        if (truncated != null) {
            return new CleansingResult.Rejected(
                    change, new Rejection(entity.name + ".truncate", (String) truncated));
        }
        Object malformed = values.get(BronzeChangeParser.MALFORMED_IMAGE);
        if (malformed != null) {
            first = new Rejection(entity.name + ".image.format", (String) malformed);
            if (!retraction) {
                return new CleansingResult.Rejected(change, first);
            }
            values = Map.of(); // a retraction needs only its key
        }
        Map<String, Object> key;
        try {
            key = keyOf(change);
        } catch (IllegalArgumentException e) {
            return new CleansingResult.Rejected(
                    change, new Rejection(entity.name + ".image.format", e.getMessage()));
        }

        Map<String, Type> drift = SchemaDrift.types(change.types);
        Map<String, Object> typed = new LinkedHashMap<>();
        for (Column column : entity.columns) {
            // what a reason shows: the image's value, or the key's for a key column it lacks
            Map<String, Object> shown = values;
            Object value = null;
            Rejection problem;
            Type type = column.type;
            Type sourceType = drift.get(column.name);
            if (sourceType != null) {
                if (!SchemaDrift.widens(column.type, sourceType)) {
                    Rejection changed =
                            new Rejection(
                                    column.rule("type"),
                                    column.name
                                            + " changed type at the source from "
                                            + column.type
                                            + " to "
                                            + sourceType
                                            + ", which silver cannot follow in place (Iceberg"
                                            + " widens only int to long, float to double and a"
                                            + " decimal's precision)"
                                            + (column.key
                                                    ? "; a key column: every change of "
                                                            + change.table
                                                            + " is refused until the source"
                                                            + " column is changed back or silver."
                                                            + entity.name
                                                            + " is migrated"
                                                    : ""),
                                    true);
                    if (column.key || !retraction) {
                        return new CleansingResult.Rejected(change, changed);
                    }
                    if (first == null) {
                        first = changed;
                    }
                    typed.put(column.name, null);
                    continue;
                }
                type = sourceType;
            }
            try {
                if (column.key) {
                    // the key is authoritative: a delete needs nothing else
                    if (!usableKey(column, type, key)) {
                        // a record's key comes from the record itself: an unusable one is bad
                        // data; a change's key comes from the primary key: an unusable one means
                        // the source column changed type. Either way there is nothing silver can
                        // upsert or retract: refused whatever the change's kind
                        return new CleansingResult.Rejected(
                                change,
                                new Rejection(
                                        column.rule("type"),
                                        column.name
                                                + " "
                                                + JsonImages.show(key, column.name)
                                                + " is not a usable "
                                                + column.type
                                                + " key value"
                                                + (entity.fromRecords
                                                        ? ""
                                                        : " (did the source column change"
                                                                + " type?)")));
                    }
                    value = SilverValues.typed(key.get(column.name), type);
                    problem = entity.matchKey(column, type, values, value, change.key);
                    if (!values.containsKey(column.name)) {
                        shown = key;
                    }
                } else {
                    value = column.normalise(SilverValues.typed(values.get(column.name), type));
                    problem = null;
                }
            } catch (ValueException e) {
                problem =
                        new Rejection(
                                column.rule(e.suffix),
                                column.name
                                        + " "
                                        + JsonImages.show(values, column.name)
                                        + " "
                                        + e.getMessage());
            }
            if (problem == null) {
                problem = column.check(value, shown, skipped);
            }
            if (first == null) {
                first = problem;
            }
            typed.put(column.name, value);
        }
        // columns added at the source: kept, typed as the source types them
        List<String> notFollowed = new ArrayList<>();
        for (Map.Entry<String, Type> added : drift.entrySet()) {
            String name = added.getKey();
            if (entity.has(name) || SilverTables.isLakestreamColumn(name)) {
                continue;
            }
            Type held = live.get(name);
            if (held != null
                    && !SchemaDrift.widens(held, added.getValue())
                    && !SchemaDrift.widens(added.getValue(), held)) {
                Rejection changed =
                        new Rejection(
                                entity.name + "." + name + ".type",
                                name
                                        + " changed type at the source from "
                                        + held
                                        + " (as silver holds it) to "
                                        + added.getValue()
                                        + ", which silver cannot follow in place (Iceberg widens"
                                        + " only int to long, float to double and a decimal's"
                                        + " precision)",
                                true);
                if (!retraction) {
                    return new CleansingResult.Rejected(change, changed);
                }
                notFollowed.add(name); // a retraction needs only its key
                continue;
            }
            Object value = null;
            try {
                value = SilverValues.typed(values.get(name), added.getValue());
            } catch (ValueException e) {
                if (first == null) {
                    first =
                            new Rejection(
                                    entity.name + "." + name + "." + e.suffix,
                                    name
                                            + " "
                                            + JsonImages.show(values, name)
                                            + " "
                                            + e.getMessage());
                }
            }
            typed.put(name, value);
        }
        if (first == null) {
            first = entity.checkRow(typed, skipped);
        }
        if (first != null && !retraction) {
            return new CleansingResult.Rejected(change, first);
        }
        return new CleansingResult.Accepted(
                new RowChange(kind, change.table, change.key, change.lsn, typed)
                        .withTypes(
                                notFollowed.isEmpty()
                                        ? change.types
                                        : SchemaDrift.without(change.types, notFollowed))
                        .withSourceMillis(change.sourceMillis)
                        .withOverrides(change.overrides),
                first == null);
    }

    /**
     * The rules this change skips: the overridable ones among its overrides (a correction's, see
     * {@link RowChange#overrides}); an override of any other rule is ignored, so it is refused as
     * before.
     */
    private static Set<String> skipped(Entity entity, RowChange change) {
        if (change.overrides == null) {
            return Set.of();
        }
        Set<String> skipped = new HashSet<>(change.overriddenRules());
        skipped.retainAll(entity.overridableRuleNames());
        return skipped;
    }

    /**
     * The rules a correction of this source table's changes may override ({@code ./lakestream
     * quarantine reinject --override}): the business checks of columns and rows. Types, scale,
     * precision, nullability, keys and the image format cannot be overridden (silver could not hold
     * the row: fix the value instead), nor {@code stores.time_zone.iana} (gold computes with it).
     */
    public static List<String> overridableRuleNames(String sourceTable) {
        return entityFor(sourceTable).overridableRuleNames();
    }

    /** The source tables silver has rules for, e.g. {@code shop.orders}. */
    public static List<String> sourceTables() {
        return List.copyOf(ENTITIES.keySet());
    }

    /** Every rule name of every entity, e.g. {@code customers.email.format}. */
    public static List<String> ruleNames() {
        List<String> names = new ArrayList<>();
        for (Entity entity : ENTITIES.values()) {
            names.addAll(entity.ruleNames());
        }
        return Collections.unmodifiableList(names);
    }

    /** The rule names of one source table's entity, e.g. of {@code shop.customers}. */
    public static List<String> ruleNames(String sourceTable) {
        return entityFor(sourceTable).ruleNames();
    }

    private static Entity entityFor(String sourceTable) {
        Entity entity = ENTITIES.get(sourceTable);
        if (entity == null) {
            throw new IllegalArgumentException(
                    "no silver rules for table '"
                            + sourceTable
                            + "', expected one of "
                            + ENTITIES.keySet());
        }
        return entity;
    }

    private static Map<String, Object> keyOf(RowChange change) {
        if (change.key == null) {
            throw new IllegalArgumentException("change of " + change.table + " has no key");
        }
        return JsonImages.parse(change.key, change.table, change.key);
    }

    private static boolean usableKey(Column column, Type type, Map<String, Object> key) {
        try {
            return SilverValues.typed(key.get(column.name), type) != null;
        } catch (ValueException e) {
            return false;
        }
    }
}
