package dev.lakestream.local;

import static dev.lakestream.local.LocalStack.BUCKET;
import static dev.lakestream.local.LocalStack.CATALOG_DB;
import static dev.lakestream.local.LocalStack.GOLD_TOPIC;
import static dev.lakestream.local.LocalStack.SHOP_DB;

import dev.lakestream.catalog.S3Access;
import dev.lakestream.embedded.EmbeddedPostgresServer;
import dev.lakestream.embedded.KafkaBroker;
import dev.lakestream.embedded.S3ProxyServer;
import dev.lakestream.shop.ShopSchema;
import dev.lakestream.shop.feeds.ExchangeRateApi;
import dev.lakestream.shop.feeds.FeedSchema;
import dev.lakestream.shop.workload.WorkloadConfig;
import dev.lakestream.shop.workload.WorkloadGenerator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

/**
 * The services the local stack runs the jobs against, each in the data folder: PostgreSQL with the
 * shop (and the Iceberg catalog's database), S3Proxy, the Kafka broker with the gold topic, the
 * exchange-rate API and the feeds. {@link #close()} stops them in the reverse order of their
 * dependencies; the feeds stop earlier, on their own ({@link #closeFeeds()}).
 */
final class LocalServices implements AutoCloseable {

    private final LocalOptions options;
    private final Path data;
    private final PrintStream out;

    private EmbeddedPostgresServer postgres;
    private S3ProxyServer s3;
    private KafkaBroker kafka;
    private ExchangeRateApi ratesApi;
    private FeedSimulator feeds;

    LocalServices(LocalOptions options, Path data, PrintStream out) {
        this.options = options;
        this.data = data;
        this.out = out;
    }

    /**
     * Starts PostgreSQL (with the shop, seeded by {@code workload} when empty), S3Proxy, Kafka and
     * the exchange-rate API; shared by run and verify.
     */
    void start(WorkloadConfig workload) throws Exception {
        step("PostgreSQL (embedded, logical replication) in " + data.resolve("postgres"));
        postgres = EmbeddedPostgresServer.start(data.resolve("postgres"), 0);
        postgres.createDatabase(SHOP_DB);
        postgres.createDatabase(CATALOG_DB);
        try (Connection c = postgres.connect(SHOP_DB)) {
            ShopSchema.apply(c);
            ChangeLedger.install(c);
            FeedSchema.create(c);
            try (WorkloadGenerator seeder = new WorkloadGenerator(c, workload)) {
                if (seeder.seedReferenceData()) {
                    out.println("  seeded the shop: " + seeder.stats().summary());
                }
            }
        }
        out.println("  " + postgres.jdbcUrl(SHOP_DB) + " (user postgres, no password)");

        step("S3Proxy (S3-compatible store) in " + data.resolve("s3"));
        s3 = S3ProxyServer.start(data.resolve("s3"), 0, BUCKET);
        out.println("  " + s3.endpoint() + ", bucket " + BUCKET);
        startKafka();

        step("exchange-rate API (HTTP, paginated, over feeds.exchange_rates)");
        ratesApi = ExchangeRateApi.start(0, this::shopConnection, null);
        ratesApi.failures(options.apiErrors() / 2, options.apiErrors() / 2);
        out.println(
                "  "
                        + ratesApi.url()
                        + (options.apiErrors() > 0
                                ? " (answering " + options.apiErrors() * 100 + " % with 429/500)"
                                : ""));
    }

    /**
     * Starts the central bank and the door counters (see {@link FeedSimulator}), writing to the
     * landing folder with the S3 settings the jobs use.
     */
    void startFeeds(Map<String, String> jobSettings) throws Exception {
        S3Access access = S3Access.fromMap(jobSettings);
        software.amazon.awssdk.services.s3.S3Client client = access.newClient();
        feeds =
                new FeedSimulator(
                        this::shopConnection,
                        (key, content) ->
                                client.putObject(
                                        b -> b.bucket(BUCKET).key(key),
                                        software.amazon.awssdk.core.sync.RequestBody.fromString(
                                                content)),
                        options.seed(),
                        options.rateDelay());
        feeds.start(Duration.ofSeconds(5));
        step(
                "feeds (on the shop's clock): rates of its history published, each new date's"
                        + " rate "
                        + options.rateDelay().toSeconds()
                        + " s late; door-counter files land in s3://"
                        + BUCKET
                        + "/landing/foot_traffic/");
    }

    /** Starts the broker with the gold topic (alone, for {@code gold}). */
    void startKafka() {
        step("Kafka broker (KRaft) in " + data.resolve("kafka"));
        kafka = KafkaBroker.start(data.resolve("kafka"), 0);
        kafka.createTopic(
                GOLD_TOPIC, 2, Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0"));
        out.println("  " + kafka.bootstrapServers() + ", topic " + GOLD_TOPIC + " (compacted)");
    }

    EmbeddedPostgresServer postgres() {
        return postgres;
    }

    S3ProxyServer s3() {
        return s3;
    }

    /** The broker, or null before {@link #start} or {@link #startKafka()}. */
    KafkaBroker kafka() {
        return kafka;
    }

    ExchangeRateApi ratesApi() {
        return ratesApi;
    }

    FeedSimulator feeds() {
        return feeds;
    }

    Connection shopConnection() throws SQLException {
        return postgres.connect(SHOP_DB);
    }

    /** On a forced exit: asks PostgreSQL to stop, without waiting (see {@link #close()}). */
    void signalStop() {
        EmbeddedPostgresServer server = postgres;
        if (server != null) {
            server.signalStop();
        }
    }

    void closeFeeds() {
        if (feeds != null) {
            feeds.close();
        }
    }

    /** Stops the broker, the API, S3Proxy and PostgreSQL, in that order. */
    @Override
    public void close() {
        if (kafka != null) {
            kafka.close();
        }
        if (ratesApi != null) {
            ratesApi.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private void step(String what) {
        out.println("==> " + what);
    }
}
