package dev.lakestream.shop.workload;

import dev.lakestream.shop.ShopSchema;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Exact counts of the row changes a {@link WorkloadGenerator} has committed, per table and
 * operation, plus the number of committed transactions.
 *
 * <p>These numbers are the ground truth a CDC pipeline's output is checked against, so they are
 * taken from the JDBC update counts of the statements actually executed (not from what the
 * generator meant to do) and added only once the transaction's commit has returned: a transaction
 * that rolls back adds nothing. An {@code UPDATE} counts every row it matched, even if it wrote
 * identical values, because PostgreSQL logs such rows too.
 *
 * <p>The generator writes from one thread while monitoring code may read from another. All access
 * is synchronized and a commit's counts are added in one step, so a {@link #snapshot()} never shows
 * half of a transaction.
 */
public final class WorkloadStats {
    private final long[][] rows = new long[ShopSchema.TABLES.size()][RowOperation.values().length];
    private final long[] transactions = new long[TransactionKind.values().length];
    private long seedTransactions;

    /** Only generators create stats; everyone else reads them. */
    WorkloadStats() {}

    /** Adds a committed transaction of the workload. */
    synchronized void recordTransaction(TransactionKind kind, ChangeCounts changes) {
        transactions[kind.ordinal()]++;
        add(changes);
    }

    /** Adds a committed transaction of {@link WorkloadGenerator#seedReferenceData()}. */
    synchronized void recordSeedTransaction(ChangeCounts changes) {
        seedTransactions++;
        add(changes);
    }

    private void add(ChangeCounts changes) {
        for (int t = 0; t < rows.length; t++) {
            for (RowOperation op : RowOperation.values()) {
                rows[t][op.ordinal()] += changes.get(t, op);
            }
        }
    }

    /** Rows of {@code table} (qualified name) changed by {@code operation}. */
    public synchronized long rows(String table, RowOperation operation) {
        return rows[ChangeCounts.index(table)][operation.ordinal()];
    }

    /** All row changes, over all tables and operations. */
    public synchronized long totalRows() {
        long total = 0;
        for (long[] table : rows) {
            for (long n : table) {
                total += n;
            }
        }
        return total;
    }

    /** Committed workload transactions, not counting those of seeding. */
    public synchronized long transactions() {
        long total = 0;
        for (long n : transactions) {
            total += n;
        }
        return total;
    }

    /** Committed workload transactions of one kind. */
    public synchronized long transactions(TransactionKind kind) {
        return transactions[kind.ordinal()];
    }

    /** Committed transactions of {@link WorkloadGenerator#seedReferenceData()}. */
    public synchronized long seedTransactions() {
        return seedTransactions;
    }

    /** A consistent, immutable copy of all counts. */
    public synchronized Snapshot snapshot() {
        Map<String, Map<RowOperation, Long>> rowCopy = new LinkedHashMap<>();
        for (int t = 0; t < rows.length; t++) {
            Map<RowOperation, Long> ops = new EnumMap<>(RowOperation.class);
            for (RowOperation op : RowOperation.values()) {
                ops.put(op, rows[t][op.ordinal()]);
            }
            rowCopy.put(ShopSchema.TABLES.get(t), Collections.unmodifiableMap(ops));
        }
        Map<TransactionKind, Long> txCopy = new EnumMap<>(TransactionKind.class);
        for (TransactionKind kind : TransactionKind.values()) {
            txCopy.put(kind, transactions[kind.ordinal()]);
        }
        return new Snapshot(
                Collections.unmodifiableMap(rowCopy),
                Collections.unmodifiableMap(txCopy),
                seedTransactions);
    }

    /** A multi-line, human-readable table of the counts. */
    public String summary() {
        return snapshot().summary();
    }

    @Override
    public String toString() {
        Snapshot s = snapshot();
        return "WorkloadStats{transactions="
                + s.transactions()
                + ", seedTransactions="
                + s.seedTransactions()
                + ", rows="
                + s.totalRows()
                + "}";
    }

    /**
     * Counts at one moment.
     *
     * @param rows per qualified table name (in {@link ShopSchema#TABLES} order), per operation;
     *     every table and operation is present
     * @param transactionsByKind committed workload transactions per kind; every kind is present
     * @param seedTransactions committed seeding transactions
     */
    public record Snapshot(
            Map<String, Map<RowOperation, Long>> rows,
            Map<TransactionKind, Long> transactionsByKind,
            long seedTransactions) {

        public long rows(String table, RowOperation operation) {
            Map<RowOperation, Long> ops = rows.get(table);
            if (ops == null) {
                throw new IllegalArgumentException("unknown shop table '" + table + "'");
            }
            return ops.get(operation);
        }

        public long totalRows() {
            return rows.values().stream()
                    .flatMap(ops -> ops.values().stream())
                    .mapToLong(Long::longValue)
                    .sum();
        }

        public long transactions() {
            return transactionsByKind.values().stream().mapToLong(Long::longValue).sum();
        }

        /** A multi-line, human-readable table of the counts. */
        public String summary() {
            StringBuilder out = new StringBuilder();
            out.append(
                    String.format(
                            Locale.ROOT,
                            "%-18s %10s %10s %10s%n",
                            "table",
                            "inserted",
                            "updated",
                            "deleted"));
            for (Map.Entry<String, Map<RowOperation, Long>> e : rows.entrySet()) {
                Map<RowOperation, Long> ops = e.getValue();
                out.append(
                        String.format(
                                Locale.ROOT,
                                "%-18s %10d %10d %10d%n",
                                e.getKey(),
                                ops.get(RowOperation.INSERT),
                                ops.get(RowOperation.UPDATE),
                                ops.get(RowOperation.DELETE)));
            }
            out.append(
                    String.format(
                            Locale.ROOT,
                            "row changes: %d; transactions: %d workload + %d seeding%n",
                            totalRows(),
                            transactions(),
                            seedTransactions));
            for (Map.Entry<TransactionKind, Long> e : transactionsByKind.entrySet()) {
                out.append(
                        String.format(
                                Locale.ROOT, "  %-14s %10d%n", e.getKey().key(), e.getValue()));
            }
            return out.toString();
        }
    }
}
