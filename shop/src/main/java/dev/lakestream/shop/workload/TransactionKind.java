package dev.lakestream.shop.workload;

import java.util.Locale;

/**
 * The business transactions the workload generator performs.
 *
 * <p>Each kind exists because it produces a distinct shape of change stream: multi-table inserts in
 * one transaction, updates that touch several orders, deletes of a parent and its children, updates
 * that leave a TOASTed column unchanged, and so on. The {@link #key()} is the stable, human-facing
 * name used in configuration and logs.
 */
public enum TransactionKind {
    /** Inserts one order and 1..5 order lines. */
    NEW_ORDER,
    /** Advances one to three orders along PLACED, PAID, SHIPPED, DELIVERED. */
    STATUS_CHANGE,
    /** Changes a line's quantity or discount, or adds or removes a line, of an open order. */
    LINE_EDIT,
    /** Cancels one or two open orders. */
    CANCELLATION,
    /** Deletes one or two finished orders, their lines first. */
    ORDER_DELETE,
    /** Changes the list price of one to three products, never their description. */
    PRICE_CHANGE,
    /** Registers one or two customers. */
    NEW_CUSTOMER,
    /** Moves a customer's e-mail address to another domain, sometimes with a new loyalty tier. */
    EMAIL_UPDATE;

    private final String key = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** The kebab-case name, e.g. {@code new-order}. */
    public String key() {
        return key;
    }

    /**
     * Returns the kind with the given {@link #key()}.
     *
     * @throws IllegalArgumentException if no kind has that key
     */
    public static TransactionKind fromKey(String key) {
        for (TransactionKind kind : values()) {
            if (kind.key.equals(key)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown transaction kind '" + key + "'");
    }
}
