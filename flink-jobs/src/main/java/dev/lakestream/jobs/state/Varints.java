package dev.lakestream.jobs.state;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Variable-length integers for the compact state serializers: 7 bits a byte, small values in one
 * byte; signed values zig-zag encoded, so -1 is one byte too.
 */
public final class Varints {

    private Varints() {}

    public static void writeSigned(long v, DataOutputView out) throws IOException {
        writeUnsigned((v << 1) ^ (v >> 63), out);
    }

    public static long readSigned(DataInputView in) throws IOException {
        long u = readUnsigned(in);
        return (u >>> 1) ^ -(u & 1);
    }

    public static void writeUnsigned(long v, DataOutputView out) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    public static long readUnsigned(DataInputView in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("a varint of the state is longer than 64 bits");
    }
}
