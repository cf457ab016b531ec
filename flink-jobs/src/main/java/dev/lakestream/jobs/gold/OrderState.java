package dev.lakestream.jobs.gold;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * An order and its lines, as {@link OrderContributions} keeps them per order id: typed, and only
 * what the metrics read. The order's status is kept as the one fact the metrics use (cancelled or
 * not), its creation time as epoch microseconds (PostgreSQL's {@code timestamptz} precision), its
 * lines by line number.
 *
 * <p>Kept with {@link OrderStateSerializer} (variable-length integers); {@link #TYPE}, the POJO
 * form, is what the same class costs with Flink's POJO serializer, for comparison.
 *
 * <p>The state lives exactly as long as the order or one of its lines exists in silver: {@link
 * OrderContributions} clears it when the order row and its last line are gone, so its size is
 * bounded by live orders, however old their day is.
 */
public class OrderState {

    /** The order row itself has been seen (its lines may come first). */
    public boolean present;

    public long storeId;

    /** When the order was created, in microseconds since the epoch. */
    public long createdAtMicros;

    public long customerId;
    public boolean cancelled;

    /** line_no to the line. */
    public Map<Integer, OrderLine> lines = new HashMap<>();

    public long lsn = -1;

    public static final TypeInformation<OrderState> TYPE =
            Types.POJO(
                    OrderState.class,
                    Map.of(
                            "present", Types.BOOLEAN,
                            "storeId", Types.LONG,
                            "createdAtMicros", Types.LONG,
                            "customerId", Types.LONG,
                            "cancelled", Types.BOOLEAN,
                            "lines", Types.MAP(Types.INT, OrderLine.TYPE),
                            "lsn", Types.LONG));

    public OrderState() {}
}
