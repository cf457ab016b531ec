-- The typed business table: current state of sales_daily_metrics, one row per gold key
-- (SALE_DATE, STORE_ID), loaded only by the task MERGE_SALES_DAILY_METRICS (V4).
--
-- A group that disappears in gold arrives as "deleted": true. Its row is kept with DELETED = TRUE
-- and its VERSION rather than removed: a replayed older record of the same key then still loses
-- against the stored version instead of bringing the group back. The KPI views show only rows
-- that are not deleted.
CREATE TABLE IF NOT EXISTS SALES_DAILY_METRICS (
    SALE_DATE             DATE          NOT NULL COMMENT 'order date in the store''s own time zone',
    STORE_ID              NUMBER(19, 0) NOT NULL,
    CURRENCY              VARCHAR(3)             COMMENT 'ISO 4217 code of the store''s prices',
    ORDER_COUNT           NUMBER(19, 0),
    CANCELLED_ORDER_COUNT NUMBER(19, 0),
    ITEMS_SOLD            NUMBER(19, 0),
    GROSS_REVENUE         NUMBER(18, 2),
    DISCOUNTS             NUMBER(18, 2),
    NET_REVENUE           NUMBER(18, 2),
    AVG_ORDER_VALUE       NUMBER(18, 2),
    DISTINCT_CUSTOMERS    NUMBER(19, 0),
    VERSION               NUMBER(38, 0) NOT NULL COMMENT 'highest source LSN folded in; only grows per key',
    UPDATED_AT            TIMESTAMP_TZ           COMMENT 'when lakestream computed this version',
    DELETED               BOOLEAN       NOT NULL DEFAULT FALSE,
    KAFKA_PARTITION       NUMBER(10, 0),
    KAFKA_OFFSET          NUMBER(19, 0),
    MERGED_AT             TIMESTAMP_LTZ NOT NULL DEFAULT CURRENT_TIMESTAMP(),
    CONSTRAINT SALES_DAILY_METRICS_PK PRIMARY KEY (SALE_DATE, STORE_ID)
)
COMMENT = 'Current daily sales metrics per store (lakestream gold); deleted groups kept with DELETED = TRUE';

-- Store dimension for the per-region KPIs. Loaded from silver.stores (the lakestream silver
-- Iceberg table of shop.stores); no topic carries stores yet, so until one does it is loaded by
-- the operator (see README, "Snowflake"). Columns follow shop.stores.
CREATE TABLE IF NOT EXISTS STORES (
    STORE_ID   NUMBER(19, 0) NOT NULL,
    CODE       VARCHAR       NOT NULL,
    NAME       VARCHAR       NOT NULL,
    REGION     VARCHAR       NOT NULL,
    CITY       VARCHAR       NOT NULL,
    COUNTRY    VARCHAR(2)    NOT NULL,
    TIME_ZONE  VARCHAR       NOT NULL COMMENT 'IANA time zone name',
    CURRENCY   VARCHAR(3)    NOT NULL,
    OPENED_ON  DATE,
    ACTIVE     BOOLEAN       NOT NULL DEFAULT TRUE,
    UPDATED_AT TIMESTAMP_LTZ,
    CONSTRAINT STORES_PK PRIMARY KEY (STORE_ID)
)
COMMENT = 'Store dimension (from silver.stores) for the per-region KPI views';
