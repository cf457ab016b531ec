package dev.lakestream.jobs.gold;

import java.math.BigDecimal;
import java.util.Map;

/** Reads the JSON literal values of a {@code RowChange} image (as bronze wrote them). */
final class JsonLiterals {

    private JsonLiterals() {}

    static String text(Map<String, String> values, String column) {
        String v = values.get(column);
        if (v == null || v.equals("null")) {
            return null;
        }
        if (v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
            // images of the shop tables hold no escapes in these columns
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    static long longValue(Map<String, String> values, String column, long whenNull) {
        String v = text(values, column);
        return v == null ? whenNull : Long.parseLong(v);
    }

    static BigDecimal decimal(Map<String, String> values, String column) {
        String v = text(values, column);
        return v == null ? BigDecimal.ZERO : new BigDecimal(v);
    }
}
