-- Landing table of the gold topic lakestream.gold.sales_daily_metrics, written by the Snowflake
-- Kafka connector (Snowpipe Streaming, schematization off): one row per Kafka record, never
-- updated. RECORD_METADATA holds topic, partition, offset, key and timestamps; RECORD_CONTENT the
-- JSON value of the gold record contract. The connector would create the same two columns itself;
-- creating the table here lets the stream and task below exist before the first record arrives,
-- and keeps ownership with the migration role (the connector's role only needs INSERT).
CREATE TABLE IF NOT EXISTS SALES_DAILY_METRICS_LANDING (
    RECORD_METADATA VARIANT,
    RECORD_CONTENT  VARIANT
)
CHANGE_TRACKING = TRUE
COMMENT = 'Kafka landing (append-only) of lakestream.gold.sales_daily_metrics; loaded by the Snowflake Kafka connector';
