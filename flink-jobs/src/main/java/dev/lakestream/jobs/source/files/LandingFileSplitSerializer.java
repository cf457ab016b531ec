package dev.lakestream.jobs.source.files;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/** Writes a {@link LandingFileSplit} into checkpoints, field by field (no Java serialisation). */
final class LandingFileSplitSerializer implements SimpleVersionedSerializer<LandingFileSplit> {

    public static final LandingFileSplitSerializer INSTANCE = new LandingFileSplitSerializer();
    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(LandingFileSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        write(split, out);
        return out.getCopyOfBuffer();
    }

    @Override
    public LandingFileSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("Unknown landing file split version " + version);
        }
        return read(new DataInputDeserializer(serialized));
    }

    static void write(LandingFileSplit split, DataOutputView out) throws IOException {
        LandingFile f = split.file();
        out.writeUTF(f.bucket());
        writeLongString(f.key(), out);
        out.writeLong(f.size());
        out.writeUTF(f.etag() == null ? "" : f.etag());
        out.writeLong(f.lastModifiedMillis());
        out.writeLong(split.offset());
        out.writeLong(split.nextLine());
        if (split.header() == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(split.header().size());
            for (String column : split.header()) {
                writeLongString(column, out);
            }
        }
    }

    static LandingFileSplit read(DataInputView in) throws IOException {
        String bucket = in.readUTF();
        String key = readLongString(in);
        long size = in.readLong();
        String etag = in.readUTF();
        long lastModified = in.readLong();
        long offset = in.readLong();
        long nextLine = in.readLong();
        int columns = in.readInt();
        List<String> header = null;
        if (columns >= 0) {
            header = new ArrayList<>(columns);
            for (int i = 0; i < columns; i++) {
                header.add(readLongString(in));
            }
        }
        return new LandingFileSplit(
                new LandingFile(bucket, key, size, etag.isEmpty() ? null : etag, lastModified),
                offset,
                nextLine,
                header);
    }

    // writeUTF stops at 64 KiB; a header line may be up to max-line-length long
    static void writeLongString(String s, DataOutputView out) throws IOException {
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static String readLongString(DataInputView in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
}
