package dev.lakestream.jobs.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.junit.jupiter.api.Test;

/** Bronze rows travel between operators with Flink's RowData serializer, never Kryo. */
class BronzeRowSerializationTest {

    @Test
    void bronzeRowsUseTheRowDataSerializer() {
        TypeSerializer<RowData> serializer =
                BronzeRow.typeInfo().createSerializer(new ExecutionConfig().getSerializerConfig());
        assertThat(serializer).isInstanceOf(RowDataSerializer.class);
        assertThat(BronzeRow.ROW_TYPE.getFieldCount()).isEqualTo(BronzeRow.ARITY);
        assertThat(BronzeRow.ROW_TYPE.getFieldNames().get(BronzeRow.LSN)).isEqualTo("lsn");
        assertThat(BronzeRow.ROW_TYPE.getFieldNames().get(BronzeRow.UNAVAILABLE_COLUMNS))
                .isEqualTo("unavailable_columns");
        assertThat(BronzeRow.ROW_TYPE.getFieldNames().get(BronzeRow.AFTER)).isEqualTo("after");
    }
}
