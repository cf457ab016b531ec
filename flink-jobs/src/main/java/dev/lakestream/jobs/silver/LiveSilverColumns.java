package dev.lakestream.jobs.silver;

import dev.lakestream.catalog.SilverTables;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The columns a live silver table holds beyond its definition: those silver added when its source
 * gained them ({@code ALTER TABLE ... ADD COLUMN}), with the type silver holds them in. Read from
 * the catalog, so every parallel cleanser sees what the sink committed; {@link #NONE} knows none
 * (tests without a catalog).
 */
public class LiveSilverColumns implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Knows no added column: the definitions alone. */
    public static final LiveSilverColumns NONE = new LiveSilverColumns(null, null);

    private final CatalogLoader catalog;
    private final String namespace;
    private transient Catalog loaded;

    public LiveSilverColumns(CatalogLoader catalog, String namespace) {
        this.catalog = catalog;
        this.namespace = namespace;
    }

    /**
     * Column to type of the columns {@code sourceTable}'s silver table has beyond its definition.
     */
    public Map<String, Type> added(String sourceTable) {
        Map<String, Type> added = new LinkedHashMap<>();
        if (catalog == null) {
            return added;
        }
        if (loaded == null) {
            loaded = catalog.loadCatalog();
        }
        TableIdentifier id = SilverTables.definitionFor(namespace, sourceTable).identifier();
        if (!loaded.tableExists(id)) {
            return added;
        }
        Schema definition = SilverTables.definitionFor(sourceTable).schema();
        for (Types.NestedField column : loaded.loadTable(id).schema().columns()) {
            if (definition.findField(column.name()) == null) {
                added.put(column.name(), column.type());
            }
        }
        return added;
    }
}
