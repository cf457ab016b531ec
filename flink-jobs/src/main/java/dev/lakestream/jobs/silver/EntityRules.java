package dev.lakestream.jobs.silver;

import dev.lakestream.catalog.SilverTables;
import dev.lakestream.jobs.changelog.BronzeChangeParser;
import dev.lakestream.jobs.changelog.JsonImages;
import dev.lakestream.jobs.changelog.RecordImages;
import dev.lakestream.jobs.changelog.RowChange;
import dev.lakestream.jobs.changelog.SchemaDrift;
import dev.lakestream.jobs.silver.SilverValues.ValueException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.flink.types.RowKind;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

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

    public static final List<String> ORDER_STATUSES =
            List.of("PLACED", "PAID", "SHIPPED", "DELIVERED", "CANCELLED");

    public static final List<String> ORDER_CHANNELS = List.of("STORE", "WEB", "APP");

    /**
     * A sane, not RFC-complete, address: dot-separated atoms of the usual characters, an {@code @}
     * and a domain of at least two labels with a TLD starting with a letter. Applied after
     * lower-casing, so upper-case letters need no place here. Quoted local parts and
     * internationalised addresses are refused on purpose: the shop never issues them, and a
     * downstream mailer would choke on them.
     */
    private static final Pattern EMAIL =
            Pattern.compile(
                    "[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                            + "@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+"
                            + "[a-z](?:[a-z0-9-]{0,61}[a-z0-9])");

    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();

    private static final Map<String, Entity> ENTITIES = entities();

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

        Map<String, Type> drift = drift(change.types);
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
                problem = column.check(value, shown);
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
            first = entity.checkRow(typed);
        }
        if (first != null && !retraction) {
            return new CleansingResult.Rejected(change, first);
        }
        return new CleansingResult.Accepted(
                new RowChange(kind, change.table, change.key, change.lsn, typed)
                        .withTypes(
                                notFollowed.isEmpty()
                                        ? change.types
                                        : SchemaDrift.without(change.types, notFollowed)),
                first == null);
    }

    private static final Map<String, Map<String, Type>> DRIFTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The column to source type map of a change's drift (parsed once per distinct text). */
    private static Map<String, Type> drift(String types) {
        if (types == null) {
            return Map.of();
        }
        Map<String, Type> known = DRIFTS.get(types);
        if (known == null) {
            if (DRIFTS.size() > 10_000) {
                DRIFTS.clear();
            }
            known = SchemaDrift.types(types);
            DRIFTS.put(types, known);
        }
        return known;
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

    // ------------------------------------------------------------------------------------------
    // the rules

    private static Map<String, Entity> entities() {
        Map<String, Entity> entities = new LinkedHashMap<>();

        Entity stores = new Entity(SilverTables.STORES);
        stores.positive("store_id");
        stores.upper("country")
                .check(
                        "country",
                        "format",
                        matches(COUNTRY),
                        "is not a two-letter ISO country code");
        stores.check(
                "time_zone",
                "iana",
                v -> ZONES.contains((String) v),
                "is not an IANA time zone name (e.g. Europe/Paris)");
        stores.upper("currency")
                .check(
                        "currency",
                        "format",
                        matches(CURRENCY),
                        "is not a three-letter ISO currency code");
        entities.put(stores.sourceTable, stores);

        Entity customers = new Entity(SilverTables.CUSTOMERS);
        customers.positive("customer_id");
        customers
                .lower("email")
                .check(
                        "email",
                        "format",
                        v -> ((String) v).length() <= 254 && EMAIL.matcher((String) v).matches(),
                        "is not a valid e-mail address");
        customers
                .upper("country")
                .check(
                        "country",
                        "format",
                        matches(COUNTRY),
                        "is not a two-letter ISO country code");
        customers.check(
                "loyalty_tier",
                "range",
                v -> ((Number) v).longValue() >= 0 && ((Number) v).longValue() <= 3,
                "is not a loyalty tier between 0 and 3");
        entities.put(customers.sourceTable, customers);

        Entity products = new Entity(SilverTables.PRODUCTS);
        products.positive("product_id");
        products.nonNegative("list_price");
        entities.put(products.sourceTable, products);

        Entity orders = new Entity(SilverTables.ORDERS);
        orders.positive("order_id");
        orders.positive("store_id");
        orders.positive("customer_id");
        orders.upper("channel")
                .check(
                        "channel",
                        "allowed",
                        ORDER_CHANNELS::contains,
                        "is not one of " + ORDER_CHANNELS);
        orders.upper("status")
                .check(
                        "status",
                        "allowed",
                        ORDER_STATUSES::contains,
                        "is not one of " + ORDER_STATUSES);
        entities.put(orders.sourceTable, orders);

        Entity lines = new Entity(SilverTables.ORDER_LINES);
        lines.positive("order_id");
        lines.positive("line_no");
        lines.positive("product_id");
        lines.check(
                "quantity", "positive", v -> ((Number) v).longValue() > 0, "is not greater than 0");
        lines.nonNegative("unit_price");
        lines.nonNegative("discount");
        lines.checkRow(
                "discount.max",
                row -> {
                    BigDecimal gross =
                            ((BigDecimal) row.get("unit_price"))
                                    .multiply(
                                            BigDecimal.valueOf(
                                                    ((Number) row.get("quantity")).longValue()));
                    BigDecimal discount = (BigDecimal) row.get("discount");
                    return discount.compareTo(gross) <= 0
                            ? null
                            : "discount "
                                    + discount.toPlainString()
                                    + " exceeds quantity "
                                    + row.get("quantity")
                                    + " x unit_price "
                                    + ((BigDecimal) row.get("unit_price")).toPlainString()
                                    + " = "
                                    + gross.toPlainString();
                });
        entities.put(lines.sourceTable, lines);

        Entity rates = new Entity(SilverTables.EXCHANGE_RATES);
        rates.check(
                "base_currency",
                "format",
                matches(CURRENCY),
                "is not a three-letter upper-case ISO currency code");
        rates.check(
                "quote_currency",
                "format",
                matches(CURRENCY),
                "is not a three-letter upper-case ISO currency code");
        rates.check(
                "rate", "positive", v -> ((BigDecimal) v).signum() > 0, "is not greater than 0");
        rates.checkRow(
                "pair.distinct",
                row ->
                        row.get("base_currency").equals(row.get("quote_currency"))
                                ? "base_currency and quote_currency are both "
                                        + row.get("base_currency")
                                : null);
        entities.put(rates.sourceTable, rates);

        Entity traffic = new Entity(SilverTables.FOOT_TRAFFIC);
        traffic.positive("store_id");
        traffic.check(
                "hour_start",
                "hour",
                v -> ((Instant) v).getEpochSecond() % 3600 == 0 && ((Instant) v).getNano() == 0,
                "is not the start of an hour (UTC)");
        traffic.check(
                "visitors", "non_negative", v -> ((Number) v).longValue() >= 0, "is negative");
        entities.put(traffic.sourceTable, traffic);

        return Collections.unmodifiableMap(entities);
    }

    private static Predicate<Object> matches(Pattern pattern) {
        return v -> pattern.matcher((String) v).matches();
    }

    // ------------------------------------------------------------------------------------------
    // the machinery

    private enum Case {
        AS_IS,
        LOWER,
        UPPER
    }

    /** A check of one non-null, normalised value; {@code expectation} completes the reason. */
    private record Check(String suffix, Predicate<Object> accepts, String expectation) {}

    /** A check across columns, run once every column passed; returns a reason or null. */
    private record RowCheck(String rule, Function<Map<String, Object>, String> reasonIfBroken) {}

    /** One column of one entity: type and nullability from the silver schema, checks from here. */
    private static final class Column {
        final String entity;
        final String name;
        final Type type;
        final boolean required;
        final boolean key;
        Case textCase = Case.AS_IS;
        final List<Check> checks = new ArrayList<>();

        Column(String entity, Types.NestedField field, boolean key) {
            this.entity = entity;
            this.name = field.name();
            this.type = field.type();
            this.required = field.isRequired();
            this.key = key;
        }

        String rule(String suffix) {
            return entity + "." + name + "." + suffix;
        }

        /** Trim text; blank text is no value; codes get their canonical case. */
        Object normalise(Object value) {
            if (!(value instanceof String s)) {
                return value;
            }
            String stripped = strip(s);
            if (stripped.isEmpty()) {
                return null;
            }
            return switch (textCase) {
                case AS_IS -> stripped;
                case LOWER -> stripped.toLowerCase(Locale.ROOT);
                case UPPER -> stripped.toUpperCase(Locale.ROOT);
            };
        }

        /**
         * Removes leading and trailing white space of any kind: {@link String#trim()} only knows
         * ASCII control characters and {@link String#strip()} misses the no-break space, which
         * copy-paste from web forms brings in all the time.
         */
        static String strip(String s) {
            int start = 0;
            int end = s.length();
            while (start < end && isSpace(s.charAt(start))) {
                start++;
            }
            while (end > start && isSpace(s.charAt(end - 1))) {
                end--;
            }
            return s.substring(start, end);
        }

        private static boolean isSpace(char c) {
            return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\uFEFF';
        }

        Rejection check(Object value, Map<String, Object> image) {
            if (value == null) {
                if (!required) {
                    return null;
                }
                String what =
                        !image.containsKey(name)
                                ? "is missing"
                                : image.get(name) == null
                                        ? "is null"
                                        : JsonImages.show(image, name) + " is blank";
                return new Rejection(rule("required"), name + " " + what + " but is required");
            }
            for (Check check : checks) {
                if (!check.accepts.test(value)) {
                    return new Rejection(
                            rule(check.suffix),
                            name + " " + JsonImages.show(image, name) + " " + check.expectation);
                }
            }
            return null;
        }

        /** The rule names this column can produce, in the order they are checked. */
        List<String> ruleNames() {
            List<String> names = new ArrayList<>();
            names.add(rule("type"));
            if (type instanceof Types.DecimalType) {
                names.add(rule("scale"));
                names.add(rule("precision"));
            }
            if (type instanceof Types.TimestampType) {
                names.add(rule("precision"));
            }
            if (required && !key) {
                // a key column always has a value: it comes from the change's key
                names.add(rule("required"));
            }
            for (Check check : checks) {
                names.add(rule(check.suffix));
            }
            return names;
        }
    }

    private static final class Entity {
        final String sourceTable;
        final String name;
        final List<Column> columns = new ArrayList<>();
        final List<RowCheck> rowChecks = new ArrayList<>();
        final boolean fromRecords;

        Entity(String sourceTable) {
            this.sourceTable = sourceTable;
            this.fromRecords = RecordImages.isRecordTable(sourceTable);
            this.name = SilverTables.definitionFor(sourceTable).identifier().name();
            Schema schema = SilverTables.definitionFor(sourceTable).schema();
            Set<String> keyColumns = schema.identifierFieldNames();
            for (Types.NestedField field : schema.columns()) {
                if (!field.name().equals(SilverTables.LSN_COLUMN)
                        && !field.name().equals(SilverTables.UPDATED_AT_COLUMN)) {
                    columns.add(new Column(name, field, keyColumns.contains(field.name())));
                }
            }
        }

        boolean has(String column) {
            for (Column c : columns) {
                if (c.name.equals(column)) {
                    return true;
                }
            }
            return false;
        }

        Column column(String column) {
            for (Column c : columns) {
                if (c.name.equals(column)) {
                    return c;
                }
            }
            throw new IllegalStateException("silver." + name + " has no column " + column);
        }

        Entity check(String column, String suffix, Predicate<Object> accepts, String expectation) {
            column(column).checks.add(new Check(suffix, accepts, expectation));
            return this;
        }

        Entity upper(String column) {
            column(column).textCase = Case.UPPER;
            return this;
        }

        Entity lower(String column) {
            column(column).textCase = Case.LOWER;
            return this;
        }

        void positive(String column) {
            check(column, "positive", v -> ((Number) v).longValue() > 0, "is not a positive id");
        }

        void nonNegative(String column) {
            check(column, "non_negative", v -> ((BigDecimal) v).signum() >= 0, "is negative");
        }

        void checkRow(String rule, Function<Map<String, Object>, String> reasonIfBroken) {
            rowChecks.add(new RowCheck(name + "." + rule, reasonIfBroken));
        }

        /** A key column's image value must be the key's: anything else is a misrouted row. */
        Rejection matchKey(
                Column column, Type type, Map<String, Object> image, Object keyValue, String key)
                throws ValueException {
            if (!image.containsKey(column.name)) {
                return null; // absent from the image: the key supplies it
            }
            Object imageValue = SilverValues.typed(image.get(column.name), type);
            if (keyValue.equals(imageValue)) {
                return null;
            }
            return new Rejection(
                    name + ".key.match",
                    column.name
                            + " "
                            + JsonImages.show(image, column.name)
                            + " differs from the key "
                            + key);
        }

        Rejection checkRow(Map<String, Object> row) {
            for (RowCheck check : rowChecks) {
                String reason = check.reasonIfBroken.apply(row);
                if (reason != null) {
                    return new Rejection(check.rule, reason);
                }
            }
            return null;
        }

        List<String> ruleNames() {
            List<String> names = new ArrayList<>();
            for (Column column : columns) {
                names.addAll(column.ruleNames());
            }
            names.add(name + ".key.match");
            names.add(name + ".image.format");
            names.add(name + ".truncate");
            for (RowCheck check : rowChecks) {
                names.add(check.rule);
            }
            return Collections.unmodifiableList(names);
        }
    }
}
