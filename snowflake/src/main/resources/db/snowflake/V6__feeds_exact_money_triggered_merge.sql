-- Gold that its consumers can trust (issue 10):
--   1. the five fields that came with the feeds, on the business table;
--   2. rows merged before this migration get them from the landing table (backfill);
--   3. the MERGE reads them too, reads money only from exact decimal text, and runs as a
--      triggered task: when the stream has data, not on a one-minute schedule;
--   4. KPI views with the reporting currency and the conversion rate, ISO weeks that do not depend
--      on the session's WEEK_START, and a freshness view.
-- V1..V5 are applied and stay as they are (Flyway checksums); this script changes what they made.
--
-- VERSION (V2 calls it "highest source LSN folded in") now means: a number that strictly grows
-- with every record of a key and identifies its content (same key and version => same record
-- content); it fits NUMBER(38, 0) and a Java long. The MERGE rule is unchanged and only relies on
-- that: highest version wins, a stored row is only replaced by a strictly higher one.

-- The task reads the business table; stop it before its table and definition change. A run in
-- progress finishes first. It stays suspended until afterMigrate__resume_tasks.sql resumes it,
-- the last step of this migrate.
ALTER TASK IF EXISTS MERGE_SALES_DAILY_METRICS SUSPEND;

-- 1. The five fields, typed as gold.sales_daily_metrics in Iceberg (GoldTables, columns 14-18).
--    All nullable: a row from before the feeds has none, the rate or the door counts can be
--    missing for a day.
ALTER TABLE SALES_DAILY_METRICS ADD COLUMN IF NOT EXISTS REPORTING_CURRENCY VARCHAR(3)
    COMMENT 'ISO 4217 code NET_REVENUE_REPORTING is in';
ALTER TABLE SALES_DAILY_METRICS ADD COLUMN IF NOT EXISTS EXCHANGE_RATE NUMBER(18, 8)
    COMMENT 'units of REPORTING_CURRENCY per unit of CURRENCY on SALE_DATE; NULL while missing';
ALTER TABLE SALES_DAILY_METRICS ADD COLUMN IF NOT EXISTS NET_REVENUE_REPORTING NUMBER(18, 2)
    COMMENT 'NET_REVENUE at EXCHANGE_RATE, half-up to cents; NULL while the rate is missing';
ALTER TABLE SALES_DAILY_METRICS ADD COLUMN IF NOT EXISTS VISITORS NUMBER(19, 0)
    COMMENT 'people the door counters counted that day; NULL without counter data';
ALTER TABLE SALES_DAILY_METRICS ADD COLUMN IF NOT EXISTS CONVERSION_RATE NUMBER(9, 4)
    COMMENT 'ORDER_COUNT / VISITORS, 4 decimals half-up; NULL without visitors';
ALTER TABLE SALES_DAILY_METRICS ALTER COLUMN VERSION
    COMMENT 'strictly grows with every record of the key and identifies its content; only grows per key';

-- 2. Backfill. Every stored row came from one landing record, and the row says which: its
--    KAFKA_PARTITION and KAFKA_OFFSET. The five fields are taken from exactly that record, and
--    only if the record is still the row's key and VERSION (a recreated topic could reuse an
--    offset). So each row ends up with all its columns from one record, never a mix:
--      * "the latest record of the key" would not do: a newer record that is still in the stream
--        (not merged yet) would lend its fields to the older metrics beside them;
--      * a landing record with the same key and version but another offset is a replay of the
--        same record (version identifies the content), so any copy at that offset is right;
--        QUALIFY keeps one per row when a replay loaded the offset twice, so every row has at
--        most one source (an UPDATE ... FROM with two would be nondeterministic).
--    Rows without a matching record (none expected: the landing table is append-only and never
--    purged) keep NULLs, which the views treat as "not known". Deleted rows have no metrics: their
--    record carries none of the five fields, which stay NULL.
--    Money is read as the MERGE below reads it (exact text where the record has it). Records
--    published before the "decimals" strings only have the JSON numbers, which reached the
--    landing table through a double (see the MERGE); for them this is the best the landing
--    table still holds, and exact for values of up to 15 significant digits.
--    Idempotent: running this statement again sets the same values. ALTER TASK ... SUSPEND lets
--    a run in progress finish; if one committed after this statement started, run it again.
UPDATE SALES_DAILY_METRICS AS t
SET REPORTING_CURRENCY    = s.REPORTING_CURRENCY,
    EXCHANGE_RATE         = s.EXCHANGE_RATE,
    NET_REVENUE_REPORTING = s.NET_REVENUE_REPORTING,
    VISITORS              = s.VISITORS,
    CONVERSION_RATE       = s.CONVERSION_RATE
