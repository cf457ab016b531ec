package dev.lakestream.local.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.embedded.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;

/**
 * The KPI page's behaviour in a real browser, against a real Kafka broker with gold-shaped records
 * written in Kafka transactions, as the transformation job writes them: what the page shows, how
 * updates, deletes and aborted transactions reach it, and that it works by keyboard. (That an order
 * committed in PostgreSQL reaches the page through the jobs is {@code LocalStackITCase}'s part: it
 * runs the whole stack.)
 */
class KpiPageITCase {

    private static final String TOPIC = "lakestream.gold.sales_daily_metrics";
    private static final Duration UPDATE = Duration.ofSeconds(30);

    private static KafkaBroker kafka;
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void broker() throws Exception {
        HeadlessChromium.assumeInstalled();
        kafka = KafkaBroker.start(Files.createTempDirectory("kpi-page-kafka"), 0);
        kafka.createTopic(TOPIC, 2, Map.of("cleanup.policy", "compact"));
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", kafka.bootstrapServers());
        p.setProperty("transactional.id", "kpi-page-it");
        producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        producer.initTransactions();
    }

    @AfterAll
    static void stopBroker() {
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void showsTheNewestDayPerStoreAndFollowsUpdatesDeletesAndOnlyCommittedRecords()
            throws Exception {
        committed(
                gold("2025-03-04", 1, 100, 10, "200.00", "184.00", 400),
                gold("2025-03-04", 2, 100, 4, "90.50", null, null),
                gold("2025-03-05", 1, 200, 3, "60.00", "55.20", 120),
                gold("2025-03-05", 2, 200, 2, "41.00", null, null),
                gold("2025-03-05", 3, 200, 5, "120.00", "110.40", null));

        try (KpiPage page = KpiPage.start(kafka.bootstrapServers(), TOPIC, 0);
                HeadlessChromium chromium = HeadlessChromium.start(1280, 800)) {
            KpiPageView view = new KpiPageView(chromium.driver(), page.address());

            await().atMost(UPDATE).until(() -> view.stores().size() == 3);
            assertThat(view.day()).as("the newest day present").isEqualTo("2025-03-05");
            assertThat(view.stores()).containsExactly(1L, 2L, 3L);
            assertThat(view.cell(1, "order_count")).isEqualTo("3");
            assertThat(view.cell(1, "net_revenue")).isEqualTo("$60.00");
            assertThat(view.cell(1, "net_revenue_reporting")).isEqualTo("€55.20");
            assertThat(view.cell(1, "visitors")).isEqualTo("120");
            assertThat(view.cell(1, "conversion_rate")).isEqualTo("2.50 %");
            assertThat(view.cell(2, "net_revenue_reporting"))
                    .as("no exchange rate yet")
                    .isEqualTo("— pending");
            assertThat(view.cell(3, "visitors")).isEqualTo("— pending");
            assertThat(view.caption()).contains("2025-03-05");
            assertThat(view.chartBars()).as("30 days up to the newest").isEqualTo(30);
            await().atMost(UPDATE).until(() -> view.freshness().matches("Gold as of \\d+ s ago.*"));

            // a newer version of a row, then an older one that arrives late
            committed(gold("2025-03-05", 1, 300, 4, "75.00", "69.00", 120));
            await().atMost(UPDATE).until(() -> view.cell(1, "order_count").equals("4"));
            committed(gold("2025-03-05", 1, 250, 99, "1.00", "1.00", 120));

            // an aborted transaction never shows; the committed one after it does
            producer.beginTransaction();
            producer.send(record(gold("2025-03-05", 2, 900, 77, "1.00", "1.00", 1)));
            producer.flush();
            producer.abortTransaction();
            committed(gold("2025-03-05", 3, 300, 6, "130.00", "119.60", 300));
            await().atMost(UPDATE).until(() -> view.cell(3, "order_count").equals("6"));
            assertThat(view.cell(2, "order_count")).isEqualTo("2");
            assertThat(view.cell(1, "order_count")).as("version 250 after 300").isEqualTo("4");

            // a delete marker: the store has no sales that day any more
            committed(deleteMarker("2025-03-05", 2, 400));
            await().atMost(UPDATE).until(() -> view.cell(2, "net_revenue").isEmpty());
            assertThat(view.stores()).as("the store stays listed").contains(2L);
            assertThat(view.cell(2, "order_count")).isEqualTo("0");

            // by keyboard: Tab reaches the day selector, the arrow key picks the day before
            new Actions(chromium.driver()).sendKeys(Keys.TAB).perform();
            assertThat(view.focused()).isEqualTo("day");
            new Actions(chromium.driver()).sendKeys(Keys.ARROW_DOWN).perform();
            await().atMost(Duration.ofSeconds(5)).until(() -> view.day().equals("2025-03-04"));
            assertThat(view.cell(1, "order_count")).isEqualTo("10");
            assertThat(view.cell(3, "order_count")).isEqualTo("0");

            chromium.fullPageScreenshot(Path.of("target", "kpi-page-itcase.png"));
        }
    }

    private static void committed(String... values) {
        producer.beginTransaction();
        for (String v : values) {
            producer.send(record(v));
        }
        producer.commitTransaction();
    }

    private static ProducerRecord<String, String> record(String value) {
        String date = value.replaceAll(".*\"sale_date\":\"([^\"]+)\".*", "$1");
        String store = value.replaceAll(".*\"store_id\":(\\d+).*", "$1");
        return new ProducerRecord<>(
                TOPIC, "{\"sale_date\":\"" + date + "\",\"store_id\":" + store + "}", value);
    }

    /** A gold value as {@code GoldRecordSerializer} writes it (fields the page reads). */
    private static String gold(
            String date,
            long store,
            long version,
            long orders,
            String net,
            String netReporting,
            Integer visitors) {
        String conversion =
                visitors == null
                        ? "null"
                        : String.format(Locale.ROOT, "%.4f", orders / (double) visitors);
        return ("{'sale_date':'%s','store_id':%d,'currency':'USD','order_count':%d,"
                        + "'net_revenue':%s,'reporting_currency':'EUR','net_revenue_reporting':%s,"
                        + "'visitors':%s,'conversion_rate':%s,"
                        + "'decimals':{'net_revenue':'%s','net_revenue_reporting':%s,"
                        + "'conversion_rate':%s},'version':%d,'deleted':false}")
                .formatted(
                        date,
                        store,
                        orders,
                        net,
                        netReporting,
                        visitors,
                        conversion,
                        net,
                        netReporting == null ? "null" : "'" + netReporting + "'",
                        visitors == null ? "null" : "'" + conversion + "'",
                        version)
                .replace('\'', '"');
    }

    private static String deleteMarker(String date, long store, long version) {
        return ("{'sale_date':'%s','store_id':%d,'version':%d,'deleted':true}")
                .formatted(date, store, version)
                .replace('\'', '"');
    }
}
