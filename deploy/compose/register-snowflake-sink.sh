#!/bin/sh
# Registers (or updates) the Snowflake sink on the compose Connect worker, only when Snowflake
# settings are given in .env. The configuration names the secrets as ${env:...}: the worker
# resolves them, so they never travel through the REST API or its logs.
set -eu
if [ -z "${SNOWFLAKE_URL:-}" ]; then
  echo "Snowflake settings not given (SNOWFLAKE_URL in .env): the sink connector is not registered"
  exit 0
fi
curl -fsS -X PUT -H 'Content-Type: application/json' \
  --data @/etc/lakestream/snowflake-sink.json \
  http://connect:8083/connectors/lakestream-snowflake-sink/config
echo
echo "lakestream-snowflake-sink registered"
