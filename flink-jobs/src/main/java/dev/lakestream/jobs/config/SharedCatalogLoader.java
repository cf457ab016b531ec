package dev.lakestream.jobs.config;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;

/**
 * One catalog per JVM for all the operators of a job that open one, instead of one per operator.
 *
 * <p>Iceberg's maintenance opens a {@code TableLoader} in nearly every operator (monitor source,
 * trigger manager, planners, committers, expiry, orphan listing: about ten per table), and each
 * loader opens its own catalog. With a JDBC catalog every one of them holds its own connection
 * pool: for the 17 lakestream tables that exhausted PostgreSQL's 200 connections in the first
 * tests. Sharing one catalog (and so one pool, sized by {@code catalog.property.clients}) keeps the
 * MaintenanceJob at a handful of catalog connections per TaskManager. The TransformationJob's
 * dynamic silver sink is the same: it opens a catalog in its generator, writers, aggregator and
 * committers, and its writers never close theirs, so every restart would leak a pool. The shared
 * catalog is never closed by a loader; it lives as long as the TaskManager's class loader.
 */
public final class SharedCatalogLoader implements CatalogLoader {

    private static final long serialVersionUID = 1L;
    private static final Map<String, Catalog> SHARED = new ConcurrentHashMap<>();

    private final CatalogLoader delegate;
    private final String key;

    /**
     * @param key identifies the catalog within the JVM (job, catalog and submission)
     */
    public SharedCatalogLoader(CatalogLoader delegate, String key) {
        this.delegate = delegate;
        this.key = key;
    }

    @Override
    public Catalog loadCatalog() {
        return new Unclosable(SHARED.computeIfAbsent(key, k -> delegate.loadCatalog()));
    }

    @Override
    @SuppressWarnings({"checkstyle:NoClone", "checkstyle:SuperClone"})
    public CatalogLoader clone() {
        return new SharedCatalogLoader(delegate.clone(), key);
    }

    @Override
    public String toString() {
        return "SharedCatalogLoader[" + key + "]";
    }

    /** The shared catalog without {@code Closeable}: a TableLoader closes what it opened. */
    private record Unclosable(Catalog catalog) implements Catalog {

        @Override
        public String name() {
            return catalog.name();
        }

        @Override
        public List<TableIdentifier> listTables(Namespace namespace) {
            return catalog.listTables(namespace);
        }

        @Override
        public boolean dropTable(TableIdentifier identifier, boolean purge) {
            return catalog.dropTable(identifier, purge);
        }

        @Override
        public void renameTable(TableIdentifier from, TableIdentifier to) {
            catalog.renameTable(from, to);
        }

        @Override
        public Table loadTable(TableIdentifier identifier) {
            return catalog.loadTable(identifier);
        }

        @Override
        public boolean tableExists(TableIdentifier identifier) {
            return catalog.tableExists(identifier);
        }
    }
}
