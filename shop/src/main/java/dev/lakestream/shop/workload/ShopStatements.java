package dev.lakestream.shop.workload;

import static dev.lakestream.shop.ShopSchema.CUSTOMERS;
import static dev.lakestream.shop.ShopSchema.ORDERS;
import static dev.lakestream.shop.ShopSchema.ORDER_LINES;
import static dev.lakestream.shop.ShopSchema.PRODUCTS;
import static dev.lakestream.shop.ShopSchema.STORES;

/**
 * The SQL the workload runs against the shop tables, one constant per statement, and the check of
 * what a keyed statement must have changed.
 */
final class ShopStatements {

    private ShopStatements() {}

    static final String INSERT_STORE =
            "INSERT INTO "
                    + STORES
                    + " (store_id, code, name, region, city, country, time_zone, currency,"
                    + " opened_on, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String INSERT_CUSTOMER =
            "INSERT INTO "
                    + CUSTOMERS
                    + " (customer_id, email, full_name, country, loyalty_tier, created_at,"
                    + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
    static final String INSERT_PRODUCT =
            "INSERT INTO "
                    + PRODUCTS
                    + " (product_id, sku, name, category, description, list_price, active,"
                    + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    static final String INSERT_ORDER =
            "INSERT INTO "
                    + ORDERS
                    + " (order_id, store_id, customer_id, channel, status, created_at, updated_at,"
                    + " note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    static final String INSERT_LINE =
            "INSERT INTO "
                    + ORDER_LINES
                    + " (order_id, line_no, product_id, quantity, unit_price, discount)"
                    + " VALUES (?, ?, ?, ?, ?, ?)";
    static final String UPDATE_ORDER_STATUS =
            "UPDATE " + ORDERS + " SET status = ?, updated_at = ? WHERE order_id = ?";
    static final String CANCEL_ORDER =
            "UPDATE "
                    + ORDERS
                    + " SET status = 'CANCELLED', updated_at = ?, note = ? WHERE order_id = ?";
    static final String TOUCH_ORDER = "UPDATE " + ORDERS + " SET updated_at = ? WHERE order_id = ?";
    // a smaller quantity caps the line's discount at the new line amount, as a till would:
    // a discount above its line is invalid data that silver quarantines
    static final String UPDATE_LINE_QUANTITY =
            "UPDATE "
                    + ORDER_LINES
                    + " SET quantity = ?, discount = least(discount, unit_price * ?)"
                    + " WHERE order_id = ? AND line_no = ?";
    static final String UPDATE_LINE_DISCOUNT =
            "UPDATE "
                    + ORDER_LINES
                    + " SET discount = round(unit_price * quantity * ?, ?)"
                    + " WHERE order_id = ? AND line_no = ?";
    static final String DELETE_LINE =
            "DELETE FROM " + ORDER_LINES + " WHERE order_id = ? AND line_no = ?";
    static final String DELETE_ORDER_LINES = "DELETE FROM " + ORDER_LINES + " WHERE order_id = ?";
    static final String DELETE_ORDER = "DELETE FROM " + ORDERS + " WHERE order_id = ?";

    /** Deliberately leaves {@code description} out: its TOASTed value must stay untouched. */
    static final String UPDATE_PRICE =
            "UPDATE " + PRODUCTS + " SET list_price = ?, updated_at = ? WHERE product_id = ?";

    static final String UPDATE_EMAIL =
            "UPDATE "
                    + CUSTOMERS
                    + " SET email = split_part(email, '@', 1) || '@' || ?,"
                    + " loyalty_tier = coalesce(?, loyalty_tier), updated_at = ?"
                    + " WHERE customer_id = ?";

    /**
     * Checks that a statement keyed on a row the generator believes exists changed exactly it. A
     * mismatch means someone else changed the shop; the transaction is rolled back.
     */
    static int expectOne(int updateCount, long id) {
        if (updateCount != 1) {
            throw new IllegalStateException(
                    "expected to change exactly one row for id "
                            + id
                            + " but changed "
                            + updateCount
                            + "; is another process writing to the shop tables?");
        }
        return updateCount;
    }
}
