package dev.lakestream.jobs.bronze;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;
import org.apache.kafka.connect.source.SourceRecord;

/** Plugs {@link BronzeRowMapper} into the Flink CDC source: one bronze row per change. */
public final class BronzeDeserializationSchema implements DebeziumDeserializationSchema<RowData> {

    private static final long serialVersionUID = 1L;

    private final BronzeRowMapper mapper;

    public BronzeDeserializationSchema(BronzeRowMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public void deserialize(SourceRecord record, Collector<RowData> out) {
        RowData row = mapper.map(record);
        if (row != null) {
            out.collect(row);
        }
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return BronzeRow.typeInfo();
    }
}
