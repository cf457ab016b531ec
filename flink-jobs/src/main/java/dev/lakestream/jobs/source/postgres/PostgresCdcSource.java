package dev.lakestream.jobs.source.postgres;

import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.cdc.connectors.base.options.StartupOptions;
import org.apache.flink.cdc.connectors.postgres.source.PostgresSourceBuilder;
import org.apache.flink.cdc.connectors.postgres.source.PostgresSourceBuilder.PostgresIncrementalSource;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;

/**
 * Builds the Flink CDC incremental-snapshot source for PostgreSQL from {@link
 * PostgresSourceSettings}: pgoutput, a slot and publication of this job's own, a heartbeat, and
 * precise decimals.
 *
 * <p>The source's WAL position lives in Flink checkpoints; the slot only advances after a
 * checkpoint completes (Flink CDC commits the LSN on checkpoint completion), so a restart from a
 * checkpoint re-reads exactly the changes that bronze has not committed.
 */
public final class PostgresCdcSource {

    private PostgresCdcSource() {}

    public static <T> PostgresIncrementalSource<T> create(
            PostgresSourceSettings settings, DebeziumDeserializationSchema<T> deserializer) {
        Set<String> schemas = new LinkedHashSet<>();
        for (String table : settings.tables()) {
            schemas.add(table.substring(0, table.indexOf('.')));
        }
        Properties debezium = new Properties();
        debezium.setProperty("decimal.handling.mode", "precise");
        debezium.setProperty("publication.name", settings.publicationName());
        // PostgresPreflight creates the publication for exactly the captured tables
        debezium.setProperty("publication.autocreate.mode", "disabled");
        debezium.setProperty("slot.drop.on.stop", "false");
        debezium.setProperty("interval.handling.mode", "string");
        debezium.setProperty("include.unknown.datatypes", "true");

        PostgresSourceBuilder<T> builder =
                PostgresIncrementalSource.<T>builder()
                        .hostname(settings.hostname())
                        .port(settings.port())
                        .database(settings.database())
                        .schemaList(schemas.toArray(String[]::new))
                        .tableList(settings.tables().toArray(String[]::new))
                        .username(settings.username())
                        .password(settings.password())
                        .slotName(settings.slotName())
                        .decodingPluginName("pgoutput")
                        .deserializer(deserializer)
                        .splitSize(settings.splitSize())
                        .fetchSize(settings.fetchSize())
                        .heartbeatInterval(settings.heartbeatInterval())
                        .connectTimeout(settings.connectTimeout())
                        .skipSnapshotBackfill(settings.skipSnapshotBackfill())
                        .debeziumProperties(debezium)
                        .startupOptions(
                                settings.startupMode()
                                                == PostgresSourceOptions.StartupMode.LATEST_OFFSET
                                        ? StartupOptions.latest()
                                        : StartupOptions.initial());
        return builder.build();
    }
}
