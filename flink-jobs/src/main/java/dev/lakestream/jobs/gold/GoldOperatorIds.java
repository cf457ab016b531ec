package dev.lakestream.jobs.gold;

/**
 * Stable operator ids of the gold stage of the TransformationJob: renaming one orphans its state
 * (order joins, daily aggregates, pending Kafka transactions). Never rename.
 */
public final class GoldOperatorIds {

    private GoldOperatorIds() {}

    public static final String GOLD_PENDING_SINK = "gold-pending-sink";
    public static final String ORDER_CONTRIBUTIONS = "gold-order-contributions";
    public static final String LOCAL_SALE_DATE = "gold-local-sale-date";
    public static final String DAILY_METRICS = "gold-daily-metrics";
    public static final String LOCAL_VISIT_DATE = "gold-local-visit-date";
    public static final String DAILY_VISITORS = "gold-daily-visitors";
    public static final String REPORTING_CURRENCY = "gold-reporting-currency";
    public static final String FINAL_STATE_PER_CHECKPOINT = "gold-final-state-per-checkpoint";
    public static final String GOLD_KAFKA_SINK = "gold-kafka-sink";

    /** The lineage tap noting each checkpoint's published records. */
    public static final String GOLD_LEDGER = "lineage-gold";

    public static final String GOLD_ICEBERG_SINK = "gold-iceberg-sink";
}
