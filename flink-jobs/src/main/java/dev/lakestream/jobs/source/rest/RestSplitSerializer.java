package dev.lakestream.jobs.source.rest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Checkpoint format of a {@link RestSplit}. Version 1: name, kind, cursor, then the identities
 * (sorted, so the same state always writes the same bytes), strings as length-prefixed UTF-8.
 */
final class RestSplitSerializer implements SimpleVersionedSerializer<RestSplit> {

    public static final RestSplitSerializer INSTANCE = new RestSplitSerializer();

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(RestSplit split) throws IOException {
        ByteArrayOutputStream bytes =
                new ByteArrayOutputStream(64 + 32 * split.idsAtCursor().size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out, split);
        }
        return bytes.toByteArray();
    }

    @Override
    public RestSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown REST split state version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            return read(in);
        }
    }

    static void write(DataOutputStream out, RestSplit split) throws IOException {
        writeString(out, split.name());
        out.writeByte(split.kind().ordinal());
        out.writeLong(split.cursor());
        Set<String> ids = new TreeSet<>(split.idsAtCursor());
        out.writeInt(ids.size());
        for (String id : ids) {
            writeString(out, id);
        }
    }

    static RestSplit read(DataInputStream in) throws IOException {
        String name = readString(in);
        int kind = in.readByte();
        if (kind < 0 || kind >= CursorKind.values().length) {
            throw new IOException("unknown cursor kind " + kind + " in REST split state");
        }
        long cursor = in.readLong();
        int n = in.readInt();
        Set<String> ids = new HashSet<>(Math.max(4, n * 2));
        for (int i = 0; i < n; i++) {
            ids.add(readString(in));
        }
        return new RestSplit(name, CursorKind.values()[kind], cursor, ids);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (1 << 26)) {
            throw new IOException("corrupt REST split state: string of " + n + " bytes");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
