package dev.lakestream.local;

import static dev.lakestream.local.LocalStack.BUCKET;
import static dev.lakestream.local.LocalStack.CATALOG_DB;
import static dev.lakestream.local.LocalStack.GOLD_TOPIC;
import static dev.lakestream.local.LocalStack.SHOP_DB;
import static dev.lakestream.local.LocalStack.SLOT;

import dev.lakestream.embedded.EmbeddedPostgresServer;
import dev.lakestream.embedded.S3ProxyServer;
import dev.lakestream.shop.ShopSchema;
import dev.lakestream.shop.workload.WorkloadConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;

/**
 * What the local stack configures: the jobs' settings (the same keys a production deployment sets,
 * pointing at the local services and the data folder), the MiniCluster and the workload.
 */
final class LocalJobSettings {

    private LocalJobSettings() {}

    /** The generator's workload: the stack's seed and rate. */
    static WorkloadConfig workload(LocalOptions options) {
        return WorkloadConfig.builder()
                .seed(options.seed())
                .rate(options.rate())
                .progressInterval(Duration.ofMinutes(1))
                .build();
    }

    /** The TransformationJob's configuration: the same keys a production deployment sets. */
    static Map<String, String> transformation(
            LocalOptions options, Path data, LocalServices services) {
        Map<String, String> s = new HashMap<>();
        ingestion(options, data, services)
                .forEach(
                        (k, v) -> {
                            if (!k.startsWith("source.")) {
                                s.put(k, v);
                            }
                        });
        s.put("job.name", "lakestream-transformation");
        s.put(
                "execution.checkpointing.dir",
                data.resolve("checkpoints-transformation").toUri().toString());
        s.put(
                "execution.checkpointing.savepoint-dir",
                data.resolve("savepoints-transformation").toUri().toString());
        s.put("bronze.monitor-interval", "2s");
        s.put("gold.kafka.bootstrap-servers", services.kafka().bootstrapServers());
        s.put("gold.kafka.topic", GOLD_TOPIC);
        s.put("gold.kafka.transactional-id-prefix", "lakestream-local-transformation");
        return s;
    }

    /** The IngestionJob's configuration: the same keys a production deployment sets. */
    static Map<String, String> ingestion(LocalOptions options, Path data, LocalServices services) {
        EmbeddedPostgresServer postgres = services.postgres();
        S3ProxyServer s3 = services.s3();
        Map<String, String> s = new HashMap<>();
        s.put("job.name", "lakestream-ingestion");
        s.put("source.postgres.hostname", postgres.host());
        s.put("source.postgres.port", Integer.toString(postgres.port()));
        s.put("source.postgres.database", SHOP_DB);
        s.put("source.postgres.username", EmbeddedPostgresServer.SUPERUSER);
        s.put("source.postgres.tables", String.join(",", ShopSchema.TABLES));
        s.put("source.postgres.slot-name", SLOT);
        s.put("source.postgres.heartbeat-interval", "5s");
        s.put("catalog.name", "lakestream");
        s.put("catalog.type", "jdbc");
        s.put("catalog.uri", postgres.jdbcUrl(CATALOG_DB));
        s.put("catalog.jdbc.user", EmbeddedPostgresServer.SUPERUSER);
        s.put("catalog.warehouse", "s3://" + BUCKET + "/lakehouse");
        s.put("s3.endpoint", s3.endpoint());
        s.put("s3.path-style-access", "true");
        s.put("s3.region", S3ProxyServer.REGION);
        s.put("s3.access-key-id", s3.accessKey());
        s.put("s3.secret-access-key", s3.secretKey());
        // the exchange-rate API, keyset pages (see ExchangeRateApi)
        s.put("source.rest.enabled", "true");
        s.put("source.rest.name", "exchange_rates");
        s.put("source.rest.url", services.ratesApi().url());
        s.put("source.rest.pagination", "cursor");
        s.put("source.rest.pagination.next-token-pointer", "/next_cursor");
        s.put("source.rest.pagination.token-param", "cursor");
        s.put("source.rest.pagination.size-param", "limit");
        s.put("source.rest.key-fields", "base_currency,quote_currency,rate_date");
        s.put("source.rest.poll-interval", "5s");
        s.put("source.rest.retry.initial-backoff", "200ms");
        // the door counters' landing folder
        s.put("source.files.enabled", "true");
        s.put("source.files.uri", "s3://" + BUCKET + "/landing/foot_traffic/");
        s.put("source.files.discovery-interval", "3s");
        s.put("source.files.settle-time", "2s");
        s.put("execution.checkpointing.interval", options.checkpointInterval().toMillis() + "ms");
        s.put(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
        s.put("execution.checkpointing.num-retained", "3");
        // as in production: state on disk in RocksDB, checkpoints upload only the files that
        // changed. Its working copy lives in the data folder (scratch, emptied at each start).
        s.put("state.backend.type", "rocksdb");
        s.put("execution.checkpointing.incremental", "true");
        s.put("state.backend.rocksdb.localdir", rocksDbDirectory(data).toString());
        // RocksDB's memtables share each slot's managed memory (MANAGED_MEMORY / slots). With the
        // default 64 MB write buffer, a memtable's first 8 MB arena block alone exceeds the
        // slot's write buffer limit, and every put flushed a one-row SST file: Flink warns
        // "RocksDB will flush memtable constantly", the "apply changes" operator spent 95% of
        // its time in RocksDB.put at 160 rows/s, and checkpoints and latency slid as state grew.
        // 8 MB write buffers (1 MB arena blocks) fit the slot's limit several times over.
        s.put("state.backend.rocksdb.writebuffer.size", "8mb");
        s.put("execution.checkpointing.dir", data.resolve("checkpoints").toUri().toString());
        s.put(
                "execution.checkpointing.savepoint-dir",
                data.resolve("savepoints").toUri().toString());
        s.put("restart-strategy.type", "exponential-delay");
        s.put("parallelism.default", Integer.toString(options.parallelism()));
        return s;
    }

    /** RocksDB's working copy of the state: scratch, emptied at each start. */
    static Path rocksDbDirectory(Path data) {
        return data.resolve("rocksdb");
    }

    /** The MiniCluster: web UI on {@code --ui-port}, memory sized for RocksDB. */
    static Configuration cluster(LocalOptions options) {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(
                RestOptions.BIND_PORT,
                options.uiPort() == 0 ? "0" : options.uiPort() + "-" + (options.uiPort() + 20));
        // RocksDB's share: with 2 x parallelism + 1 slots, 256m gives each slot about 50 MB, of
        // which half is its write buffer limit (see ingestion() for the write buffer size)
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("256m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("64m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("64m"));
        return conf;
    }
}
