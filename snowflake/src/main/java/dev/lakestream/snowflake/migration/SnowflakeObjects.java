package dev.lakestream.snowflake.migration;

import java.util.List;

/**
 * The objects the migrations create, by kind: what {@code verify} expects to find and the offline
 * test checks the SQL against, so neither can drift from the scripts unnoticed.
 */
public final class SnowflakeObjects {

    private SnowflakeObjects() {}

    public static final String LANDING_TABLE = "SALES_DAILY_METRICS_LANDING";
    public static final String BUSINESS_TABLE = "SALES_DAILY_METRICS";
    public static final String STORES_TABLE = "STORES";
    public static final String LANDING_STREAM = "SALES_DAILY_METRICS_LANDING_STREAM";
    public static final String MERGE_TASK = "MERGE_SALES_DAILY_METRICS";

    public static final List<String> TABLES = List.of(LANDING_TABLE, BUSINESS_TABLE, STORES_TABLE);
    public static final List<String> STREAMS = List.of(LANDING_STREAM);
    public static final List<String> TASKS = List.of(MERGE_TASK);
    public static final List<String> VIEWS =
            List.of(
                    "KPI_STORE_DAILY",
                    "KPI_REGION_DAILY",
                    "KPI_STORE_PERIOD_TO_DATE",
                    "KPI_STORE_SAME_DAY_LAST_WEEK",
                    "KPI_REPORTING_CURRENCY_DAILY",
                    "STORE_FRESHNESS");
}
