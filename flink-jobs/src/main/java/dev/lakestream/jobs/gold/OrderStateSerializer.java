package dev.lakestream.jobs.gold;

import dev.lakestream.jobs.state.Varints;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes an {@link OrderState} with variable-length integers: ids, quantities and cents are small
 * numbers, and a POJO serializer spends 9 bytes on each long (a null flag and 8 bytes) where they
 * need 1 to 3. One order is held once per order for as long as it lives, so this is gold's largest
 * state; the measurement is in the README (state).
 *
 * <pre>
 *  flags (present, cancelled) | storeId | customerId | createdAtMicros | lsn | line count
 *  then per line: line_no | quantity | unit price cents | discount cents        (all varints)
 * </pre>
 *
 * Signed values are zig-zag encoded, so -1 (no LSN yet) stays one byte. The format is this class's
 * snapshot version 1; a change of it needs a new version and a migration in the snapshot.
 */
public final class OrderStateSerializer extends TypeSerializerSingleton<OrderState> {

    private static final long serialVersionUID = 1L;
    public static final OrderStateSerializer INSTANCE = new OrderStateSerializer();

    private static final int PRESENT = 1;
    private static final int CANCELLED = 2;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public OrderState createInstance() {
        return new OrderState();
    }

    @Override
    public OrderState copy(OrderState from) {
        OrderState to = new OrderState();
        to.present = from.present;
        to.storeId = from.storeId;
        to.createdAtMicros = from.createdAtMicros;
        to.customerId = from.customerId;
        to.cancelled = from.cancelled;
        to.lsn = from.lsn;
        Map<Integer, OrderLine> lines = new HashMap<>();
        for (Map.Entry<Integer, OrderLine> line : from.lines.entrySet()) {
            OrderLine l = line.getValue();
            lines.put(line.getKey(), new OrderLine(l.quantity, l.unitPriceCents, l.discountCents));
        }
        to.lines = lines;
        return to;
    }

    @Override
    public OrderState copy(OrderState from, OrderState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(OrderState s, DataOutputView out) throws IOException {
        out.writeByte((s.present ? PRESENT : 0) | (s.cancelled ? CANCELLED : 0));
        Varints.writeSigned(s.storeId, out);
        Varints.writeSigned(s.customerId, out);
        Varints.writeSigned(s.createdAtMicros, out);
        Varints.writeSigned(s.lsn, out);
        Varints.writeUnsigned(s.lines.size(), out);
        for (Map.Entry<Integer, OrderLine> line : s.lines.entrySet()) {
            OrderLine l = line.getValue();
            Varints.writeSigned(line.getKey(), out);
            Varints.writeSigned(l.quantity, out);
            Varints.writeSigned(l.unitPriceCents, out);
            Varints.writeSigned(l.discountCents, out);
        }
    }

    @Override
    public OrderState deserialize(DataInputView in) throws IOException {
        OrderState s = new OrderState();
        int flags = in.readByte();
        s.present = (flags & PRESENT) != 0;
        s.cancelled = (flags & CANCELLED) != 0;
        s.storeId = Varints.readSigned(in);
        s.customerId = Varints.readSigned(in);
        s.createdAtMicros = Varints.readSigned(in);
        s.lsn = Varints.readSigned(in);
        int lines = (int) Varints.readUnsigned(in);
        s.lines = new HashMap<>(Math.max(4, lines * 2));
        for (int i = 0; i < lines; i++) {
            int lineNo = (int) Varints.readSigned(in);
            s.lines.put(
                    lineNo,
                    new OrderLine(
                            Varints.readSigned(in),
                            Varints.readSigned(in),
                            Varints.readSigned(in)));
        }
        return s;
    }

    @Override
    public OrderState deserialize(OrderState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<OrderState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores this serializer; its version is the format's. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<OrderState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
