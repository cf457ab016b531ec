package dev.lakestream.jobs.changelog;

import java.util.Map;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * The type of one column value of a change (see {@link ColumnValueSerializer}), so that images,
 * {@code Map<String, Object>}, are typed for Flink and never fall back to Kryo.
 */
public final class ColumnValueTypeInfo extends TypeInformation<Object> {

    private static final long serialVersionUID = 1L;

    public static final ColumnValueTypeInfo INSTANCE = new ColumnValueTypeInfo();

    /** A row image: column name to typed value (null allowed). */
    public static final TypeInformation<Map<String, Object>> IMAGE =
            Types.MAP(Types.STRING, INSTANCE);

    private ColumnValueTypeInfo() {}

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<Object> getTypeClass() {
        return Object.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<Object> createSerializer(SerializerConfig config) {
        return ColumnValueSerializer.INSTANCE;
    }

    @Override
    @Deprecated
    public TypeSerializer<Object> createSerializer(ExecutionConfig config) {
        return ColumnValueSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "ColumnValue";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ColumnValueTypeInfo;
    }

    @Override
    public int hashCode() {
        return ColumnValueTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof ColumnValueTypeInfo;
    }
}
