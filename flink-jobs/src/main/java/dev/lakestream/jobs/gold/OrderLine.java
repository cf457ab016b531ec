package dev.lakestream.jobs.gold;

import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * One order line as {@link OrderState} keeps it: only what the metrics read, typed. Money is held
 * in cents ({@code numeric(12,2)} in the shop), 8 bytes instead of a {@code BigDecimal}'s
 * magnitude, length and scale; a price with more than two decimals fails loudly at {@link
 * OrderContributions} rather than being rounded.
 */
public class OrderLine {

    public long quantity;
    public long unitPriceCents;
    public long discountCents;

    public static final TypeInformation<OrderLine> TYPE =
            Types.POJO(
                    OrderLine.class,
                    Map.of(
                            "quantity", Types.LONG,
                            "unitPriceCents", Types.LONG,
                            "discountCents", Types.LONG));

    public OrderLine() {}

    public OrderLine(long quantity, long unitPriceCents, long discountCents) {
        this.quantity = quantity;
        this.unitPriceCents = unitPriceCents;
        this.discountCents = discountCents;
    }
}
