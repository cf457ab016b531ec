package dev.lakestream.ops.reconcile;

import dev.lakestream.catalog.QuarantineTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * What quarantine explains, read once per cycle: per source table, the newest refused LSN of each
 * key in {@code quarantine.silver_rejects} (a reject is open while silver's row is older than it,
 * or absent), the fixes re-injected from {@code quarantine.reinjections} (silver holds them, the
 * source does not), and the stores whose orders wait in {@code quarantine.gold_pending}.
 */
final class Quarantine {

    private final Map<String, Map<RowKey, Long>> newestReject;
    private final Map<String, Map<RowKey, Set<Long>>> reinjected;
    private final Set<Long> pendingStores;

    private Quarantine(
            Map<String, Map<RowKey, Long>> newestReject,
            Map<String, Map<RowKey, Set<Long>>> reinjected,
            Set<Long> pendingStores) {
        this.newestReject = newestReject;
        this.reinjected = reinjected;
        this.pendingStores = pendingStores;
    }

    static Quarantine read(Catalog catalog, List<CanonicalRow> tables) {
        Map<String, Map<RowKey, Long>> rejects = new HashMap<>();
        Map<String, CanonicalRow> byTable = new HashMap<>();
        tables.forEach(t -> byTable.put(t.sourceTable(), t));
        for (Record r : rows(catalog, QuarantineTables.silverRejects().identifier())) {
            CanonicalRow row = byTable.get((String) r.getField("source_table"));
            if (row == null) {
                continue;
            }
            long lsn = (Long) r.getField("lsn");
            KeyJson.parse((String) r.getField("key"), row.keyColumns())
                    .ifPresent(
                            key ->
                                    rejects.computeIfAbsent(row.sourceTable(), t -> new HashMap<>())
                                            .merge(key, lsn, Math::max));
        }
        // a fix re-injected from quarantine: silver holds the fixed change at the refused LSN,
        // the source still the value silver refused
        Map<String, Map<RowKey, Set<Long>>> fixes = new HashMap<>();
        for (Record r :
                rows(
                        catalog,
                        QuarantineTables.reinjections(QuarantineTables.DEFAULT_NAMESPACE)
                                .identifier())) {
            CanonicalRow row = byTable.get((String) r.getField("source_table"));
            if (row == null) {
                continue;
            }
            long lsn = (Long) r.getField("lsn");
            KeyJson.parse((String) r.getField("key"), row.keyColumns())
                    .ifPresent(
                            key ->
                                    fixes.computeIfAbsent(row.sourceTable(), t -> new HashMap<>())
                                            .computeIfAbsent(key, k -> new HashSet<>())
                                            .add(lsn));
        }
        Set<Long> stores = new HashSet<>();
        for (Record r : rows(catalog, QuarantineTables.goldPending().identifier())) {
            stores.add((Long) r.getField("store_id"));
        }
        return new Quarantine(rejects, fixes, stores);
    }

    /**
     * Whether quarantine explains the key: a reject of it is newer than silver's row ({@code
     * silverLsn} null: absent), or silver's row is a fix re-injected from quarantine (its LSN is a
     * re-injected one), which the source does not have.
     */
    boolean openReject(String sourceTable, RowKey key, Long silverLsn) {
        Long refused = newestReject.getOrDefault(sourceTable, Map.of()).get(key);
        boolean fixed =
                silverLsn != null
                        && reinjected
                                .getOrDefault(sourceTable, Map.of())
                                .getOrDefault(key, Set.of())
                                .contains(silverLsn);
        return fixed || (refused != null && (silverLsn == null || refused > silverLsn));
    }

    boolean storePending(long storeId) {
        return pendingStores.contains(storeId);
    }

    private static List<Record> rows(Catalog catalog, TableIdentifier id) {
        if (!catalog.tableExists(id)) {
            return List.of();
        }
        Table table = catalog.loadTable(id);
        List<Record> out = new java.util.ArrayList<>();
        try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
            rows.forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + id, e);
        }
        return out;
    }
}
