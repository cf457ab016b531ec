package dev.lakestream.jobs.changelog;

import dev.lakestream.jobs.state.Varints;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Writes one column value of a change, whatever its type, as a tag byte and a compact payload:
 *
 * <pre>
 *  0 null
 *  1 text        Flink's StringValue encoding (no 64 KiB limit)
 *  2 long        zig-zag varint
 *  3 int         zig-zag varint
 *  4 decimal     scale (zig-zag varint), then the unscaled value: a varint when it fits a long
 *                (tag 4), else its two's-complement bytes (tag 5, length varint first)
 *  6 false, 7 true
 *  8 instant     epoch seconds (zig-zag varint), nanos (varint)
 *  9 date        epoch day (zig-zag varint)
 * 10 double      8 bytes; 11 float: 4 bytes
 * </pre>
 *
 * The values are the ones {@link JsonImages} reads from bronze (text, long, decimal, boolean) and
 * the ones silver's rules type them into (int, instant, date as well). Any other class is a bug and
 * fails loudly instead of falling back to Kryo. The format is snapshot version 1.
 */
public final class ColumnValueSerializer extends TypeSerializerSingleton<Object> {

    private static final long serialVersionUID = 1L;
    public static final ColumnValueSerializer INSTANCE = new ColumnValueSerializer();

    private static final int NULL = 0;
    private static final int TEXT = 1;
    private static final int LONG = 2;
    private static final int INT = 3;
    private static final int DECIMAL = 4;
    private static final int BIG_DECIMAL = 5;
    private static final int FALSE = 6;
    private static final int TRUE = 7;
    private static final int INSTANT = 8;
    private static final int DATE = 9;
    private static final int DOUBLE = 10;
    private static final int FLOAT = 11;

    @Override
    public boolean isImmutableType() {
        return true; // every value class it accepts is immutable
    }

    @Override
    public Object createInstance() {
        return null;
    }

    @Override
    public Object copy(Object from) {
        return from;
    }

    @Override
    public Object copy(Object from, Object reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Object value, DataOutputView out) throws IOException {
        if (value == null) {
            out.writeByte(NULL);
        } else if (value instanceof String s) {
            out.writeByte(TEXT);
            StringValue.writeString(s, out);
        } else if (value instanceof Long l) {
            out.writeByte(LONG);
            Varints.writeSigned(l, out);
        } else if (value instanceof Integer i) {
            out.writeByte(INT);
            Varints.writeSigned(i, out);
        } else if (value instanceof BigDecimal d) {
            BigInteger unscaled = d.unscaledValue();
            if (unscaled.bitLength() < 64) {
                out.writeByte(DECIMAL);
                Varints.writeSigned(d.scale(), out);
                Varints.writeSigned(unscaled.longValue(), out);
            } else {
                out.writeByte(BIG_DECIMAL);
                Varints.writeSigned(d.scale(), out);
                byte[] bytes = unscaled.toByteArray();
                Varints.writeUnsigned(bytes.length, out);
                out.write(bytes);
            }
        } else if (value instanceof Boolean b) {
            out.writeByte(b ? TRUE : FALSE);
        } else if (value instanceof Instant t) {
            out.writeByte(INSTANT);
            Varints.writeSigned(t.getEpochSecond(), out);
            Varints.writeUnsigned(t.getNano(), out);
        } else if (value instanceof LocalDate d) {
            out.writeByte(DATE);
            Varints.writeSigned(d.toEpochDay(), out);
        } else if (value instanceof Double d) {
            out.writeByte(DOUBLE);
            out.writeDouble(d);
        } else if (value instanceof Float f) {
            out.writeByte(FLOAT);
            out.writeFloat(f);
        } else {
            throw new IllegalArgumentException(
                    "a change holds a column value of class "
                            + value.getClass().getName()
                            + ", which the changelog does not carry");
        }
    }

    @Override
    public Object deserialize(DataInputView in) throws IOException {
        int tag = in.readByte();
        return switch (tag) {
            case NULL -> null;
            case TEXT -> StringValue.readString(in);
            case LONG -> Varints.readSigned(in);
            case INT -> (int) Varints.readSigned(in);
            case DECIMAL -> {
                int scale = (int) Varints.readSigned(in);
                yield BigDecimal.valueOf(Varints.readSigned(in), scale);
            }
            case BIG_DECIMAL -> {
                int scale = (int) Varints.readSigned(in);
                byte[] bytes = new byte[(int) Varints.readUnsigned(in)];
                in.readFully(bytes);
                yield new BigDecimal(new BigInteger(bytes), scale);
            }
            case FALSE -> Boolean.FALSE;
            case TRUE -> Boolean.TRUE;
            case INSTANT -> {
                long seconds = Varints.readSigned(in);
                yield Instant.ofEpochSecond(seconds, Varints.readUnsigned(in));
            }
            case DATE -> LocalDate.ofEpochDay(Varints.readSigned(in));
            case DOUBLE -> in.readDouble();
            case FLOAT -> in.readFloat();
            default -> throw new IOException("unknown column value tag " + tag);
        };
    }

    @Override
    public Object deserialize(Object reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<Object> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores {@link #INSTANCE}; version 1 is the format above. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Object> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
