package dev.lakestream.jobs.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

/** The Iceberg types bronze records for the columns Debezium describes. */
class SourceTypesTest {

    @Test
    void debeziumSchemasBecomeIcebergTypesAndTheRestIsLeftOut() {
        Schema decimal =
                Decimal.builder(2).parameter("connect.decimal.precision", "12").optional().build();
        Schema row =
                SchemaBuilder.struct()
                        .field("id", Schema.INT64_SCHEMA)
                        .field("qty", Schema.INT32_SCHEMA)
                        .field("tier", Schema.OPTIONAL_INT16_SCHEMA)
                        .field("price", decimal)
                        .field("ratio", Schema.OPTIONAL_FLOAT64_SCHEMA)
                        .field("ok", Schema.BOOLEAN_SCHEMA)
                        .field("note", Schema.OPTIONAL_STRING_SCHEMA)
                        .field(
                                "at",
                                SchemaBuilder.string()
                                        .name("io.debezium.time.ZonedTimestamp")
                                        .build())
                        .field("day", SchemaBuilder.int32().name("io.debezium.time.Date").build())
                        .field(
                                "local",
                                SchemaBuilder.int64()
                                        .name("io.debezium.time.MicroTimestamp")
                                        .build())
                        .field("blob", Schema.OPTIONAL_BYTES_SCHEMA)
                        .field("na\"me", Schema.STRING_SCHEMA)
                        .build();

        assertThat(SourceTypes.of(row))
                .isEqualTo(
                        "{\"id\":\"long\",\"qty\":\"int\",\"tier\":\"int\","
                                + "\"price\":\"decimal(12,2)\",\"ratio\":\"double\","
                                + "\"ok\":\"boolean\",\"note\":\"string\",\"at\":\"timestamptz\","
                                + "\"day\":\"date\",\"na\\\"me\":\"string\"}");
    }
}
