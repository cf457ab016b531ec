#!/usr/bin/env bash
# Submits one lakestream job to the compose session cluster, unless a job of that name is
# already running (so `docker compose up` can be repeated). Runs in the Flink image: main() runs
# here, checks PostgreSQL, the catalog and S3, and hands the job graph to the JobManager.
#
# Environment: JOB_CLASS (entry class), JOB_NAME, LAKESTREAM_CONFIG (the mounted properties
# file), and the job's secrets as LAKESTREAM_<KEY> variables.
set -euo pipefail
jobmanager=jobmanager:8081
if /opt/flink/bin/flink list -r -m "$jobmanager" | grep -q " : ${JOB_NAME} (RUNNING)"; then
  echo "${JOB_NAME} is already running"
  exit 0
fi
exec /opt/flink/bin/flink run -d -m "$jobmanager" -c "$JOB_CLASS" \
  /opt/flink/usrlib/lakestream-flink-jobs.jar --config "$LAKESTREAM_CONFIG"
