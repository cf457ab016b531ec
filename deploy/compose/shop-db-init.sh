#!/bin/sh
# Runs once, when the shop-db volume is created (docker-entrypoint-initdb.d, after the shop
# schema): the CDC user of the IngestionJob, the heartbeat table and the publication it reads. The job's user then
# needs neither superuser rights nor ownership of the tables.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v cdc_password="$SHOP_CDC_PASSWORD" <<'SQL'
CREATE ROLE lakestream_cdc WITH LOGIN REPLICATION PASSWORD :'cdc_password';
GRANT USAGE ON SCHEMA shop TO lakestream_cdc;
GRANT SELECT ON ALL TABLES IN SCHEMA shop TO lakestream_cdc;
-- the slot guardian's heartbeat writes here, so the slot moves while the shop is idle
CREATE TABLE public.lakestream_heartbeat (slot_name text PRIMARY KEY, beat_at timestamptz NOT NULL);
GRANT SELECT, INSERT, UPDATE ON public.lakestream_heartbeat TO lakestream_cdc;
CREATE PUBLICATION lakestream_ingestion_pub
    FOR TABLE shop.stores, shop.customers, shop.products, shop.orders, shop.order_lines,
              public.lakestream_heartbeat;
SQL
