package dev.lakestream.shop.workload;

/**
 * The life cycle of an order, as the {@code orders_status_check} constraint spells it.
 *
 * <p>Only the generator's view: it decides which transactions may touch an order. Lines can be
 * edited and orders cancelled while they are open (placed or paid), like a real shop that stops
 * changes once goods leave the warehouse.
 */
enum OrderStatus {
    PLACED,
    PAID,
    SHIPPED,
    DELIVERED,
    CANCELLED;

    /** Open orders can still be edited or cancelled. */
    boolean isOpen() {
        return this == PLACED || this == PAID;
    }

    /** Finished orders no longer change, except by deletion. */
    boolean isFinished() {
        return this == DELIVERED || this == CANCELLED;
    }

    /** The status a status change moves to; only defined for unfinished orders. */
    OrderStatus next() {
        switch (this) {
            case PLACED:
                return PAID;
            case PAID:
                return SHIPPED;
            case SHIPPED:
                return DELIVERED;
            default:
                throw new IllegalStateException(this + " is final");
        }
    }
}
