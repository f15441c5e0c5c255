#!/usr/bin/env bash
# Fault test for bulk jobs (issue 17): kill -9 the core while a job's targets are being expanded into
# executions, and while its executions are being dispatched (each becoming an operation queued for its
# device); restart it on the same data and let the job go on. Checked in SQL after each round: every target has
# exactly one execution (no duplicate, no gap in its seq), every dispatched execution exactly one operation of its
# own device and no operation of the job without its execution; the job's counts (kept as it ran) equal a count
# of the rows; and the job completes (the dispatch round's job is then cancelled and must end with every
# execution Cancelled). Loopback only, bounded (a few minutes).
#   bench/fault-job-kill.sh                       # 300,000 targets expanded, 10,000 dispatched, 2 rounds each
#   EXPAND=50000 DISPATCH=3000 ROUNDS=1 bench/fault-job-kill.sh
# Uses the packaged jar on embedded defaults (its PostgreSQL in a data dir kept across the restarts).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/dm-common.sh
EXPAND=${EXPAND:-300000}; DISPATCH=${DISPATCH:-10000}; ROUNDS=${ROUNDS:-2}
need_jars "$CORE_JAR"
command -v psql >/dev/null || apt-get install -y -q postgresql-client >/dev/null
export TWIN_AUTH_MODE=dev
machine
failures=0

restart() { # kill -9 now, then start again on the same data (the orphaned PostgreSQL is stopped by the start)
  kill -9 "$CORE"; wait "$CORE" 2>/dev/null || true
  start_core -Xmx512m
}
job_json() { curl -s "$REST/dmwsi/v1/jobs/$1"; }
count() { echo "$1" | grep -o "\"$2\":[0-9]*" | grep -o '[0-9]*$' || echo 0; }
check() { # JOB N: the invariants, straight from PostgreSQL; prints them and counts a failure
  local job=$1 n=$2 rows devices maxseq orphans twice counted
  rows=$(psql_q "SELECT count(*) FROM dm_job_execution WHERE job_id = '$job'")
  devices=$(psql_q "SELECT count(DISTINCT dev_id) FROM dm_job_execution WHERE job_id = '$job'")
  maxseq=$(psql_q "SELECT coalesce(max(seq), 0) FROM dm_job_execution WHERE job_id = '$job'")
  twice=$(psql_q "SELECT count(*) FROM (SELECT dev_id FROM dm_operation WHERE requester_id = '$job' GROUP BY dev_id
                   HAVING count(*) > 1) d")
  orphans=$(psql_q "SELECT count(*) FROM dm_operation o WHERE requester_id = '$job' AND NOT EXISTS (SELECT 1 FROM
                   dm_job_execution e WHERE e.operation_id = o.id AND e.dev_id = o.dev_id)")
  counted=$(psql_q "SELECT (SELECT coalesce(sum(n), 0) FROM dm_job_count WHERE job_id = '$job') -
                   (SELECT count(*) FROM dm_job_execution WHERE job_id = '$job')")
  echo "  executions $rows of $n targets, distinct devices $devices, max seq $maxseq; devices with two operations:" \
       "$twice; operations without their execution: $orphans; counts minus rows: $counted"
  if [ "$rows" != "$n" ] || [ "$devices" != "$n" ] || [ "$maxseq" != "$n" ] || [ "$twice" != 0 ] || [ "$orphans" != 0 ] \
     || [ "$counted" != 0 ]; then
    echo "  FAILED"; failures=$(( failures + 1 ))
  fi
}
seed() { # MODEL N
  psql_q "INSERT INTO dm_device (dev_id, man, mod, supported_mos, last_seen, created_at)
          SELECT 'urn:dev:fault:$1-' || lpad(g::text, 8, '0'), 'Acme', '$1', '[]'::jsonb, now() - interval '1 hour',
                 now() - interval '1 hour' FROM generate_series(1, $2) g" >/dev/null
}
post() { # FILTER MAX_PER_MINUTE(or empty): prints the jobId
  local rollout=""; [ -n "$2" ] && rollout=",\"rollout\":{\"maxPerMinute\":$2}"
  curl -s -X POST "$REST/dmwsi/v1/jobs" -H 'Content-Type: application/json' -d "{\"job\":{\"operation\":{\"type\":
    \"retrieve\",\"uris\":[\"./DevDetail\"]},\"targets\":{\"filter\":\"$1\"}$rollout}}" | grep -o '"jobId":"[^"]*"' | cut -d'"' -f4
}
wait_for() { # SQL VALUE SECONDS: until the query answers VALUE
  for _ in $(seq 1 $(( $3 * 10 ))); do [ "$(psql_q "$1")" = "$2" ] && return 0; sleep 0.1; done
  return 1
}

start_core -Xmx512m
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round: expansion of $EXPAND targets"
  seed "E$round" "$EXPAND"
  job=$(post "mod==E$round" 1)
  # kill once some executions exist and others do not yet
  for _ in $(seq 1 600); do
    made=$(psql_q "SELECT count(*) FROM dm_job_execution WHERE job_id = '$job'")
    [ "$made" -gt 0 ] && break; sleep 0.05
  done
  sleep "0.$(( RANDOM % 9 + 1 ))"
  made=$(psql_q "SELECT count(*) FROM dm_job_execution WHERE job_id = '$job'")
  restart
  echo "  killed with $made of $EXPAND executions made"
  [ "$made" -lt "$EXPAND" ] || echo "  (the expansion had already finished: raise EXPAND)"
  wait_for "SELECT count(*) FROM dm_job_execution WHERE job_id = '$job'" "$EXPAND" 300 || echo "  expansion did not finish"
  check "$job" "$EXPAND"
  curl -s -X POST "$REST/dmwsi/v1/jobs/$job/cancel" -H 'Content-Type: application/json' -d '{}' >/dev/null

  echo "round $round: dispatch of $DISPATCH executions"
  seed "D$round" "$DISPATCH"
  job=$(post "mod==D$round" "")
  for _ in $(seq 1 600); do
    ops=$(psql_q "SELECT count(*) FROM dm_operation WHERE requester_id = '$job'")
    [ "$ops" -gt 0 ] && break; sleep 0.05
  done
  sleep "0.$(( RANDOM % 9 + 1 ))"
  ops=$(psql_q "SELECT count(*) FROM dm_operation WHERE requester_id = '$job'")
  restart
  echo "  killed with $ops of $DISPATCH operations dispatched"
  wait_for "SELECT count(*) FROM dm_operation WHERE requester_id = '$job'" "$DISPATCH" 300 || echo "  dispatch did not finish"
  check "$job" "$DISPATCH"
  curl -s -X POST "$REST/dmwsi/v1/jobs/$job/cancel" -H 'Content-Type: application/json' -d '{}' >/dev/null
  if wait_for "SELECT count(*) FROM dm_job WHERE id = '$job' AND ended_at IS NOT NULL" 1 300; then
    body=$(job_json "$job")
    echo "  after cancel: $(echo "$body" | grep -o '"state":"[A-Za-z]*"' | head -1), $(echo "$body" | grep -o '"counts":{[^}]*}')"
    [ "$(count "$body" Cancelled)" = "$DISPATCH" ] || { echo "  FAILED: not every execution Cancelled"; failures=$(( failures + 1 )); }
  else
    echo "  FAILED: the job did not end"; failures=$(( failures + 1 ))
  fi
done
echo "command: bench/fault-job-kill.sh (EXPAND=$EXPAND DISPATCH=$DISPATCH ROUNDS=$ROUNDS); failures: $failures"
[ "$failures" = 0 ]
