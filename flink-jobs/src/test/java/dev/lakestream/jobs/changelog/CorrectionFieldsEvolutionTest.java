package dev.lakestream.jobs.changelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;

/**
 * State written before the correction fields existed ({@link KeyState#correctedLsn}, {@link
 * KeyState#overrides}, {@link RowChange#overrides}) restores with the new types: Flink's POJO
 * schema evolution migrates it, the new fields at their defaults. As a savepoint does it: the old
 * serializer's snapshot and the old bytes, read back, resolved against the new type.
 */
class CorrectionFieldsEvolutionTest {

    private static final ExecutionConfig CONFIG = new ExecutionConfig();

    @Test
    void keyStateOfBeforeCorrectionsRestores() throws Exception {
        Map<String, TypeInformation<?>> fields = new HashMap<>(fields(KeyState.TYPE));
        fields.remove("correctedLsn");
        fields.remove("overrides");
        KeyState old = new KeyState();
        old.rowLsn = 10;
        old.values.put("status", "PAID");
        old.valueLsns.put("status", 10L);

        KeyState restored = restore(Types.POJO(KeyState.class, fields), KeyState.TYPE, old);

        assertThat(restored.rowLsn).isEqualTo(10);
        assertThat(restored.values).containsEntry("status", "PAID");
        assertThat(restored.correctedLsn).as("no correction applied yet").isEqualTo(-1);
        assertThat(restored.overrides).isNull();
    }

    @Test
    void rowChangeOfBeforeCorrectionsRestores() throws Exception {
        Map<String, TypeInformation<?>> fields = new HashMap<>(fields(RowChange.TYPE));
        fields.remove("overrides");
        RowChange old =
                new RowChange(RowKind.INSERT, "shop.orders", "{\"order_id\":1}", 10, Map.of())
                        .withSourceMillis(5);

        RowChange restored = restore(Types.POJO(RowChange.class, fields), RowChange.TYPE, old);

        assertThat(restored).isEqualTo(old);
        assertThat(restored.sourceMillis).isEqualTo(5);
        assertThat(restored.overrides).isNull();
    }

    private static Map<String, TypeInformation<?>> fields(TypeInformation<?> pojo) {
        org.apache.flink.api.java.typeutils.PojoTypeInfo<?> info =
                (org.apache.flink.api.java.typeutils.PojoTypeInfo<?>) pojo;
        Map<String, TypeInformation<?>> fields = new HashMap<>();
        for (int i = 0; i < info.getArity(); i++) {
            fields.put(info.getPojoFieldAt(i).getField().getName(), info.getTypeAt(i));
        }
        return fields;
    }

    private static <T> T restore(TypeInformation<T> oldType, TypeInformation<T> newType, T value)
            throws Exception {
        TypeSerializer<T> oldSerializer = oldType.createSerializer(CONFIG.getSerializerConfig());
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(
                out, oldSerializer.snapshotConfiguration());
        oldSerializer.serialize(value, out);

        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        TypeSerializerSnapshot<T> oldSnapshot =
                TypeSerializerSnapshotSerializationUtil.readSerializerSnapshot(
                        in, CorrectionFieldsEvolutionTest.class.getClassLoader());
        TypeSerializer<T> newSerializer = newType.createSerializer(CONFIG.getSerializerConfig());
        TypeSerializerSchemaCompatibility<T> compatibility =
                newSerializer.snapshotConfiguration().resolveSchemaCompatibility(oldSnapshot);
        assertThat(compatibility.isCompatibleAfterMigration())
                .as("restorable, migrated to the new fields: %s", compatibility)
                .isTrue();
        return oldSnapshot.restoreSerializer().deserialize(in);
    }
}