FROM (
    SELECT
        RECORD_CONTENT:sale_date::DATE                            AS SALE_DATE,
        RECORD_CONTENT:store_id::NUMBER(19, 0)                    AS STORE_ID,
        RECORD_CONTENT:version::NUMBER(38, 0)                     AS VERSION,
        RECORD_METADATA:partition::NUMBER(10, 0)                  AS KAFKA_PARTITION,
        RECORD_METADATA:offset::NUMBER(19, 0)                     AS KAFKA_OFFSET,
        RECORD_CONTENT:reporting_currency::VARCHAR                AS REPORTING_CURRENCY,
        EXACT:exchange_rate::NUMBER(18, 8)                        AS EXCHANGE_RATE,
        EXACT:net_revenue_reporting::NUMBER(18, 2)                AS NET_REVENUE_REPORTING,
        RECORD_CONTENT:visitors::NUMBER(19, 0)                    AS VISITORS,
        EXACT:conversion_rate::NUMBER(9, 4)                       AS CONVERSION_RATE
    FROM (
        SELECT
            RECORD_CONTENT,
            RECORD_METADATA,
            IFF(IS_OBJECT(RECORD_CONTENT:decimals), RECORD_CONTENT:decimals, RECORD_CONTENT) AS EXACT
        FROM SALES_DAILY_METRICS_LANDING
        WHERE RECORD_CONTENT IS NOT NULL
          AND RECORD_CONTENT:sale_date IS NOT NULL
          AND RECORD_CONTENT:store_id IS NOT NULL
          AND RECORD_CONTENT:version IS NOT NULL
    )
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY KAFKA_PARTITION, KAFKA_OFFSET, SALE_DATE, STORE_ID, VERSION
        ORDER BY KAFKA_OFFSET) = 1
) AS s
WHERE t.KAFKA_PARTITION = s.KAFKA_PARTITION
  AND t.KAFKA_OFFSET = s.KAFKA_OFFSET
  AND t.SALE_DATE = s.SALE_DATE
  AND t.STORE_ID = s.STORE_ID
  AND t.VERSION = s.VERSION;

