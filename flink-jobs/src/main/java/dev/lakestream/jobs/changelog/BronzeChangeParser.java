package dev.lakestream.jobs.changelog;

import dev.lakestream.jobs.bronze.BronzeRow;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.RowData;

/**
 * Turns a bronze row (as the Iceberg source reads it back) into a {@link ChangeEvent}: the image's
 * JSON is read once into typed values by {@link JsonImages} ({@code 12.50} stays a decimal of scale
 * 2), and nothing downstream goes back to text. A correction re-injected from the quarantine (its
 * {@code origin} starts with {@link Corrections#ORIGIN_PREFIX}) is marked as one, with the rules it
 * overrides.
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

    /** The longest text value silver reads (characters). */
    public static final int MAX_STRING_LENGTH = JsonImages.MAX_STRING_LENGTH;

    /** The deepest json/jsonb nesting silver reads. */
    public static final int MAX_NESTING_DEPTH = JsonImages.MAX_NESTING_DEPTH;

    /** The most digits of a number silver reads. */
    public static final int MAX_NUMBER_LENGTH = JsonImages.MAX_NUMBER_LENGTH;

    public ChangeEvent parse(RowData bronze) {
        String op = bronze.getString(BronzeRow.OP).toString();
        String table = bronze.getString(BronzeRow.SOURCE_TABLE).toString();
        if (RecordImages.isRecordTable(table)) {
            ChangeEvent record = parseRecord(bronze, op, table);
            record.sourceMillis = BronzeRow.sourceMillis(bronze);
            return record;
        }
        String key = bronze.getString(BronzeRow.KEY).toString();
        long lsn = bronze.getLong(BronzeRow.LSN);
        Map<String, Object> values;
        try {
            values =
                    "d".equals(op) || bronze.isNullAt(BronzeRow.AFTER)
                            ? Map.of()
                            : JsonImages.parse(
                                    bronze.getString(BronzeRow.AFTER).toString(), table, key);
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
        ChangeEvent event = new ChangeEvent(table, key, op, lsn, values, unavailable);
        if (!bronze.isNullAt(BronzeRow.AFTER_TYPES)) {
            event.types = SchemaDrift.of(table, bronze.getString(BronzeRow.AFTER_TYPES).toString());
        }
        event.sourceMillis = BronzeRow.sourceMillis(bronze);
        if (!bronze.isNullAt(BronzeRow.ORIGIN)) {
            String origin = bronze.getString(BronzeRow.ORIGIN).toString();
            if (Corrections.isCorrection(origin)) {
                event.correction = true;
                event.overrides = Corrections.overrides(origin);
            }
        }
        return event;
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
        Map<String, Object> values;
        try {
            values =
                    bronze.isNullAt(BronzeRow.AFTER)
                            ? Map.of()
                            : RecordImages.coerce(
                                    table,
                                    JsonImages.parse(
                                            bronze.getString(BronzeRow.AFTER).toString(),
                                            table,
                                            origin + "#" + position));
        } catch (IllegalArgumentException e) {
            values = Map.of();
        }
        String key = RecordImages.key(table, values, origin, position);
        return new ChangeEvent(table, key, op, bronze.getLong(BronzeRow.LSN), values, List.of());
    }
}
