package dev.lakestream.jobs.gold;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.jobs.changelog.KeyState;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.CompositeType;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.api.java.typeutils.MapTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

/**
 * Gold's keyed state, typed and without Kryo, and what it costs: N realistic states serialised with
 * the serializers Flink uses for them, before (text) and after (typed), printed as bytes per state.
 * The printed numbers are in the README (state); the assertions keep the typed form the smaller.
 */
class StateSizeTest {

    private static final int N = 10_000;

    @Test
    void stateTypesAreFlinkPojosWithoutKryo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(OrderLine.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(SalesDailyMetrics.class);
        // classes with map fields are POJOs through their explicit type information only
        for (TypeInformation<?> type : List.of(OrderState.TYPE, KeyState.TYPE)) {
            assertThat(type).isInstanceOf(PojoTypeInfo.class);
            assertNoGenericType(type, type.toString());
        }
    }

    @Test
    void theOrderStateSerializerRoundTripsEveryField() throws Exception {
        OrderState s = new OrderState();
        s.present = true;
        s.cancelled = true;
        s.storeId = 7;
        s.customerId = 0;
        s.createdAtMicros =
                OrderContributions.epochMicros(Instant.parse("1969-12-31T23:59:59.999999Z"));
        s.lsn = -1;
        s.lines.put(1, new OrderLine(3, 123_456_789_012L, 0));
        s.lines.put(-2, new OrderLine(-1, Long.MAX_VALUE, Long.MIN_VALUE));
        DataOutputSerializer out = new DataOutputSerializer(64);
        OrderStateSerializer.INSTANCE.serialize(s, out);
        OrderState back =
                OrderStateSerializer.INSTANCE.deserialize(
                        new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back).usingRecursiveComparison().isEqualTo(s);
        assertThat(OrderStateSerializer.INSTANCE.copy(s)).usingRecursiveComparison().isEqualTo(s);
        assertThat(OrderStateSerializer.INSTANCE.snapshotConfiguration().restoreSerializer())
                .isSameAs(OrderStateSerializer.INSTANCE);
    }

    private static void assertNoGenericType(TypeInformation<?> type, String path) {
        assertThat(type).as("%s falls back to Kryo", path).isNotInstanceOf(GenericTypeInfo.class);
        if (type instanceof CompositeType<?> composite) {
            for (int i = 0; i < composite.getArity(); i++) {
                assertNoGenericType(composite.getTypeAt(i), path + "/" + i);
            }
        } else if (type instanceof MapTypeInfo<?, ?> map) {
            assertNoGenericType(map.getKeyTypeInfo(), path + "/key");
            assertNoGenericType(map.getValueTypeInfo(), path + "/value");
        } else if (type instanceof ListTypeInfo<?> list) {
            assertNoGenericType(list.getElementTypeInfo(), path + "/element");
        }
    }

    @Test
    void aLiveOrderTakesFewerBytesTypedThanAsText() throws Exception {
        Random random = new Random(11);
        long text = 0;
        long typed = 0;
        long varints = 0;
        TypeSerializer<TextOrderState> before = serializer(TextOrderState.TYPE);
        TypeSerializer<OrderState> after = serializer(OrderState.TYPE);
        for (int i = 0; i < N; i++) {
            int lines = 1 + random.nextInt(5);
            TextOrderState t = new TextOrderState();
            OrderState s = new OrderState();
            t.present = s.present = true;
            t.storeId = s.storeId = 1 + random.nextInt(50);
            t.customerId = s.customerId = 1 + random.nextInt(100_000);
            t.createdAt = "2026-11-29T10:15:42." + (100_000 + random.nextInt(900_000)) + "Z";
            s.createdAtMicros = OrderContributions.epochMicros(Instant.parse(t.createdAt));
            t.status = random.nextInt(10) == 0 ? "CANCELLED" : "PAID";
            s.cancelled = t.status.equals("CANCELLED");
            for (int line = 1; line <= lines; line++) {
                long quantity = 1 + random.nextInt(4);
                BigDecimal price = BigDecimal.valueOf(99 + random.nextInt(20_000), 2);
                BigDecimal discount =
                        random.nextBoolean() ? new BigDecimal("0.00") : new BigDecimal("1.50");
                t.lines.put(Integer.toString(line), quantity + ";" + price + ";" + discount);
                s.lines.put(
                        line,
                        new OrderLine(
                                quantity,
                                OrderContributions.cents(price),
                                OrderContributions.cents(discount)));
            }
            t.lsn = s.lsn = 40_000_000L + i * 512L;
            text += bytes(before, t);
            typed += bytes(after, s);
            varints += bytes(OrderStateSerializer.INSTANCE, s);
        }
        System.out.printf(
                "gold order state, %d orders of 1-5 lines: text POJO %.1f bytes/order, typed POJO"
                        + " %.1f bytes/order, typed with OrderStateSerializer %.1f bytes/order%n",
                N, (double) text / N, (double) typed / N, (double) varints / N);
        assertThat(varints).isLessThan(text / 2);
    }

