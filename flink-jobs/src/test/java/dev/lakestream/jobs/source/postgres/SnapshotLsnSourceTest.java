package dev.lakestream.jobs.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.jobs.source.postgres.SnapshotLsnSource.SnapshotLsnEmitter;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class SnapshotLsnSourceTest {

    private static final Schema SOURCE =
            SchemaBuilder.struct()
                    .name("io.debezium.connector.postgresql.Source")
                    .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
                    .build();
    private static final Schema VALUE =
            SchemaBuilder.struct()
                    .field("op", Schema.STRING_SCHEMA)
                    .field("source", SOURCE)
                    .build();

    private static SourceRecord read(Long lsn) {
        Struct value =
                new Struct(VALUE).put("op", "r").put("source", new Struct(SOURCE).put("lsn", lsn));
        return new SourceRecord(null, null, "shop.orders", VALUE, value);
    }

    private static Object lsnOf(SourceRecord record) {
        return ((Struct) record.value()).getStruct("source").get("lsn");
    }

    @Test
    void snapshotReadWithoutPositionGetsTheChunkLowWatermark() {
        // what Flink CDC 3.5 emits for a snapshot row: lsn 0 (older versions: null)
        SourceRecord zero = read(0L);
        SourceRecord none = read(null);

        SnapshotLsnEmitter.stamp(zero, 5_000L);
        SnapshotLsnEmitter.stamp(none, 5_000L);

        assertThat(lsnOf(zero)).isEqualTo(5_000L);
        assertThat(lsnOf(none)).isEqualTo(5_000L);
    }

    @Test
    void rowRebuiltFromABackfilledChangeKeepsThatChangesLsn() {
        SourceRecord backfilled = read(5_120L);

        SnapshotLsnEmitter.stamp(backfilled, 5_000L);

        assertThat(lsnOf(backfilled)).isEqualTo(5_120L);
    }

    @Test
    void recordsWithoutASourceBlockAreLeftAlone() {
        Schema heartbeat = SchemaBuilder.struct().field("ts_ms", Schema.INT64_SCHEMA).build();
        SourceRecord record =
                new SourceRecord(
                        null,
                        null,
                        "__debezium-heartbeat",
                        heartbeat,
                        new Struct(heartbeat).put("ts_ms", 1L));

        SnapshotLsnEmitter.stamp(record, 5_000L);

        assertThat(((Struct) record.value()).get("ts_ms")).isEqualTo(1L);
    }
}
