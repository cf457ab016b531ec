package dev.lakestream.jobs.gold;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/** An order and its lines, as {@link OrderContributions} keeps them per order id. */
public class OrderState {

    /** The order row itself has been seen (its lines may come first). */
    public boolean present;

    public long storeId;
    public String createdAt;
    public long customerId;
    public String status;

    /** line_no to "quantity;unit_price;discount". */
    public Map<String, String> lines = new HashMap<>();

    public long lsn = -1;

    public static final TypeInformation<OrderState> TYPE =
            Types.POJO(
                    OrderState.class,
                    Map.of(
                            "present", Types.BOOLEAN,
                            "storeId", Types.LONG,
                            "createdAt", Types.STRING,
                            "customerId", Types.LONG,
                            "status", Types.STRING,
                            "lines", Types.MAP(Types.STRING, Types.STRING),
                            "lsn", Types.LONG));

    public OrderState() {}
}
