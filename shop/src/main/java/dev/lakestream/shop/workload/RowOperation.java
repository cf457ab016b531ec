package dev.lakestream.shop.workload;

/**
 * A row-level change as PostgreSQL logical decoding reports it, and so as a CDC pipeline sees it.
 */
public enum RowOperation {
    INSERT,
    UPDATE,
    DELETE
}
