package dev.lakestream.jobs.silver;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.lakestream.jobs.bronze.BronzeRow;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.RowData;

/**
 * Turns a bronze row (as the Iceberg source reads it back) into a {@link ChangeEvent}. Column
 * values stay JSON literal text exactly as bronze wrote them, so {@code 12.50} keeps its scale and
 * nothing is re-interpreted before silver's typed cleansing.
 *
 * <p>Streams the JSON with Jackson's parser: bronze images are flat objects, and a tree per row
 * would cost more than the row itself.
 */
public final class BronzeChangeParser implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * The value of {@link #MALFORMED_IMAGE} in a change whose image bronze holds but silver cannot
     * read: why. Silver's rules refuse such a change into quarantine ({@code
     * <entity>.image.format}) instead of failing the job on it, whatever it is: a text longer than
     * {@link #MAX_STRING_LENGTH}, json/jsonb nested deeper than {@link #MAX_NESTING_DEPTH}, a
     * number of more than {@link #MAX_NUMBER_LENGTH} digits, or text that is no JSON object at all.
     */
    public static final String MALFORMED_IMAGE = "_lakestream.malformed_image";

    /**
     * The value of {@link #TRUNCATED} in the change {@link LsnOrderedApplier} makes of a TRUNCATE
     * (bronze op {@code t}): what happened and what to do. Silver's rules refuse it into quarantine
     * ({@code <entity>.truncate}); silver and gold keep the table's rows.
     */
    public static final String TRUNCATED = "_lakestream.truncated";

    /** The longest text value silver reads (characters): Jackson's default, stated. */
    public static final int MAX_STRING_LENGTH = 20_000_000;

    /** The deepest json/jsonb nesting silver reads: Jackson's default, stated. */
    public static final int MAX_NESTING_DEPTH = 1000;

    /** The most digits of a number silver reads: Jackson's default, stated. */
    public static final int MAX_NUMBER_LENGTH = 1000;

    // a factory with a codec, so nested json/jsonb values can be read as trees
    private static final JsonFactory JSON =
            new com.fasterxml.jackson.databind.ObjectMapper().getFactory();

    static {
        JSON.setStreamReadConstraints(
                com.fasterxml.jackson.core.StreamReadConstraints.builder()
                        .maxStringLength(MAX_STRING_LENGTH)
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .build());
    }

    public ChangeEvent parse(RowData bronze) {
        String op = bronze.getString(BronzeRow.OP).toString();
        String table = bronze.getString(BronzeRow.SOURCE_TABLE).toString();
        if (RecordImages.isRecordTable(table)) {
            return parseRecord(bronze, op, table);
        }
        String key = bronze.getString(BronzeRow.KEY).toString();
        long lsn = bronze.getLong(BronzeRow.LSN);
        Map<String, String> values;
        try {
            values =
                    "d".equals(op) || bronze.isNullAt(BronzeRow.AFTER)
                            ? Map.of()
                            : flatObject(bronze.getString(BronzeRow.AFTER).toString(), table, key);
        } catch (IllegalArgumentException e) {
            // one unreadable image must not stop the job: silver refuses it into quarantine
            values = Map.of(MALFORMED_IMAGE, e.getMessage());
        }
        List<String> unavailable = new ArrayList<>();
        if (!bronze.isNullAt(BronzeRow.UNAVAILABLE_COLUMNS)) {
            ArrayData columns = bronze.getArray(BronzeRow.UNAVAILABLE_COLUMNS);
            for (int i = 0; i < columns.size(); i++) {
                unavailable.add(columns.getString(i).toString());
            }
        }
        return new ChangeEvent(table, key, op, lsn, values, unavailable);
    }

    /**
     * A record of the REST or file sources: its image coerced to silver's types and keyed by its
     * identity (see {@link RecordImages}); a record that is not a JSON object at all keeps an empty
     * image under its own key, so silver's rules refuse it instead of the job failing.
     */
    private static ChangeEvent parseRecord(RowData bronze, String op, String table) {
        String origin =
                bronze.isNullAt(BronzeRow.ORIGIN)
                        ? null
                        : bronze.getString(BronzeRow.ORIGIN).toString();
        long position =
                bronze.isNullAt(BronzeRow.ORIGIN_POSITION)
                        ? 0L
                        : bronze.getLong(BronzeRow.ORIGIN_POSITION);
        Map<String, String> values;
        try {
            values =
                    bronze.isNullAt(BronzeRow.AFTER)
                            ? Map.of()
                            : RecordImages.coerce(
                                    table,
                                    flatObject(
                                            bronze.getString(BronzeRow.AFTER).toString(),
                                            table,
                                            origin + "#" + position));
        } catch (IllegalArgumentException e) {
            values = Map.of();
        }
        String key = RecordImages.key(table, values, origin, position);
        return new ChangeEvent(table, key, op, bronze.getLong(BronzeRow.LSN), values, List.of());
    }

    /** Column name to JSON literal text, for a flat JSON object. */
    static Map<String, String> flatObject(String json, String table, String key) {
        Map<String, String> values = new LinkedHashMap<>();
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String column = parser.currentName();
                JsonToken token = parser.nextToken();
                values.put(
                        column,
                        switch (token) {
                            case VALUE_STRING -> quote(parser.getText());
                            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE ->
                                    parser.getText();
                            case VALUE_NULL -> "null";
                            default -> {
                                // nested json/jsonb columns: keep their text as a JSON string
                                String nested = parser.readValueAsTree().toString();
                                yield quote(nested);
                            }
                        });
            }
        } catch (IOException | IllegalStateException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "bronze row of "
                            + table
                            + " "
                            + key
                            + " has a malformed image: "
                            + e.getMessage(),
                    e);
        }
        return values;
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s, b);
        return b.append('"').toString();
    }
}
