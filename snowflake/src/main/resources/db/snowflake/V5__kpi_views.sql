-- KPI views for BI tools, over the current (not deleted) rows of SALES_DAILY_METRICS.
-- Money is never summed across currencies: every view that adds stores together groups by
-- CURRENCY too. Averages are recomputed from their parts (net revenue / orders), never averaged.
-- Weeks start on the day set by the WEEK_START parameter (Snowflake's default 0: Monday, ISO).

-- Per store per day, with the store's attributes.
CREATE OR REPLACE VIEW KPI_STORE_DAILY
    COMMENT = 'Sales KPIs per store per day (store-local date)'
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
    m.UPDATED_AT
FROM SALES_DAILY_METRICS m
LEFT JOIN STORES s ON s.STORE_ID = m.STORE_ID
WHERE NOT m.DELETED;

-- Per region per day (and currency). Stores missing from STORES count under region 'UNKNOWN'.
-- DISTINCT_CUSTOMERS is the sum over stores: a customer buying in two stores counts twice.
CREATE OR REPLACE VIEW KPI_REGION_DAILY
    COMMENT = 'Sales KPIs per region per day and currency'
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
    ROUND(SUM(m.NET_REVENUE) / NULLIF(SUM(m.ORDER_COUNT), 0), 2)   AS AVG_ORDER_VALUE,
    SUM(m.DISTINCT_CUSTOMERS)                                      AS STORE_CUSTOMERS
FROM SALES_DAILY_METRICS m
LEFT JOIN STORES s ON s.STORE_ID = m.STORE_ID
WHERE NOT m.DELETED
GROUP BY m.SALE_DATE, COALESCE(s.REGION, 'UNKNOWN'), m.CURRENCY;

-- Week-to-date and month-to-date per store, for every day that has sales: the running totals
-- from the start of that day's week / month up to and including the day.
CREATE OR REPLACE VIEW KPI_STORE_PERIOD_TO_DATE
    COMMENT = 'Week-to-date and month-to-date sales per store per day'
AS
SELECT
    m.SALE_DATE,
    m.STORE_ID,
    m.CURRENCY,
    DATE_TRUNC('WEEK', m.SALE_DATE)  AS WEEK_START,
    DATE_TRUNC('MONTH', m.SALE_DATE) AS MONTH_START,
    SUM(m.ORDER_COUNT) OVER (
        PARTITION BY m.STORE_ID, m.CURRENCY, DATE_TRUNC('WEEK', m.SALE_DATE)
        ORDER BY m.SALE_DATE ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS WTD_ORDER_COUNT,
    SUM(m.NET_REVENUE) OVER (
        PARTITION BY m.STORE_ID, m.CURRENCY, DATE_TRUNC('WEEK', m.SALE_DATE)
        ORDER BY m.SALE_DATE ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS WTD_NET_REVENUE,
    SUM(m.ITEMS_SOLD) OVER (
        PARTITION BY m.STORE_ID, m.CURRENCY, DATE_TRUNC('WEEK', m.SALE_DATE)
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

-- Each store-day next to the same weekday one week earlier (NULL when that day had no sales).
CREATE OR REPLACE VIEW KPI_STORE_SAME_DAY_LAST_WEEK
    COMMENT = 'Sales per store per day compared with the same day one week earlier'
AS
SELECT
    m.SALE_DATE,
    m.STORE_ID,
    m.CURRENCY,
    m.ORDER_COUNT,
    m.NET_REVENUE,
    DATEADD('DAY', -7, m.SALE_DATE)                               AS LAST_WEEK_DATE,
    p.ORDER_COUNT                                                 AS LAST_WEEK_ORDER_COUNT,
    p.NET_REVENUE                                                 AS LAST_WEEK_NET_REVENUE,
    m.NET_REVENUE - p.NET_REVENUE                                 AS NET_REVENUE_CHANGE,
    ROUND(100 * (m.NET_REVENUE - p.NET_REVENUE) / NULLIF(p.NET_REVENUE, 0), 2)
                                                                  AS NET_REVENUE_CHANGE_PCT
FROM SALES_DAILY_METRICS m
LEFT JOIN SALES_DAILY_METRICS p
    ON p.STORE_ID = m.STORE_ID
   AND p.CURRENCY = m.CURRENCY
   AND p.SALE_DATE = DATEADD('DAY', -7, m.SALE_DATE)
   AND NOT p.DELETED
WHERE NOT m.DELETED;
