package dev.lakestream.jobs.gold;

import dev.lakestream.jobs.changelog.RowChange;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.types.RowKind;

/** Silver changelog rows for the gold operator tests. */
final class GoldTestChanges {

    private GoldTestChanges() {}

    static RowChange order(
            RowKind kind,
            long lsn,
            long orderId,
            long storeId,
            String createdAt,
            long customer,
            String status) {
        Map<String, Object> v = new HashMap<>();
        v.put("order_id", orderId);
        v.put("store_id", storeId);
        v.put("customer_id", customer == 0 ? null : customer);
        v.put("status", status);
        v.put("created_at", Instant.parse(createdAt));
        return new RowChange(kind, "shop.orders", "{\"order_id\":" + orderId + "}", lsn, v);
    }

    static RowChange line(
            RowKind kind,
            long lsn,
            long orderId,
            int lineNo,
            int quantity,
            String unitPrice,
            String discount) {
        Map<String, Object> v = new HashMap<>();
        v.put("order_id", orderId);
        v.put("line_no", lineNo);
        v.put("product_id", 7L);
        v.put("quantity", quantity);
        v.put("unit_price", new BigDecimal(unitPrice));
        v.put("discount", new BigDecimal(discount));
        return new RowChange(
                kind,
                "shop.order_lines",
                "{\"order_id\":" + orderId + ",\"line_no\":" + lineNo + "}",
                lsn,
                v);
    }

    static RowChange store(RowKind kind, long lsn, long storeId, String timeZone, String currency) {
        Map<String, Object> v = new HashMap<>();
        v.put("store_id", storeId);
        v.put("time_zone", timeZone);
        v.put("currency", currency);
        return new RowChange(kind, "shop.stores", "{\"store_id\":" + storeId + "}", lsn, v);
    }
}
