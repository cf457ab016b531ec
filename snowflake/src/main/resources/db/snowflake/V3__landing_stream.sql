-- What the landing table gained since the task last consumed it. Append-only: the landing table
-- is only ever inserted into, and an append-only stream is cheaper and never shows deletes.
-- A stream goes stale if nothing reads it for longer than the table's data retention (plus
-- MAX_DATA_EXTENSION_TIME_IN_DAYS): the task below reads it whenever it has data, and `verify`
-- reports a stale stream.
CREATE STREAM IF NOT EXISTS SALES_DAILY_METRICS_LANDING_STREAM
    ON TABLE SALES_DAILY_METRICS_LANDING
    APPEND_ONLY = TRUE
    COMMENT = 'New landing rows for MERGE_SALES_DAILY_METRICS';