-- 3. The MERGE, re-created (CREATE OR REPLACE: a new task is created suspended; the callback
--    resumes it). Same rule as V4:
--   * the batch is first reduced to one row per key (SALE_DATE, STORE_ID): the highest VERSION,
--     and of equal versions the highest Kafka offset (a replayed copy of the same record);
--   * a row only replaces the stored one if its VERSION is higher, so replays and out-of-order
--     arrivals never move a key backwards, and a second run over the same data changes nothing;
--   * "deleted": true sets DELETED (the row and its version stay; see V2).
-- Consuming the stream in a DML statement advances it when the task's transaction commits.
--
-- Money is exact. The connector's JsonConverter (schemas.enable=false) turns every JSON number
-- with a fraction into a double before it reaches RECORD_CONTENT: 0.10 arrives as 0.1 and
-- 9999999999995.37 as 9.99999999999537E12, which Snowflake keeps as a DOUBLE (measured with the
-- connector's own classes: connect/.../GoldRecordContentTest). Since the gold contract also
-- carries every decimal as exact text under "decimals", EXACT is that object, and the casts
-- below turn text into NUMBER(p, s) without any double. Records published before "decimals"
-- existed (replays of old offsets) fall back to the JSON numbers. Integers (counts, VERSION)
-- stay longs on that path and are exact either way.
--
-- Triggered, not scheduled: no SCHEDULE, so the task runs as soon as the stream has data
-- instead of at the next full minute (Snowflake "Triggered tasks"). A serverless triggered task
-- must set TARGET_COMPLETION_INTERVAL (the time Snowflake sizes its compute for) and no
-- WAREHOUSE. How often it can fire at most is Snowflake's minimum trigger interval
-- (USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS, left at the account's default here). The
-- stream is on a standard table, which triggered tasks support.
CREATE OR REPLACE TASK MERGE_SALES_DAILY_METRICS
    TARGET_COMPLETION_INTERVAL = '60 SECONDS'
    ALLOW_OVERLAPPING_EXECUTION = FALSE
    COMMENT = 'MERGE new sales_daily_metrics records (highest version per key wins) into SALES_DAILY_METRICS, triggered by new landing rows'
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
        EXACT:gross_revenue::NUMBER(18, 2)                        AS GROSS_REVENUE,
        EXACT:discounts::NUMBER(18, 2)                            AS DISCOUNTS,
        EXACT:net_revenue::NUMBER(18, 2)                          AS NET_REVENUE,
        EXACT:avg_order_value::NUMBER(18, 2)                      AS AVG_ORDER_VALUE,
        RECORD_CONTENT:distinct_customers::NUMBER(19, 0)          AS DISTINCT_CUSTOMERS,
        RECORD_CONTENT:reporting_currency::VARCHAR                AS REPORTING_CURRENCY,
        EXACT:exchange_rate::NUMBER(18, 8)                        AS EXCHANGE_RATE,
        EXACT:net_revenue_reporting::NUMBER(18, 2)                AS NET_REVENUE_REPORTING,
        RECORD_CONTENT:visitors::NUMBER(19, 0)                    AS VISITORS,
        EXACT:conversion_rate::NUMBER(9, 4)                       AS CONVERSION_RATE,
        RECORD_CONTENT:version::NUMBER(38, 0)                     AS VERSION,
        RECORD_CONTENT:updated_at::TIMESTAMP_TZ                   AS UPDATED_AT,
        COALESCE(RECORD_CONTENT:deleted::BOOLEAN, FALSE)          AS DELETED,
        RECORD_METADATA:partition::NUMBER(10, 0)                  AS KAFKA_PARTITION,
        RECORD_METADATA:offset::NUMBER(19, 0)                     AS KAFKA_OFFSET
    FROM (
        SELECT
            RECORD_CONTENT,
            RECORD_METADATA,
            IFF(IS_OBJECT(RECORD_CONTENT:decimals), RECORD_CONTENT:decimals, RECORD_CONTENT) AS EXACT
        FROM SALES_DAILY_METRICS_LANDING_STREAM
        WHERE RECORD_CONTENT IS NOT NULL
          AND RECORD_CONTENT:sale_date IS NOT NULL
          AND RECORD_CONTENT:store_id IS NOT NULL
          AND RECORD_CONTENT:version IS NOT NULL
    )
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
    REPORTING_CURRENCY    = s.REPORTING_CURRENCY,
    EXCHANGE_RATE         = s.EXCHANGE_RATE,
    NET_REVENUE_REPORTING = s.NET_REVENUE_REPORTING,
    VISITORS              = s.VISITORS,
    CONVERSION_RATE       = s.CONVERSION_RATE,
    VERSION               = s.VERSION,
    UPDATED_AT            = s.UPDATED_AT,
    DELETED               = s.DELETED,
    KAFKA_PARTITION       = s.KAFKA_PARTITION,
    KAFKA_OFFSET          = s.KAFKA_OFFSET,
    MERGED_AT             = CURRENT_TIMESTAMP()
WHEN NOT MATCHED THEN INSERT (
    SALE_DATE, STORE_ID, CURRENCY, ORDER_COUNT, CANCELLED_ORDER_COUNT, ITEMS_SOLD, GROSS_REVENUE,
    DISCOUNTS, NET_REVENUE, AVG_ORDER_VALUE, DISTINCT_CUSTOMERS, REPORTING_CURRENCY,
    EXCHANGE_RATE, NET_REVENUE_REPORTING, VISITORS, CONVERSION_RATE, VERSION, UPDATED_AT, DELETED,
    KAFKA_PARTITION, KAFKA_OFFSET, MERGED_AT)
VALUES (
    s.SALE_DATE, s.STORE_ID, s.CURRENCY, s.ORDER_COUNT, s.CANCELLED_ORDER_COUNT, s.ITEMS_SOLD,
    s.GROSS_REVENUE, s.DISCOUNTS, s.NET_REVENUE, s.AVG_ORDER_VALUE, s.DISTINCT_CUSTOMERS,
    s.REPORTING_CURRENCY, s.EXCHANGE_RATE, s.NET_REVENUE_REPORTING, s.VISITORS, s.CONVERSION_RATE,
    s.VERSION, s.UPDATED_AT, s.DELETED, s.KAFKA_PARTITION, s.KAFKA_OFFSET, CURRENT_TIMESTAMP());

-- 4. Views. Over the current (not deleted) rows, as in V5. Money is never summed across store
--    currencies; the reporting currency is what makes stores addable. Rates are recomputed from
--    their parts (orders / visitors), never averaged, and rounded half-up like gold (ROUND is half
--    away from zero; these are never negative). The dividend is cast to 12 decimals first: a
--    quotient of integers kept at Snowflake's default 6 decimals could be rounded twice (to 6,
--    then to 4) and differ from gold's own rate in the last digit. Weeks are ISO weeks (Monday to Sunday;
--    YEAROFWEEKISO, WEEKISO, DAYOFWEEKISO), which Snowflake computes without looking at the
--    WEEK_START or WEEK_OF_YEAR_POLICY parameters; V5's DATE_TRUNC('WEEK', ...) followed
--    WEEK_START, so the same view gave other weeks in a session with another setting.

