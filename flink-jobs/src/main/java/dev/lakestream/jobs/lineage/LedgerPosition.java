package dev.lakestream.jobs.lineage;

import java.io.Serializable;

/**
 * Where one element a {@link LedgerTap} sees came from: its table and source position, and what
 * else the ledger keeps of it.
 *
 * @param table the source table (shop.orders, rest.exchange_rates), or the gold table's name
 * @param position LSN, REST or file sequence; 0 for a snapshot read
 * @param txId the source transaction, or null
 * @param origin the REST request or file URI, or null (CDC)
 * @param originPosition the record's index in its response or line in its file, or -1
 * @param record what gold published ("2026-11-29/3@123456"), or null
 */
public record LedgerPosition(
        String table, long position, Long txId, String origin, long originPosition, String record) {

    /** A change of a CDC source or one read back from bronze. */
    public static LedgerPosition change(String table, long position, Long txId) {
        return new LedgerPosition(table, position, txId, null, -1, null);
    }

    /** How a tap reads the positions of its elements; serializable, it travels with the job. */
    @FunctionalInterface
    public interface Extractor<T> extends Serializable {
        LedgerPosition of(T element);
    }
}
