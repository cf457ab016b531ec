package dev.lakestream.jobs.source.files;

import dev.lakestream.jobs.source.SourceRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * A sink that makes records visible only when the checkpoint holding them completes, like bronze's
 * Iceberg committer: the writer hands each checkpoint's records to the committer as one batch with
 * a unique id, and the committer stores it once (a batch re-committed after a restore is not stored
 * twice). What the test reads is therefore exactly what an exactly-once sink would hold.
 *
 * <p>The store is static: the MiniCluster runs in the test's JVM.
 */
final class CheckpointCommittedSink
        implements Sink<SourceRecord>, SupportsCommitter<CheckpointCommittedSink.Batch> {

    private static final Map<String, Map<String, List<SourceRecord>>> COMMITTED =
            new ConcurrentHashMap<>();

    private final String name;

    CheckpointCommittedSink(String name) {
        this.name = name;
        COMMITTED.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
    }

    /** Every record committed so far under {@code name}. */
    static List<SourceRecord> committed(String name) {
        List<SourceRecord> all = new ArrayList<>();
        COMMITTED.getOrDefault(name, Map.of()).values().forEach(all::addAll);
        return all;
    }

    /** The records of one checkpoint of one writer. */
    record Batch(String id, List<SourceRecord> records) {}

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<SourceRecord> createWriter(InitContext context) {
        return new Writer();
    }

    @Override
    public SinkWriter<SourceRecord> createWriter(WriterInitContext context) {
        return new Writer();
    }

    private static final class Writer implements CommittingSinkWriter<SourceRecord, Batch> {
        private List<SourceRecord> buffer = new ArrayList<>();

        @Override
        public void write(SourceRecord record, Context context) {
            buffer.add(record);
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public Collection<Batch> prepareCommit() {
            if (buffer.isEmpty()) {
                return List.of();
            }
            Batch batch = new Batch(UUID.randomUUID().toString(), buffer);
            buffer = new ArrayList<>();
            return List.of(batch);
        }

        @Override
        public void close() {}
    }

    @Override
    public Committer<Batch> createCommitter(CommitterInitContext context) {
        String target = name;
        return new Committer<>() {
            @Override
            public void commit(Collection<CommitRequest<Batch>> requests) {
                Map<String, List<SourceRecord>> store = COMMITTED.get(target);
                for (CommitRequest<Batch> request : requests) {
                    Batch batch = request.getCommittable();
                    store.putIfAbsent(batch.id(), batch.records());
                }
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public SimpleVersionedSerializer<Batch> getCommittableSerializer() {
        return new BatchSerializer();
    }

    private static final class BatchSerializer implements SimpleVersionedSerializer<Batch> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Batch batch) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(4096);
            out.writeUTF(batch.id());
            out.writeInt(batch.records().size());
            for (SourceRecord r : batch.records()) {
                out.writeUTF(r.source());
                out.writeUTF(r.dataset());
                out.writeUTF(r.origin());
                out.writeLong(r.position());
                out.writeLong(r.sequence());
                out.writeLong(r.sourceTimeMillis());
                LandingFileSplitSerializer.writeLongString(r.payload(), out);
                out.writeBoolean(r.rejectReason() != null);
                if (r.rejectReason() != null) {
                    out.writeUTF(r.rejectReason());
                }
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public Batch deserialize(int version, byte[] serialized) throws IOException {
            DataInputDeserializer in = new DataInputDeserializer(serialized);
            String id = in.readUTF();
            int n = in.readInt();
            List<SourceRecord> records = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                records.add(
                        new SourceRecord(
                                in.readUTF(),
                                in.readUTF(),
                                in.readUTF(),
                                in.readLong(),
                                in.readLong(),
                                in.readLong(),
                                LandingFileSplitSerializer.readLongString(in),
                                in.readBoolean() ? in.readUTF() : null));
            }
            return new Batch(id, records);
        }
    }
}
