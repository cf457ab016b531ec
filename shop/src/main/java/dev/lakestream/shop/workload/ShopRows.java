package dev.lakestream.shop.workload;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Row values shared by seeding and transactions: what a customer, an order and its lines look like,
 * drawn from the caller's random source in a fixed order (the order is part of the workload's
 * determinism: change it and every run after it differs).
 */
final class ShopRows {

    private ShopRows() {}

    static void bindCustomer(PreparedStatement ps, SplittableRandom r, long id, Instant created)
            throws SQLException {
        String first = ShopData.pick(r, ShopData.FIRST_NAMES);
        String last = ShopData.pick(r, ShopData.LAST_NAMES);
        String email =
                ShopData.emailPart(first)
                        + "."
                        + ShopData.emailPart(last)
                        + id
                        + "@"
                        + ShopData.pick(r, ShopData.EMAIL_DOMAINS);
        ps.setLong(1, id);
        ps.setString(2, email);
        ps.setString(3, r.nextInt(30) == 0 ? null : first + " " + last);
        ps.setString(4, r.nextInt(10) == 0 ? null : ShopData.pick(r, ShopData.COUNTRIES));
        if (r.nextInt(5) == 0) {
            ps.setNull(5, Types.SMALLINT);
        } else {
            ps.setShort(5, (short) r.nextInt(4));
        }
        ps.setObject(6, timestamp(created));
        ps.setObject(7, timestamp(created));
    }

    static void bindOrder(
            PreparedStatement ps,
            SplittableRandom r,
            long id,
            ShopState.Store store,
            IdPool customers,
            OrderStatus status,
            Instant created,
            Instant updated)
            throws SQLException {
        ps.setLong(1, id);
        ps.setLong(2, store.id());
        if (customers.isEmpty() || r.nextInt(100) < 15) {
            ps.setNull(3, Types.BIGINT); // guest checkout
        } else {
            ps.setLong(3, customers.pick(r));
        }
        int channel = r.nextInt(100);
        ps.setString(4, channel < 50 ? "STORE" : channel < 85 ? "WEB" : "APP");
        ps.setString(5, status.name());
        ps.setObject(6, timestamp(created));
        ps.setObject(7, timestamp(updated));
        if (status == OrderStatus.CANCELLED) {
            ps.setString(8, ShopData.pick(r, ShopData.CANCELLATION_REASONS));
        } else {
            ps.setString(8, r.nextInt(10) == 0 ? ShopData.pick(r, ShopData.ORDER_NOTES) : null);
        }
    }

    /** Adds {@code count} lines numbered from {@code firstLineNo} to the batch of {@code ps}. */
    static void bindLines(
            PreparedStatement ps,
            SplittableRandom r,
            long orderId,
            String currency,
            IdPool products,
            Map<Long, BigDecimal> prices,
            int firstLineNo,
            int count)
            throws SQLException {
        int scale = ShopData.currency(currency).scale();
        for (int line = firstLineNo; line < firstLineNo + count; line++) {
            long productId = products.pick(r);
            int quantity = quantity(r);
            BigDecimal unitPrice = ShopData.localPrice(prices.get(productId), currency);
            BigDecimal discount = BigDecimal.ZERO.setScale(2);
            if (r.nextInt(100) < 15) {
                BigDecimal rate = BigDecimal.valueOf(5L * (1 + r.nextInt(5)), 2);
                discount =
                        unitPrice
                                .multiply(BigDecimal.valueOf(quantity))
                                .multiply(rate)
                                .setScale(scale, RoundingMode.HALF_EVEN)
                                .setScale(2);
            }
            ps.setLong(1, orderId);
            ps.setInt(2, line);
            ps.setLong(3, productId);
            ps.setInt(4, quantity);
            ps.setBigDecimal(5, unitPrice);
            ps.setBigDecimal(6, discount);
            ps.addBatch();
        }
    }

    static int lineCount(SplittableRandom r) {
        int x = r.nextInt(100);
        return x < 35 ? 1 : x < 60 ? 2 : x < 80 ? 3 : x < 92 ? 4 : 5;
    }

    static int quantity(SplittableRandom r) {
        int x = r.nextInt(100);
        return x < 60 ? 1 : x < 85 ? 2 : 3 + r.nextInt(4);
    }

    static int oneToThree(SplittableRandom r) {
        int x = r.nextInt(100);
        return x < 60 ? 1 : x < 85 ? 2 : 3;
    }

    static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
