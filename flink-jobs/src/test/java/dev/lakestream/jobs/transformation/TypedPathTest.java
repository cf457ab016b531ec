package dev.lakestream.jobs.transformation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.jobs.changelog.BronzeChangelog;
import dev.lakestream.jobs.changelog.ChangeEvent;
import dev.lakestream.jobs.changelog.JsonImages;
import dev.lakestream.jobs.changelog.RowChange;
import dev.lakestream.jobs.gold.GoldRecordSerializer;
import dev.lakestream.jobs.gold.GoldTopology;
import dev.lakestream.jobs.gold.SalesDailyMetrics;
import dev.lakestream.jobs.silver.SilverTopology;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/**
 * The transformation's own data path, changelog to gold, run on a local Flink with generic types
 * disabled: a record or state type of any stage that falls back to Kryo fails the job here. The
 * changes walk a price from bronze's JSON to the Kafka record, typed all the way.
 */
class TypedPathTest {

    @Test
    void changelogSilverAndGoldRunWithoutKryoAndAPriceArrivesExact() throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);

        List<ChangeEvent> events = new ArrayList<>();
        events.add(
                event(
                        "shop.stores",
                        "{\"store_id\":1}",
                        10,
                        "{\"store_id\":1,\"code\":\"NYC\",\"name\":\"Fifth\",\"region\":\"us-east\","
                                + "\"city\":\"New York\",\"country\":\"US\","
                                + "\"time_zone\":\"America/New_York\",\"currency\":\"USD\","
                                + "\"opened_on\":\"2019-03-01\",\"active\":true}"));
        events.add(
                event(
                        "shop.orders",
                        "{\"order_id\":42}",
                        20,
                        "{\"order_id\":42,\"store_id\":1,\"customer_id\":7,\"channel\":\"WEB\","
                                + "\"status\":\"PAID\",\"created_at\":\"2026-11-29T15:00:00.000001Z\","
                                + "\"updated_at\":\"2026-11-29T15:00:00Z\",\"note\":null}"));
        events.add(
                event(
                        "shop.order_lines",
                        "{\"order_id\":42,\"line_no\":1}",
                        20,
                        "{\"order_id\":42,\"line_no\":1,\"product_id\":3,\"quantity\":3,"
                                + "\"unit_price\":12.5,\"discount\":0.35}"));
        DataStream<ChangeEvent> bronze =
                env.fromData(ChangeEvent.TYPE, events.toArray(new ChangeEvent[0]));

        DataStream<RowChange> changelog = BronzeChangelog.inLsnOrder(bronze, Duration.ofDays(1));
        SingleOutputStreamOperator<RowChange> silver = SilverTopology.cleanse(changelog);
        GoldTopology.Gold gold = GoldTopology.salesDailyMetrics(silver, "USD");

        List<SalesDailyMetrics> published = new ArrayList<>();
        try (CloseableIterator<SalesDailyMetrics> it = gold.metrics().executeAndCollect()) {
            it.forEachRemaining(published::add);
        }

        SalesDailyMetrics last = published.get(published.size() - 1);
        assertThat(last.saleDate).isEqualTo("2026-11-29");
        assertThat(last.orderCount).isEqualTo(1);
        // 3 x 12.5 - 0.35: the price as PostgreSQL sent it, at silver's scale, never rounded
        assertThat(last.grossRevenue).isEqualTo(new BigDecimal("37.50"));
        assertThat(last.netRevenue).isEqualTo(new BigDecimal("37.15"));
        String record = new String(GoldRecordSerializer.value(last), StandardCharsets.UTF_8);
        assertThat(record).contains("\"gross_revenue\":37.50").contains("\"net_revenue\":37.15");
    }

    private static ChangeEvent event(String table, String key, long lsn, String json) {
        return new ChangeEvent(table, key, "c", lsn, JsonImages.parse(json, table, key), List.of());
    }
}
