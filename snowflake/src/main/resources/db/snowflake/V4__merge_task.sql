-- Landing rows -> business table, continuously. Serverless (no WAREHOUSE: Snowflake sizes the
-- compute, starting at XSMALL); checked every minute, and it only runs (and costs) when the
-- stream has data. Created SUSPENDED, as every CREATE TASK is; the afterMigrate callback resumes
-- it as the very last step of a migration.
--
-- The MERGE is idempotent:
--   * the batch is first reduced to one row per key (SALE_DATE, STORE_ID): the highest VERSION,
--     and of equal versions the highest Kafka offset (a replayed copy of the same record);
--   * a row only replaces the stored one if its VERSION is higher, so replays and out-of-order
--     arrivals never move a key backwards, and a second run over the same data changes nothing;
--   * "deleted": true sets DELETED (the row and its version stay; see V2).
-- Consuming the stream in a DML statement advances it when the task's transaction commits.
CREATE TASK IF NOT EXISTS MERGE_SALES_DAILY_METRICS
    USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE = 'XSMALL'
    SCHEDULE = '1 MINUTE'
    ALLOW_OVERLAPPING_EXECUTION = FALSE
    COMMENT = 'MERGE new sales_daily_metrics records (highest version per key wins) into SALES_DAILY_METRICS'
    WHEN SYSTEM$STREAM_HAS_DATA('SALES_DAILY_METRICS_LANDING_STREAM')
AS
MERGE INTO SALES_DAILY_METRICS AS t
USING (
    SELECT
        RECORD_CONTENT:sale_date::DATE                            AS SALE_DATE,
        RECORD_CONTENT:store_id::NUMBER(19, 0)                    AS STORE_ID,
        RECORD_CONTENT:currency::VARCHAR                          AS CURRENCY,
        RECORD_CONTENT:order_count::NUMBER(19, 0)                 AS ORDER_COUNT,
        RECORD_CONTENT:cancelled_order_count::NUMBER(19, 0)       AS CANCELLED_ORDER_COUNT,
        RECORD_CONTENT:items_sold::NUMBER(19, 0)                  AS ITEMS_SOLD,
        RECORD_CONTENT:gross_revenue::NUMBER(18, 2)               AS GROSS_REVENUE,
        RECORD_CONTENT:discounts::NUMBER(18, 2)                   AS DISCOUNTS,
        RECORD_CONTENT:net_revenue::NUMBER(18, 2)                 AS NET_REVENUE,
        RECORD_CONTENT:avg_order_value::NUMBER(18, 2)             AS AVG_ORDER_VALUE,
        RECORD_CONTENT:distinct_customers::NUMBER(19, 0)          AS DISTINCT_CUSTOMERS,
        RECORD_CONTENT:version::NUMBER(38, 0)                     AS VERSION,
        RECORD_CONTENT:updated_at::TIMESTAMP_TZ                   AS UPDATED_AT,
        COALESCE(RECORD_CONTENT:deleted::BOOLEAN, FALSE)          AS DELETED,
        RECORD_METADATA:partition::NUMBER(10, 0)                  AS KAFKA_PARTITION,
        RECORD_METADATA:offset::NUMBER(19, 0)                     AS KAFKA_OFFSET
    FROM SALES_DAILY_METRICS_LANDING_STREAM
    WHERE RECORD_CONTENT IS NOT NULL
      AND RECORD_CONTENT:sale_date IS NOT NULL
      AND RECORD_CONTENT:store_id IS NOT NULL
      AND RECORD_CONTENT:version IS NOT NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY SALE_DATE, STORE_ID
        ORDER BY VERSION DESC, KAFKA_OFFSET DESC) = 1
) AS s
ON t.SALE_DATE = s.SALE_DATE AND t.STORE_ID = s.STORE_ID
WHEN MATCHED AND s.VERSION > t.VERSION THEN UPDATE SET
    CURRENCY              = s.CURRENCY,
    ORDER_COUNT           = s.ORDER_COUNT,
    CANCELLED_ORDER_COUNT = s.CANCELLED_ORDER_COUNT,
    ITEMS_SOLD            = s.ITEMS_SOLD,
    GROSS_REVENUE         = s.GROSS_REVENUE,
    DISCOUNTS             = s.DISCOUNTS,
    NET_REVENUE           = s.NET_REVENUE,
    AVG_ORDER_VALUE       = s.AVG_ORDER_VALUE,
    DISTINCT_CUSTOMERS    = s.DISTINCT_CUSTOMERS,
    VERSION               = s.VERSION,
    UPDATED_AT            = s.UPDATED_AT,
    DELETED               = s.DELETED,
    KAFKA_PARTITION       = s.KAFKA_PARTITION,
    KAFKA_OFFSET          = s.KAFKA_OFFSET,
    MERGED_AT             = CURRENT_TIMESTAMP()
WHEN NOT MATCHED THEN INSERT (
    SALE_DATE, STORE_ID, CURRENCY, ORDER_COUNT, CANCELLED_ORDER_COUNT, ITEMS_SOLD, GROSS_REVENUE,
    DISCOUNTS, NET_REVENUE, AVG_ORDER_VALUE, DISTINCT_CUSTOMERS, VERSION, UPDATED_AT, DELETED,
    KAFKA_PARTITION, KAFKA_OFFSET, MERGED_AT)
VALUES (
    s.SALE_DATE, s.STORE_ID, s.CURRENCY, s.ORDER_COUNT, s.CANCELLED_ORDER_COUNT, s.ITEMS_SOLD,
    s.GROSS_REVENUE, s.DISCOUNTS, s.NET_REVENUE, s.AVG_ORDER_VALUE, s.DISTINCT_CUSTOMERS,
    s.VERSION, s.UPDATED_AT, s.DELETED, s.KAFKA_PARTITION, s.KAFKA_OFFSET, CURRENT_TIMESTAMP());