    @Test
    void aDailyGroupAndADeletedKeyTakeFewerBytesThanBefore() throws Exception {
        TypeSerializer<SalesDailyMetrics> metrics = serializer(SalesDailyMetrics.TYPE);
        TypeSerializer<Long> version = serializer(Types.LONG);
        TypeSerializer<KeyState> keyState = serializer(KeyState.TYPE);
        SalesDailyMetrics m = new SalesDailyMetrics();
        m.saleDate = "2026-11-29";
        m.storeId = 17;
        m.currency = "EUR";
        m.orderCount = 412;
        m.cancelledOrderCount = 9;
        m.itemsSold = 1030;
        m.distinctCustomers = 390;
        m.grossRevenue = new BigDecimal("25432.10");
        m.discounts = new BigDecimal("312.50");
        m.netRevenue = new BigDecimal("25119.60");
        m.avgOrderValue = new BigDecimal("60.97");
        m.version = 41_234_567_890L;
        m.updatedAt = "2026-11-29T18:00:01.123Z";
        // a live group's metrics are held by four operators (gold-daily-metrics,
        // gold-daily-visitors, gold-reporting-currency, gold-final-state-per-checkpoint);
        // gold-daily-metrics held a separate version state next to them before
        long metricsBytes = bytes(metrics, m);
        long groupBefore = 4 * metricsBytes + bytes(version, m.version);
        long groupAfter = 4 * metricsBytes;
        // deleted group: version (and published tombstone) forever, now 8 bytes + TTL stamp
        SalesDailyMetrics tombstone = new SalesDailyMetrics();
        tombstone.saleDate = m.saleDate;
        tombstone.storeId = m.storeId;
        tombstone.version = m.version;
        tombstone.deleted = true;
        long deletedGroupBefore = bytes(version, m.version) + bytes(metrics, tombstone);
        long deletedGroupAfter = 2 * (bytes(version, m.version) + 8);
        // deleted silver row: KeyState forever, now its LSN + TTL stamp until the horizon
        KeyState deleted = new KeyState();
        deleted.rowLsn = 41_234_567_890L;
        deleted.deleted = true;
        long deletedRowBefore = bytes(keyState, deleted);
        long deletedRowAfter = bytes(version, deleted.rowLsn) + 8;
        System.out.printf(
                "live (day, store) group: metrics %d bytes, held 4 times: %d -> %d bytes; deleted group: %d bytes forever -> %d"
                        + " bytes for the horizon; deleted silver row: %d bytes forever -> %d"
                        + " bytes for the horizon%n",
                metricsBytes,
                groupBefore,
                groupAfter,
                deletedGroupBefore,
                deletedGroupAfter,
                deletedRowBefore,
                deletedRowAfter);
        assertThat(groupAfter).isLessThan(groupBefore);
    }

    private static <T> TypeSerializer<T> serializer(TypeInformation<T> type) {
        return type.createSerializer(new ExecutionConfig().getSerializerConfig());
    }

    private static <T> long bytes(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        return out.length();
    }

    /** The order state as it was kept before: lines as "quantity;unit_price;discount" text. */
    public static class TextOrderState {
        public boolean present;
        public long storeId;
        public String createdAt;
        public long customerId;
        public String status;
        public Map<String, String> lines = new HashMap<>();
        public long lsn = -1;

        static final TypeInformation<TextOrderState> TYPE =
                Types.POJO(
                        TextOrderState.class,
                        Map.of(
                                "present", Types.BOOLEAN,
                                "storeId", Types.LONG,
                                "createdAt", Types.STRING,
                                "customerId", Types.LONG,
                                "status", Types.STRING,
                                "lines", Types.MAP(Types.STRING, Types.STRING),
                                "lsn", Types.LONG));

        public TextOrderState() {}
    }
}
