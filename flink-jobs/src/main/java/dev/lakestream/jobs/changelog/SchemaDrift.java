package dev.lakestream.jobs.changelog;

import dev.lakestream.catalog.SilverTables;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

/**
 * Where a captured row's source columns (bronze's {@code after_types}) differ from its silver
 * table's definition: a column silver does not have (added by {@code ALTER TABLE ... ADD COLUMN}),
 * or one whose source type silver's column cannot hold as it is (widened, or changed incompatibly).
 * Silver's rules decide what to follow; see {@code EntityRules}.
 *
 * <p>The result is {@code null} in the common case, a source that matches its silver table, so a
 * change carries nothing extra. Otherwise it is a JSON object of column to Iceberg type, columns in
 * source order. A source column narrower than silver's (a {@code smallint} for an {@code int}) is
 * no difference. Computed once per distinct types text: a table has one per schema version.
 */
public final class SchemaDrift {

    private static final int MAX_CACHED = 10_000;
    private static final Map<String, Map<String, String>> CACHE = new ConcurrentHashMap<>();
    private static final String NONE = "";

    private SchemaDrift() {}

    /**
     * The columns of {@code afterTypes} (bronze's JSON of column to type) that differ from the
     * silver definition of {@code sourceTable}, as JSON, or null when none do.
     */
    public static String of(String sourceTable, String afterTypes) {
        if (afterTypes == null) {
            return null;
        }
        Map<String, String> byTypes =
                CACHE.computeIfAbsent(sourceTable, t -> new ConcurrentHashMap<>());
        String drift = byTypes.get(afterTypes);
        if (drift == null) {
            if (byTypes.size() > MAX_CACHED) {
                byTypes.clear();
            }
            drift = compute(sourceTable, afterTypes);
            byTypes.put(afterTypes, drift);
        }
        return drift.isEmpty() ? null : drift;
    }

    private static final Map<String, Map<String, Type>> PARSED = new ConcurrentHashMap<>();

    /**
     * The column to type map of a drift text (or of an {@code after_types} text), in its column
     * order, unmodifiable; parsed once per distinct text, since every change of a table's schema
     * version carries the same one.
     */
    public static Map<String, Type> types(String json) {
        if (json == null) {
            return Map.of();
        }
        Map<String, Type> known = PARSED.get(json);
        if (known == null) {
            if (PARSED.size() > MAX_CACHED) {
                PARSED.clear();
            }
            Map<String, Type> types = new LinkedHashMap<>();
            JsonImages.parse(json, "after_types", "")
                    .forEach(
                            (column, type) ->
                                    types.put(column, Types.fromPrimitiveString((String) type)));
            known = java.util.Collections.unmodifiableMap(types);
            PARSED.put(json, known);
        }
        return known;
    }

    /** The drift without some columns, or null when none is left. */
    public static String without(String drift, java.util.Collection<String> columns) {
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, Type> column : types(drift).entrySet()) {
            if (columns.contains(column.getKey())) {
                continue;
            }
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(JsonImages.quote(column.getKey()))
                    .append(':')
                    .append(JsonImages.quote(column.getValue().toString()));
        }
        return json.length() == 1 ? null : json.append('}').toString();
    }

    /** Whether {@code from} may become {@code to} in place under Iceberg's rules. */
    public static boolean widens(Type from, Type to) {
        return from.isPrimitiveType()
                && to.isPrimitiveType()
                && (from.equals(to) || TypeUtil.isPromotionAllowed(from, to.asPrimitiveType()));
    }

    private static String compute(String sourceTable, String afterTypes) {
        Schema silver = SilverTables.definitionFor(sourceTable).schema();
        StringBuilder json = new StringBuilder("{");
        Map<String, Type> source;
        try {
            source = types(afterTypes);
        } catch (IllegalArgumentException e) {
            return NONE; // a types text silver cannot read: follow the definition alone
        }
        for (Map.Entry<String, Type> column : source.entrySet()) {
            Types.NestedField field = silver.findField(column.getKey());
            if (field != null && widens(column.getValue(), field.type())) {
                continue; // silver's column holds the source's as it is
            }
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(JsonImages.quote(column.getKey()))
                    .append(':')
                    .append(JsonImages.quote(column.getValue().toString()));
        }
        return json.length() == 1 ? NONE : json.append('}').toString();
    }
}
