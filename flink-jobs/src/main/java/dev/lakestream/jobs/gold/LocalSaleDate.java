package dev.lakestream.jobs.gold;

import java.time.ZoneId;

/**
 * Gives each order contribution its sale date in the store's own time zone, and the store's
 * currency (keyed by store id; the stores' changelog is the first input). See {@link StoreCalendar}
 * for stores that arrive late or change zone.
 */
public class LocalSaleDate extends StoreCalendar<OrderContribution, OrderContribution> {

    private static final long serialVersionUID = 1L;

    public LocalSaleDate() {
        super(OrderContribution.TYPE, "orders");
    }

    @Override
    protected OrderContribution dated(OrderContribution c, ZoneId zone, String currency) {
        OrderContribution d = c.withSign(c.sign, c.lsn);
        d.saleDate = c.createdAt().atZone(zone).toLocalDate().toString();
        d.currency = currency;
        return d;
    }
}
