package dev.lakestream.jobs.bronze;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;

/**
 * The Iceberg type of each column of a captured row, from the schema Debezium sends with it: what
 * bronze keeps in {@code after_types}, so that silver can follow an {@code ALTER TABLE} (a column
 * added, a type widened) without asking the database.
 *
 * <pre>
 *  Debezium / Kafka Connect schema             Iceberg type
 *  int8, int16, int32                          int
 *  int64                                       long
 *  float32 / float64                           float / double
 *  boolean                                     boolean
 *  string (text, varchar, uuid, enum...)       string
 *  Decimal (numeric(p,s))                      decimal(p,s)
 *  ZonedTimestamp (timestamptz)                timestamptz
 *  Date (date)                                 date
 *  anything else (timestamp without time zone, time, bytea, json, numeric without precision,
 *  arrays)                                     not listed: silver does not follow such a column
 * </pre>
 *
 * The text is one JSON object in the schema's column order. Debezium hands out one schema object
 * per table version, so callers cache the text by schema identity.
 */
public final class SourceTypes {

    private SourceTypes() {}

    /** The JSON object of column to Iceberg type for a row schema (a struct). */
    public static String of(Schema row) {
        StringBuilder json = new StringBuilder("{");
        for (Field field : row.fields()) {
            String type = icebergType(field.schema());
            if (type == null) {
                continue;
            }
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"')
                    .append(JsonStringEncoder.getInstance().quoteAsString(field.name()))
                    .append("\":\"")
                    .append(type)
                    .append('"');
        }
        return json.append('}').toString();
    }

    /** The Iceberg type (as {@code Type#toString} writes it) of a column, or null. */
    static String icebergType(Schema schema) {
        String logical = schema.name();
        if (logical != null) {
            switch (logical) {
                case "org.apache.kafka.connect.data.Decimal" -> {
                    Map<String, String> p = schema.parameters();
                    String scale = p == null ? null : p.get("scale");
                    String precision = p == null ? null : p.get("connect.decimal.precision");
                    return scale == null || precision == null
                            ? null
                            : "decimal(" + precision + "," + scale + ")";
                }
                case "io.debezium.time.ZonedTimestamp" -> {
                    return "timestamptz";
                }
                case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date" -> {
                    return "date";
                }
                case "io.debezium.data.Uuid", "io.debezium.data.Enum" -> {
                    return "string";
                }
                default -> {
                    return null; // times, timestamps without zone, json, variable-scale numeric
                }
            }
        }
        return switch (schema.type()) {
            case INT8, INT16, INT32 -> "int";
            case INT64 -> "long";
            case FLOAT32 -> "float";
            case FLOAT64 -> "double";
            case BOOLEAN -> "boolean";
            case STRING -> "string";
            default -> null;
        };
    }
}
