#!/bin/sh
# Registers (or updates) the Snowflake sink on the compose Connect worker, only when Snowflake
# settings are given in .env. It sends connect/config/snowflake-sink.json, the connector
# configuration every deployment uses: its "config" object goes to PUT /connectors/<name>/config
# (creates or updates, so `docker compose up` can be repeated). The values are ${env:...}
# references the worker's env config provider resolves, so the secrets never travel through the
# REST API or its logs.
#
#   register-snowflake-sink.sh            register on http://connect:8083
#   register-snowflake-sink.sh --print    print the request line and body only (the build checks it)
#
# The image has no JSON tool: the "config" object is cut out of the file as it is laid out, one
# entry per line with the object closed by a line of its own (ComposeFileTest checks the result).
set -eu
file=${SNOWFLAKE_SINK_JSON:-/etc/lakestream/snowflake-sink.json}

name=$(sed -n 's/^ *"name": *"\([^"]*\)".*/\1/p' "$file" | head -n 1)
body=$(awk '
  /"config": *\{/ { inside = 1; print "{"; next }
  inside && /^ *\}/ { print "}"; exit }
  inside { print }
' "$file")
request="/connectors/${name}/config"

if [ "${1:-}" = "--print" ]; then
  echo "PUT ${request}"
  printf '%s\n' "$body"
  exit 0
fi
if [ -z "${SNOWFLAKE_URL:-}" ]; then
  echo "Snowflake settings not given (SNOWFLAKE_URL in .env): the sink connector is not registered"
  exit 0
fi
printf '%s\n' "$body" | curl -fsS -X PUT -H 'Content-Type: application/json' --data @- \
  "http://connect:8083${request}"
echo
echo "${name} registered"
