package dev.lakestream.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdatePartitionSpec;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates tables from their {@link TableDefinition} idempotently, and evolves existing ones only in
 * ways that cannot break readers or writers: adding optional columns the definition has and the
 * table lacks, and keying an append-only table whose definition has become keyed. A column the
 * table has and the definition lacks, or one the table holds wider than the definition (int to
 * long, float to double, decimal precision up: silver following its source), is left as it is.
 * Anything else (a column changed type, a required column missing) stops with a message naming the
 * table and column, because guessing would corrupt data.
 */
public final class TableBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(TableBootstrap.class);

    private final Catalog catalog;

    public TableBootstrap(Catalog catalog) {
        this.catalog = catalog;
    }

    /** Creates the table (and its namespace) if missing; returns the table. */
    public Table ensure(TableDefinition definition) {
        if (catalog instanceof SupportsNamespaces namespaces
                && !namespaces.namespaceExists(definition.identifier().namespace())) {
            try {
                namespaces.createNamespace(definition.identifier().namespace());
            } catch (AlreadyExistsException raced) {
                // another job created it between our check and create
            }
        }
        if (!catalog.tableExists(definition.identifier())) {
            try {
                Table created =
                        catalog.buildTable(definition.identifier(), definition.schema())
                                .withPartitionSpec(definition.partitionSpec())
                                .withProperties(definition.properties())
                                .create();
                LOG.info("Created Iceberg table {}", definition.identifier());
                return created;
            } catch (AlreadyExistsException raced) {
                LOG.info("Iceberg table {} was created concurrently", definition.identifier());
            }
        }
        Table table = catalog.loadTable(definition.identifier());
        evolve(table, definition);
        return table;
    }

    private void evolve(Table table, TableDefinition definition) {
        Schema current = table.schema();
        List<Types.NestedField> toAdd = new ArrayList<>();
        for (Types.NestedField wanted : definition.schema().columns()) {
            Types.NestedField existing = current.findField(wanted.name());
            if (existing == null) {
                if (wanted.isRequired()) {
                    throw new IllegalStateException(
                            "Table "
                                    + definition.identifier()
                                    + " lacks required column "
                                    + wanted.name()
                                    + "; a required column cannot be added to a table with data."
                                    + " Migrate the table or point lakestream at a new namespace.");
                }
                toAdd.add(wanted);
            } else if (!sameType(existing.type(), wanted.type())
                    && !widened(existing.type(), wanted.type())) {
                throw new IllegalStateException(
                        "Table "
                                + definition.identifier()
                                + " column "
                                + wanted.name()
                                + " is "
                                + existing.type()
                                + " but lakestream expects "
                                + wanted.type());
            }
        }
        if (!toAdd.isEmpty()) {
            UpdateSchema update = table.updateSchema();
            for (Types.NestedField field : toAdd) {
                update.addColumn(field.name(), field.type(), field.doc());
            }
            update.commit();
            LOG.info("Added columns {} to {}", toAdd, definition.identifier());
        }
        evolveKey(table, definition);
    }

    /**
     * Gives an append-only table the key its definition now has (the quarantine tables became
     * keyed): sets the identifier fields and drops partition fields on columns outside the key,
     * which Iceberg's upserts do not allow. Rows written before stay as they are; only new writes
     * are upserts. A table keyed on other columns is refused: its rows were written for that key.
     */
    private void evolveKey(Table table, TableDefinition definition) {
        Set<String> wanted = columnNames(definition.schema());
        Set<String> current = columnNames(table.schema());
        if (wanted.isEmpty() || wanted.equals(current)) {
            return;
        }
        if (!current.isEmpty()) {
            throw new IllegalStateException(
                    "Table "
                            + definition.identifier()
                            + " is keyed on "
                            + current
                            + " but lakestream expects "
                            + wanted
                            + "; a key cannot be changed in place. Migrate the table or point"
                            + " lakestream at a new namespace.");
        }
        List<PartitionField> outsideKey = new ArrayList<>();
        for (PartitionField field : table.spec().fields()) {
            if (!wanted.contains(table.schema().findColumnName(field.sourceId()))) {
                outsideKey.add(field);
            }
        }
        if (!outsideKey.isEmpty()) {
            UpdatePartitionSpec spec = table.updateSpec();
            outsideKey.forEach(field -> spec.removeField(field.name()));
            spec.commit();
        }
        table.updateSchema().setIdentifierFields(wanted).commit();
        LOG.info(
                "Keyed {} on {} (partition fields dropped: {})",
                definition.identifier(),
                wanted,
                outsideKey);
    }

    private static Set<String> columnNames(Schema schema) {
        Set<String> names = new TreeSet<>();
        for (int id : schema.identifierFieldIds()) {
            names.add(schema.findColumnName(id));
        }
        return names;
    }

    /**
     * Same type, ignoring field ids: the catalog numbers a table's fields itself, so a list or
     * struct column of an existing table rarely carries the ids of the definition's schema.
     */
    /**
     * Whether the table's column is the definition's widened as Iceberg allows (int to long, float
     * to double, decimal precision up): silver follows such a change of its source column.
     */
    private static boolean widened(Type existing, Type wanted) {
        return wanted.isPrimitiveType()
                && existing.isPrimitiveType()
                && TypeUtil.isPromotionAllowed(wanted, existing.asPrimitiveType());
    }

    private static boolean sameType(Type existing, Type wanted) {
        AtomicInteger existingIds = new AtomicInteger();
        AtomicInteger wantedIds = new AtomicInteger();
        return TypeUtil.assignFreshIds(existing, existingIds::incrementAndGet)
                .equals(TypeUtil.assignFreshIds(wanted, wantedIds::incrementAndGet));
    }

    /**
     * Loads the catalog, ensures every table in order, and closes the catalog again: what each job
     * does once before it builds its graph.
     *
     * @throws InvalidSettingException naming {@code catalog.*} when the catalog cannot be loaded
     */
    public static void ensureAll(CatalogSettings settings, List<TableDefinition> tables) {
        Catalog catalog;
        try {
            catalog = IcebergCatalogs.load(settings);
        } catch (RuntimeException e) {
            throw new InvalidSettingException(
                    "catalog.*",
                    "could not be used (" + settings.describe() + "): " + e.getMessage(),
                    e);
        }
        try {
            TableBootstrap bootstrap = new TableBootstrap(catalog);
            for (TableDefinition table : tables) {
                bootstrap.ensure(table);
            }
        } finally {
            if (catalog instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // closing a catalog client only releases connections
                }
            }
        }
    }
}
