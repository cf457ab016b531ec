package dev.lakestream.jobs.changelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Every value class a change carries survives the serializer exactly, scale and all. */
class ColumnValueSerializerTest {

    @Test
    void everyValueRoundTripsExactly() throws Exception {
        List<Object> values =
                Arrays.asList(
                        null,
                        "",
                        "caf\u00e9 \"best\" \ud83d\ude00",
                        "x".repeat(100_000),
                        0L,
                        -1L,
                        Long.MIN_VALUE,
                        Long.MAX_VALUE,
                        Integer.MIN_VALUE,
                        7,
                        new BigDecimal("12.50"),
                        new BigDecimal("-0.00"),
                        new BigDecimal("1E+999999999"),
                        new BigDecimal("9".repeat(200) + ".123"),
                        true,
                        false,
                        Instant.parse("1969-12-31T23:59:59.999999Z"),
                        Instant.parse("2026-11-29T15:00:00.000001Z"),
                        LocalDate.parse("2024-02-29"),
                        LocalDate.MIN,
                        1.5d,
                        -0.25f);
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (Object v : values) {
            ColumnValueSerializer.INSTANCE.serialize(v, out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (Object v : values) {
            Object back = ColumnValueSerializer.INSTANCE.deserialize(in);
            assertThat(back).isEqualTo(v);
            if (v != null) {
                assertThat(back).hasSameClassAs(v);
            }
        }
        assertThat(in.available()).isZero();
    }

    @Test
    void aPriceTakesFourBytes() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(16);
        ColumnValueSerializer.INSTANCE.serialize(new BigDecimal("12.50"), out);
        assertThat(out.length()).isEqualTo(4); // tag, scale, unscaled 1250 as a varint
    }

    @Test
    void aValueOfAnotherClassFailsLoudlyInsteadOfFallingBackToKryo() {
        assertThatThrownBy(
                        () ->
                                ColumnValueSerializer.INSTANCE.serialize(
                                        new java.math.BigInteger("1"), new DataOutputSerializer(8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.math.BigInteger");
    }

    @Test
    void theSnapshotRestoresTheSerializer() {
        assertThat(ColumnValueSerializer.INSTANCE.snapshotConfiguration().restoreSerializer())
                .isSameAs(ColumnValueSerializer.INSTANCE);
    }
}
