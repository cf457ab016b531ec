package dev.lakestream.jobs.transformation;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lakestream.catalog.SilverTables;
import dev.lakestream.shop.ShopSchema;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/**
 * Silver, read back from Iceberg, against the source rows in PostgreSQL, column by column, with the
 * cleansing a valid source row goes through (trimmed text, lower-cased e-mail, blank to null).
 */
public final class SilverComparison {

    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private SilverComparison() {}

    /** Differences as readable lines; empty when silver holds exactly the source rows. */
    public static List<String> differences(
            Connection c, Table silver, String table, List<String> skipKeys) throws Exception {
        Map<String, JsonNode> source = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT to_jsonb(t)::text FROM " + table + " t")) {
            while (rs.next()) {
                JsonNode row = JSON.readTree(rs.getString(1));
                String key = key(table, column -> row.get(column).asText());
                if (!skipKeys.contains(key)) {
                    source.put(key, row);
                }
            }
        }
        List<String> differences = new ArrayList<>();
        silver.refresh();
        Map<String, Record> silverRows = new HashMap<>();
        try (CloseableIterable<Record> rows = IcebergGenerics.read(silver).build()) {
            for (Record r : rows) {
                silverRows.put(key(table, column -> String.valueOf(r.getField(column))), r);
            }
        }
        if (!silverRows.keySet().equals(source.keySet())) {
            differences.add(
                    table
                            + ": keys differ, silver "
                            + silverRows.size()
                            + " vs source "
                            + source.size());
            return differences;
        }
        for (Map.Entry<String, JsonNode> e : source.entrySet()) {
            Record r = silverRows.get(e.getKey());
            for (Types.NestedField field : silver.schema().columns()) {
                String column = field.name();
                if (column.equals(SilverTables.LSN_COLUMN)
                        || column.equals(SilverTables.UPDATED_AT_COLUMN)) {
                    continue;
                }
                JsonNode expected = e.getValue().get(column);
                Object actual = r.getField(column);
                if (!same(column, expected, actual)) {
                    differences.add(
                            table
                                    + " "
                                    + e.getKey()
                                    + " "
                                    + column
                                    + ": source "
                                    + expected
                                    + ", silver "
                                    + actual);
                }
            }
        }
        return differences;
    }

    private static boolean same(String column, JsonNode expected, Object actual) {
        if (expected == null || expected.isNull()) {
            return actual == null;
        }
        if (actual == null) {
            return expected.isTextual() && expected.asText().isBlank();
        }
        if (actual instanceof BigDecimal d) {
            return expected.decimalValue().compareTo(d) == 0 && d.scale() == 2;
        }
        if (actual instanceof OffsetDateTime t) {
            return OffsetDateTime.parse(expected.asText()).toInstant().equals(t.toInstant());
        }
        if (actual instanceof LocalDate d) {
            return d.toString().equals(expected.asText());
        }
        if (actual instanceof Long || actual instanceof Integer) {
            return expected.asLong() == ((Number) actual).longValue();
        }
        if (actual instanceof Boolean b) {
            return expected.asBoolean() == b;
        }
        String text = expected.asText().strip();
        if (column.equals("email")) {
            text = text.toLowerCase(Locale.ROOT);
        }
        return text.equals(actual.toString());
    }

    private static String key(String table, java.util.function.Function<String, String> value) {
        StringBuilder key = new StringBuilder();
        for (String column : ShopSchema.primaryKey(table)) {
            key.append(value.apply(column)).append('|');
        }
        return key.toString();
    }
}
