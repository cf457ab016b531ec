package dev.lakestream.jobs.source.rest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Optional;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Checkpoint format of a {@link RestEnumeratorState}. Version 1: a flag, then the split. */
final class RestEnumeratorStateSerializer
        implements SimpleVersionedSerializer<RestEnumeratorState> {

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(RestEnumeratorState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeBoolean(state.unassigned().isPresent());
            if (state.unassigned().isPresent()) {
                RestSplitSerializer.write(out, state.unassigned().get());
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public RestEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown REST enumerator state version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            return new RestEnumeratorState(
                    in.readBoolean()
                            ? Optional.of(RestSplitSerializer.read(in))
                            : Optional.empty());
        }
    }
}
