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
 * precise decimals. {@link #guarded} puts the replication-slot guardian ({@link SlotGuardedSource})
 * around it.
 *
 * <p>The source's WAL position lives in Flink checkpoints; the slot only advances after a
 * checkpoint completes (Flink CDC commits the LSN on checkpoint completion), so a restart from a
 * checkpoint re-reads exactly the changes that bronze has not committed.
 */
public final class PostgresCdcSource {

    private PostgresCdcSource() {}

    /** The source behind the replication-slot guardian, as the IngestionJob runs it. */
    public static <T> SlotGuardedSource<T, ?, ?> guarded(
            PostgresSourceSettings settings, DebeziumDeserializationSchema<T> deserializer) {
        return new SlotGuardedSource<>(create(settings, deserializer), settings);
    }

    /** One row per slot, so jobs sharing a heartbeat table do not contend on one row. */
    static String heartbeatQuery(PostgresSourceSettings settings) {
        // the slot name is validated to [a-z0-9_], safe to inline
        return "INSERT INTO "
                + PostgresPreflight.quoteQualified(settings.heartbeatTable())
                + " (slot_name, beat_at) VALUES ('"
                + settings.slotName()
                + "', now()) ON CONFLICT (slot_name) DO UPDATE SET beat_at = EXCLUDED.beat_at";
    }

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
        // a TRUNCATE reaches bronze as op "t" (and silver's quarantine) instead of vanishing:
        // Debezium 1.9 skips it by default, leaving silver with rows the source no longer has
        debezium.setProperty("truncate.handling.mode", "include");
        // a write to a published table at every heartbeat: without it the slot's
        // confirmed_flush_lsn stays put while the captured tables are idle, however much WAL
        // other tables write, and the slot pins all of it
        debezium.setProperty("heartbeat.action.query", heartbeatQuery(settings));
        settings.putDebeziumTls(debezium);

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
                        // a table added to source.postgres.tables is snapshotted when the job
                        // restarts from a checkpoint or savepoint, then streamed like the others
                        .scanNewlyAddedTableEnabled(true)
                        .debeziumProperties(debezium)
                        .startupOptions(
                                settings.startupMode()
                                                == PostgresSourceOptions.StartupMode.LATEST_OFFSET
                                        ? StartupOptions.latest()
                                        : StartupOptions.initial());
        return new SnapshotLsnSource<>(builder, deserializer);
    }
}