-- Per store per day, with the store's attributes, the reporting currency and the visitors.
CREATE OR REPLACE VIEW KPI_STORE_DAILY
    COMMENT = 'Sales KPIs per store per day (store-local date), with reporting currency and conversion'
AS
SELECT
    m.SALE_DATE,
    m.STORE_ID,
    s.CODE   AS STORE_CODE,
    s.NAME   AS STORE_NAME,
    s.REGION,
    s.COUNTRY,
    m.CURRENCY,
    m.ORDER_COUNT,
    m.CANCELLED_ORDER_COUNT,
    m.ITEMS_SOLD,
    m.GROSS_REVENUE,
    m.DISCOUNTS,
    m.NET_REVENUE,
    m.AVG_ORDER_VALUE,
    m.DISTINCT_CUSTOMERS,
    m.REPORTING_CURRENCY,
    m.EXCHANGE_RATE,
    m.NET_REVENUE_REPORTING,
    m.VISITORS,
    m.CONVERSION_RATE,
    m.UPDATED_AT
FROM SALES_DAILY_METRICS m
LEFT JOIN STORES s ON s.STORE_ID = m.STORE_ID
WHERE NOT m.DELETED;

-- Per region per day (and store currency). Stores missing from STORES count under 'UNKNOWN'.
-- The conversion rate is over the stores that have visitor counts only (orders of a store without
-- counters have no visitors to divide by); VISITOR_STORE_COUNT says how many those are.
CREATE OR REPLACE VIEW KPI_REGION_DAILY
    COMMENT = 'Sales KPIs per region per day and currency, with visitors and conversion'
AS
SELECT
    m.SALE_DATE,
    COALESCE(s.REGION, 'UNKNOWN')                                  AS REGION,
    m.CURRENCY,
    COUNT(*)                                                       AS STORE_COUNT,
    SUM(m.ORDER_COUNT)                                             AS ORDER_COUNT,
    SUM(m.CANCELLED_ORDER_COUNT)                                   AS CANCELLED_ORDER_COUNT,
    SUM(m.ITEMS_SOLD)                                              AS ITEMS_SOLD,
    SUM(m.GROSS_REVENUE)                                           AS GROSS_REVENUE,
    SUM(m.DISCOUNTS)                                               AS DISCOUNTS,
    SUM(m.NET_REVENUE)                                             AS NET_REVENUE,
    ROUND(SUM(m.NET_REVENUE)::NUMBER(38, 12) / NULLIF(SUM(m.ORDER_COUNT), 0), 2)
                                                                   AS AVG_ORDER_VALUE,
    SUM(m.DISTINCT_CUSTOMERS)                                      AS STORE_CUSTOMERS,
    COUNT(m.VISITORS)                                              AS VISITOR_STORE_COUNT,
    SUM(m.VISITORS)                                                AS VISITORS,
    ROUND(SUM(IFF(m.VISITORS IS NULL, NULL, m.ORDER_COUNT))::NUMBER(38, 12)
          / NULLIF(SUM(m.VISITORS), 0), 4)                         AS CONVERSION_RATE
FROM SALES_DAILY_METRICS m
LEFT JOIN STORES s ON s.STORE_ID = m.STORE_ID
WHERE NOT m.DELETED
GROUP BY m.SALE_DATE, COALESCE(s.REGION, 'UNKNOWN'), m.CURRENCY;

-- Revenue in the reporting currency across all stores, whatever their own currency, per day.
-- A store-day without its exchange rate yet has no NET_REVENUE_REPORTING: it is left out of the
-- sum and counted in STORES_WITHOUT_RATE, so a partial total is visible as partial.
CREATE OR REPLACE VIEW KPI_REPORTING_CURRENCY_DAILY
    COMMENT = 'Net revenue in the reporting currency across all stores, and conversion, per day'
AS
SELECT
    m.SALE_DATE,
    m.REPORTING_CURRENCY,
    COUNT(*)                                                       AS STORE_COUNT,
    COUNT_IF(m.NET_REVENUE_REPORTING IS NULL)                      AS STORES_WITHOUT_RATE,
    SUM(m.NET_REVENUE_REPORTING)                                   AS NET_REVENUE_REPORTING,
    SUM(m.ORDER_COUNT)                                             AS ORDER_COUNT,
    COUNT(m.VISITORS)                                              AS VISITOR_STORE_COUNT,
    SUM(m.VISITORS)                                                AS VISITORS,
    ROUND(SUM(IFF(m.VISITORS IS NULL, NULL, m.ORDER_COUNT))::NUMBER(38, 12)
          / NULLIF(SUM(m.VISITORS), 0), 4)                         AS CONVERSION_RATE
