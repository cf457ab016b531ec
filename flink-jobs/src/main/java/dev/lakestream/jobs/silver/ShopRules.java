package dev.lakestream.jobs.silver;

import dev.lakestream.catalog.SilverTables;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The shop's silver rules: per entity, the business checks on top of what the silver schema says
 * (types, nullability, keys). The machinery that applies them is {@link EntityRules}, {@link
 * Entity} and {@link Column}.
 */
final class ShopRules {

    private ShopRules() {}

    static final List<String> ORDER_STATUSES =
            List.of("PLACED", "PAID", "SHIPPED", "DELIVERED", "CANCELLED");

    static final List<String> ORDER_CHANNELS = List.of("STORE", "WEB", "APP");

    /**
     * A sane, not RFC-complete, address: dot-separated atoms of the usual characters, an {@code @}
     * and a domain of at least two labels with a TLD starting with a letter. Applied after
     * lower-casing, so upper-case letters need no place here. Quoted local parts and
     * internationalised addresses are refused on purpose: the shop never issues them, and a
     * downstream mailer would choke on them.
     */
    private static final Pattern EMAIL =
            Pattern.compile(
                    "[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                            + "@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+"
                            + "[a-z](?:[a-z0-9-]{0,61}[a-z0-9])");

    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();

    static Map<String, Entity> entities() {
        Map<String, Entity> entities = new LinkedHashMap<>();

        Entity stores = new Entity(SilverTables.STORES);
        stores.positive("store_id");
        stores.upper("country")
                .check(
                        "country",
                        "format",
                        matches(COUNTRY),
                        "is not a two-letter ISO country code");
        stores.check(
                "time_zone",
                "iana",
                v -> ZONES.contains((String) v),
                "is not an IANA time zone name (e.g. Europe/Paris)");
        stores.upper("currency")
                .check(
                        "currency",
                        "format",
                        matches(CURRENCY),
                        "is not a three-letter ISO currency code");
        entities.put(stores.sourceTable, stores);

        Entity customers = new Entity(SilverTables.CUSTOMERS);
        customers.positive("customer_id");
        customers
                .lower("email")
                .check(
                        "email",
                        "format",
                        v -> ((String) v).length() <= 254 && EMAIL.matcher((String) v).matches(),
                        "is not a valid e-mail address");
        customers
                .upper("country")
                .check(
                        "country",
                        "format",
                        matches(COUNTRY),
                        "is not a two-letter ISO country code");
        customers.check(
                "loyalty_tier",
                "range",
                v -> ((Number) v).longValue() >= 0 && ((Number) v).longValue() <= 3,
                "is not a loyalty tier between 0 and 3");
        entities.put(customers.sourceTable, customers);

        Entity products = new Entity(SilverTables.PRODUCTS);
        products.positive("product_id");
        products.nonNegative("list_price");
        entities.put(products.sourceTable, products);

        Entity orders = new Entity(SilverTables.ORDERS);
        orders.positive("order_id");
        orders.positive("store_id");
        orders.positive("customer_id");
        orders.upper("channel")
                .check(
                        "channel",
                        "allowed",
                        ORDER_CHANNELS::contains,
                        "is not one of " + ORDER_CHANNELS);
        orders.upper("status")
                .check(
                        "status",
                        "allowed",
                        ORDER_STATUSES::contains,
                        "is not one of " + ORDER_STATUSES);
        entities.put(orders.sourceTable, orders);

        Entity lines = new Entity(SilverTables.ORDER_LINES);
        lines.positive("order_id");
        lines.positive("line_no");
        lines.positive("product_id");
        lines.check(
                "quantity", "positive", v -> ((Number) v).longValue() > 0, "is not greater than 0");
        lines.nonNegative("unit_price");
        lines.nonNegative("discount");
        lines.checkRow(
                "discount.max",
                row -> {
                    BigDecimal gross =
                            ((BigDecimal) row.get("unit_price"))
                                    .multiply(
                                            BigDecimal.valueOf(
                                                    ((Number) row.get("quantity")).longValue()));
                    BigDecimal discount = (BigDecimal) row.get("discount");
                    return discount.compareTo(gross) <= 0
                            ? null
                            : "discount "
                                    + discount.toPlainString()
                                    + " exceeds quantity "
                                    + row.get("quantity")
                                    + " x unit_price "
                                    + ((BigDecimal) row.get("unit_price")).toPlainString()
                                    + " = "
                                    + gross.toPlainString();
                });
        entities.put(lines.sourceTable, lines);

        Entity rates = new Entity(SilverTables.EXCHANGE_RATES);
        rates.check(
                "base_currency",
                "format",
                matches(CURRENCY),
                "is not a three-letter upper-case ISO currency code");
        rates.check(
                "quote_currency",
                "format",
                matches(CURRENCY),
                "is not a three-letter upper-case ISO currency code");
        rates.check(
                "rate", "positive", v -> ((BigDecimal) v).signum() > 0, "is not greater than 0");
        rates.checkRow(
                "pair.distinct",
                row ->
                        row.get("base_currency").equals(row.get("quote_currency"))
                                ? "base_currency and quote_currency are both "
                                        + row.get("base_currency")
                                : null);
        entities.put(rates.sourceTable, rates);

        Entity traffic = new Entity(SilverTables.FOOT_TRAFFIC);
        traffic.positive("store_id");
        traffic.check(
                "hour_start",
                "hour",
                v -> ((Instant) v).getEpochSecond() % 3600 == 0 && ((Instant) v).getNano() == 0,
                "is not the start of an hour (UTC)");
        traffic.check(
                "visitors", "non_negative", v -> ((Number) v).longValue() >= 0, "is negative");
        entities.put(traffic.sourceTable, traffic);

        return Collections.unmodifiableMap(entities);
    }

    private static Predicate<Object> matches(Pattern pattern) {
        return v -> pattern.matcher((String) v).matches();
    }
}
