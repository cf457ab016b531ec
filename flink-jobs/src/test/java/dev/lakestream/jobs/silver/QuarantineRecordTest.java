package dev.lakestream.jobs.silver;

import static dev.lakestream.jobs.silver.SilverFixtures.CUSTOMERS;
import static dev.lakestream.jobs.silver.SilverFixtures.LSN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakestream.catalog.QuarantineTables;
import dev.lakestream.jobs.changelog.RowChange;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.RowKind;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.junit.jupiter.api.Test;

class QuarantineRecordTest {

    private static final Instant REJECTED_AT = Instant.parse("2024-05-02T08:00:00.5Z");

    private static CleansingResult.Rejected rejectedEmail() {
        RowChange in =
                SilverFixtures.change(
                        RowKind.UPDATE_AFTER,
                        CUSTOMERS,
                        "email",
                        "\"  Not An Email \"",
                        "full_name",
                        "\"Zoë \\\"Z\\\" O'Neil\"");
        CleansingResult result = new EntityRules().apply(in);
        assertThat(result).isInstanceOf(CleansingResult.Rejected.class);
        return (CleansingResult.Rejected) result;
    }

    @Test
    void aRejectionBecomesARecordOfTheChangeAsItArrived() throws Exception {
        QuarantineRecord record = QuarantineRecord.of(rejectedEmail(), REJECTED_AT);

        assertThat(record.sourceTable()).isEqualTo("shop.customers");
        assertThat(record.key()).isEqualTo("{\"customer_id\":7}");
        assertThat(record.lsn()).isEqualTo(LSN);
        assertThat(record.kind()).isEqualTo("+U");
        assertThat(record.rule()).isEqualTo("customers.email.format");
        assertThat(record.reason()).contains("\"  Not An Email \"");
        assertThat(record.rejectedAt()).isEqualTo(REJECTED_AT);

        // raw is the original image, not the normalised one, and valid JSON
        JsonNode raw = new ObjectMapper().readTree(record.raw());
        assertThat(raw.get("email").asText()).isEqualTo("  Not An Email ");
        assertThat(raw.get("full_name").asText()).isEqualTo("Zoë \"Z\" O'Neil");
        assertThat(raw.get("loyalty_tier").asInt()).isEqualTo(2);
        assertThat(raw.get("created_at").asText()).isEqualTo("2023-01-02T03:04:05.123456Z");
        assertThat(raw.size()).isEqualTo(SilverFixtures.good(CUSTOMERS).size());
    }

    @Test
    void rawListsColumnsInNameOrderSoEqualImagesGiveEqualText() {
        RowChange in =
                new RowChange(
                        RowKind.INSERT,
                        CUSTOMERS,
                        "{\"customer_id\":7}",
                        1,
                        SilverFixtures.values(Map.of("b", "1", "a", "null", "c", "\"x\"")));

        QuarantineRecord record =
                QuarantineRecord.of(
                        in, new Rejection("customers.email.required", "r"), REJECTED_AT);

        assertThat(record.raw()).isEqualTo("{\"a\":null,\"b\":1,\"c\":\"x\"}");
    }

    @Test
    void rowDataFollowsTheQuarantineTable() throws Exception {
        QuarantineRecord record = QuarantineRecord.of(rejectedEmail(), REJECTED_AT);
        RowType type = FlinkSchemaUtil.convert(QuarantineTables.SILVER_REJECTS_SCHEMA);

        RowData row = record.toRowData();

        assertThat(QuarantineRecord.ROW_TYPE).isEqualTo(type);
        assertThat(row.getRowKind()).isEqualTo(RowKind.INSERT);
        assertThat(row.getArity()).isEqualTo(type.getFieldCount());
        assertThat(row.getString(type.getFieldIndex("source_table")).toString())
                .isEqualTo("shop.customers");
        assertThat(row.getString(type.getFieldIndex("key")).toString())
                .isEqualTo("{\"customer_id\":7}");
        assertThat(row.getLong(type.getFieldIndex("lsn"))).isEqualTo(LSN);
        assertThat(row.getString(type.getFieldIndex("kind")).toString()).isEqualTo("+U");
        assertThat(row.getString(type.getFieldIndex("rule")).toString())
                .isEqualTo("customers.email.format");
        assertThat(row.getString(type.getFieldIndex("reason")).toString())
                .isEqualTo(record.reason());
        assertThat(row.getString(type.getFieldIndex("raw")).toString()).isEqualTo(record.raw());
        assertThat(row.getTimestamp(type.getFieldIndex("rejected_at"), 6).toInstant())
                .isEqualTo(REJECTED_AT);

        // the types are right if Flink's serializer for the table type takes the row
        RowDataSerializer serializer = new RowDataSerializer(type);
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(row, out);
        assertThat(serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())))
                .isEqualTo(serializer.toBinaryRow(row));
    }
}
