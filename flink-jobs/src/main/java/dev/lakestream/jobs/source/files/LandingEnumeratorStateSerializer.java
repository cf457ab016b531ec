package dev.lakestream.jobs.source.files;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/** Writes the enumerator's {@link LandingEnumeratorState} into checkpoints, field by field. */
final class LandingEnumeratorStateSerializer
        implements SimpleVersionedSerializer<LandingEnumeratorState> {

    public static final LandingEnumeratorStateSerializer INSTANCE =
            new LandingEnumeratorStateSerializer();
    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(LandingEnumeratorState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        out.writeLong(state.watermarkMillis());
        out.writeInt(state.taken().size());
        for (Map.Entry<String, Long> e : state.taken().entrySet()) {
            LandingFileSplitSerializer.writeLongString(e.getKey(), out);
            out.writeLong(e.getValue());
        }
        out.writeInt(state.pending().size());
        for (LandingFileSplit split : state.pending()) {
            LandingFileSplitSerializer.write(split, out);
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public LandingEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("Unknown landing enumerator state version " + version);
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        long watermark = in.readLong();
        int takenCount = in.readInt();
        Map<String, Long> taken = new HashMap<>(takenCount * 2);
        for (int i = 0; i < takenCount; i++) {
            taken.put(LandingFileSplitSerializer.readLongString(in), in.readLong());
        }
        int pendingCount = in.readInt();
        List<LandingFileSplit> pending = new ArrayList<>(pendingCount);
        for (int i = 0; i < pendingCount; i++) {
            pending.add(LandingFileSplitSerializer.read(in));
        }
        return new LandingEnumeratorState(watermark, taken, pending);
    }
}