FROM SALES_DAILY_METRICS m
WHERE NOT m.DELETED
  AND m.REPORTING_CURRENCY IS NOT NULL
GROUP BY m.SALE_DATE, m.REPORTING_CURRENCY;

-- Week-to-date (ISO week, from Monday) and month-to-date per store, for every day that has sales:
-- the running totals from the start of that day's week / month up to and including the day.
-- WEEK_START = SALE_DATE minus (ISO day of week - 1) days: Monday whatever the session says.
CREATE OR REPLACE VIEW KPI_STORE_PERIOD_TO_DATE
    COMMENT = 'ISO-week-to-date and month-to-date sales per store per day'
AS
SELECT
    m.SALE_DATE,
    m.STORE_ID,
    m.CURRENCY,
    YEAROFWEEKISO(m.SALE_DATE)                                    AS ISO_YEAR,
    WEEKISO(m.SALE_DATE)                                          AS ISO_WEEK,
    DATEADD('DAY', 1 - DAYOFWEEKISO(m.SALE_DATE), m.SALE_DATE)    AS WEEK_START,
    DATE_TRUNC('MONTH', m.SALE_DATE)                              AS MONTH_START,
    SUM(m.ORDER_COUNT) OVER (
        PARTITION BY m.STORE_ID, m.CURRENCY, YEAROFWEEKISO(m.SALE_DATE), WEEKISO(m.SALE_DATE)
        ORDER BY m.SALE_DATE ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS WTD_ORDER_COUNT,
    SUM(m.NET_REVENUE) OVER (
        PARTITION BY m.STORE_ID, m.CURRENCY, YEAROFWEEKISO(m.SALE_DATE), WEEKISO(m.SALE_DATE)
        ORDER BY m.SALE_DATE ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS WTD_NET_REVENUE,
    SUM(m.ITEMS_SOLD) OVER (
        PARTITION BY m.STORE_ID, m.CURRENCY, YEAROFWEEKISO(m.SALE_DATE), WEEKISO(m.SALE_DATE)
        ORDER BY m.SALE_DATE ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS WTD_ITEMS_SOLD,
    SUM(m.ORDER_COUNT) OVER (
        PARTITION BY m.STORE_ID, m.CURRENCY, DATE_TRUNC('MONTH', m.SALE_DATE)
        ORDER BY m.SALE_DATE ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS MTD_ORDER_COUNT,
    SUM(m.NET_REVENUE) OVER (
        PARTITION BY m.STORE_ID, m.CURRENCY, DATE_TRUNC('MONTH', m.SALE_DATE)
        ORDER BY m.SALE_DATE ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS MTD_NET_REVENUE,
    SUM(m.ITEMS_SOLD) OVER (
        PARTITION BY m.STORE_ID, m.CURRENCY, DATE_TRUNC('MONTH', m.SALE_DATE)
        ORDER BY m.SALE_DATE ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS MTD_ITEMS_SOLD
FROM SALES_DAILY_METRICS m
WHERE NOT m.DELETED;

-- How fresh each store's data is: now minus the newest UPDATED_AT (when lakestream computed the
-- store's latest record), and minus the newest MERGED_AT (when it reached this table). Deleted
-- rows count: a delete is news too. A store that stops sending shows a growing age.
CREATE OR REPLACE VIEW STORE_FRESHNESS
    COMMENT = 'Per store: seconds since the newest gold record was computed and since it was merged'
AS
SELECT
    m.STORE_ID,
    s.CODE                                                        AS STORE_CODE,
    s.NAME                                                        AS STORE_NAME,
    MAX(m.UPDATED_AT)                                             AS NEWEST_UPDATED_AT,
    DATEDIFF('SECOND', MAX(m.UPDATED_AT), CURRENT_TIMESTAMP())    AS SECONDS_SINCE_UPDATE,
    MAX(m.MERGED_AT)                                              AS NEWEST_MERGED_AT,
    DATEDIFF('SECOND', MAX(m.MERGED_AT), CURRENT_TIMESTAMP())     AS SECONDS_SINCE_MERGE
FROM SALES_DAILY_METRICS m
LEFT JOIN STORES s ON s.STORE_ID = m.STORE_ID
GROUP BY m.STORE_ID, s.CODE, s.NAME;
