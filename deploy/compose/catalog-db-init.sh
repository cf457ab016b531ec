#!/bin/sh
# Runs once, when the catalog-db volume is created: the database and user of the Iceberg JDBC
# catalog (Iceberg creates its own tables in it on first use).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v catalog_password="$CATALOG_DB_PASSWORD" <<'SQL'
CREATE ROLE lakestream_catalog WITH LOGIN PASSWORD :'catalog_password';
CREATE DATABASE iceberg_catalog OWNER lakestream_catalog;
SQL
