#!/usr/bin/env bash
# Bulk jobs (issue 17, dm-api.md section 5), three measurements in one run of the packaged core:
#  1. Expansion: SMALL (100,000) and LARGE (1,000,000) registered devices, seeded by SQL; a filter job over each
#     (rollout.maxPerMinute 1, so that dispatch does not mix in): the time from the POST until every execution
#     row exists and is Queued (the job's own counts, read by GET), the core's CPU and PostgreSQL's over it, and
#     the core's heap (peak while expanding, live after a full GC) for each size.
#  2. Results: FLEET (10,000) reference-client devices in fleet mode (bin/dm-device --fleet, one process, real
#     TLS, tokens from the authorization server); a job reading ./DevDetail from all of them, unpaced: results
#     recorded per second (executions ended per second, from the database's ended_at), next to pgbench running
#     the statements each result commits, against the same PostgreSQL in the same run.
#  3. Reads: GET /dmwsi/v1/jobs/{id} of the LARGE job (1,000,000 executions) while the fleet's results arrive:
#     p50/p99 over one keep-alive connection.
#   bench/dm-jobs.sh
#   SMALL=10000 LARGE=100000 FLEET=1000 bench/dm-jobs.sh      # a quick run
#   FLEET_KIND=dmbench bench/dm-jobs.sh   # the fleet from bench/DmBench.java instead (TWIN_AUTH_MODE=dev, devices
#                                         # name themselves with x-dev-devid: no token per device; model B1)
# Builds nothing; everything on free loopback ports; stops everything it started on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/dm-common.sh
SMALL=${SMALL:-100000}; LARGE=${LARGE:-1000000}; FLEET=${FLEET:-10000}; FLEET_RATE=${FLEET_RATE:-100}
TIMEOUT=${TIMEOUT_SECONDS:-600}; FLEET_KIND=${FLEET_KIND:-reference}
MODEL=Fleet10k; [ "$FLEET_KIND" = dmbench ] && MODEL=B1
need_jars "$CORE_JAR" "$AUTH_JAR" dm-client/target/dm-client.jar
command -v psql >/dev/null || apt-get install -y -q postgresql-client >/dev/null
command -v pgbench >/dev/null || apt-get install -y -q postgresql-contrib >/dev/null || true
ulimit -n "$(ulimit -Hn)"
machine

if [ "$FLEET_KIND" = dmbench ]; then
  export TWIN_AUTH_MODE=dev; TOKEN=none; compile_dmbench
else
  start_auth
  export TWIN_AUTH_MODE=jwt TWIN_DM_POLICIES="$PWD/config/dm-policies.json"
fi
start_core -Xmx1g
[ "$FLEET_KIND" = dmbench ] || TOKEN=$(curl -s -u dmwsi-demo:dmwsi-demo-secret -d grant_type=client_credentials \
  --data-urlencode 'scope=oma_dmwsi.jobs' "$ISSUER/oauth2/token" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
api() { curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }
count() { echo "$1" | grep -o "\"$2\":[0-9]*" | grep -o '[0-9]*$' || echo 0; }
now_ms() { date +%s%3N; }

seed() { # MODEL N: N known devices of MODEL, in batches of 100,000 rows
  local model=$1 n=$2 done=0 step
  while [ "$done" -lt "$n" ]; do
    step=$(( n - done < 100000 ? n - done : 100000 ))
    psql_q "INSERT INTO dm_device (dev_id, man, mod, fw_v, supported_mos, last_seen, created_at)
            SELECT 'urn:dev:bench:$model-' || lpad((g + $done)::text, 8, '0'), 'Acme', '$model', '1.0.0', '[]'::jsonb,
                   now() - interval '1 hour', now() - interval '1 hour' FROM generate_series(1, $step) g" >/dev/null
    done=$(( done + step ))
  done
}

expand() { # MODEL N: prints "ms peak_heap_mb live_heap_mb core_cpu_ms pg_cpu_ms jobId"
  local model=$1 n=$2 job t0 t1 c0 g0 c1 g1 peak=0 h queued=0 body
  "$JCMD" "$CORE" GC.run >/dev/null
  c0=$(cpu_ticks "$CORE"); g0=$(pg_ticks); t0=$(now_ms)
  job=$(api -X POST "$REST/dmwsi/v1/jobs" -d '{"job":{"operation":{"type":"retrieve","uris":["./DevDetail"]},
        "targets":{"filter":"mod=='"$model"'"},"rollout":{"maxPerMinute":1}}}' | grep -o '"jobId":"[^"]*"' | cut -d'"' -f4)
  [ -n "$job" ] || { echo "the job was not created"; exit 1; }
  for _ in $(seq 1 $(( TIMEOUT * 4 ))); do
    body=$(api "$REST/dmwsi/v1/jobs/$job")
    queued=$(( $(count "$body" Queued) + $(count "$body" Delivered) + $(count "$body" Succeeded) ))
    h=$(heap_used_mb "$CORE"); [ "$h" -gt "$peak" ] && peak=$h
    [ "$queued" -ge "$n" ] && break
    sleep 0.25
  done
  t1=$(now_ms); c1=$(cpu_ticks "$CORE"); g1=$(pg_ticks)
  [ "$queued" -ge "$n" ] || { echo "expansion of $n NOT DONE after ${TIMEOUT} s: $queued"; exit 1; }
  echo "$(( t1 - t0 )) $peak $(heap_live_mb "$CORE") $(ticks_ms $(( c1 - c0 ))) $(ticks_ms $(( g1 - g0 ))) $job"
}

echo "== 1. expansion"
t=$(now_ms); seed BenchS "$SMALL"; seed BenchL "$LARGE"; echo "seeded $SMALL + $LARGE devices in $(( $(now_ms) - t )) ms"
psql_q "ANALYZE dm_device" >/dev/null
read -r s_ms s_peak s_live s_cpu s_pg s_job < <(expand BenchS "$SMALL")
echo "expansion $SMALL: ${s_ms} ms; heap peak ${s_peak} MB, live after ${s_live} MB; core CPU ${s_cpu} ms, PostgreSQL CPU ${s_pg} ms"
read -r l_ms l_peak l_live l_cpu l_pg l_job < <(expand BenchL "$LARGE")
echo "expansion $LARGE: ${l_ms} ms; heap peak ${l_peak} MB, live after ${l_live} MB; core CPU ${l_cpu} ms, PostgreSQL CPU ${l_pg} ms"
echo "rows per second: $(( SMALL * 1000 / s_ms )) ($SMALL), $(( LARGE * 1000 / l_ms )) ($LARGE); live heap ratio 1M/100k: $(awk "BEGIN {printf \"%.2f\", $l_live / $s_live}")"

echo "== 2. $FLEET devices ($FLEET_KIND) complete a job"
if [ "$FLEET_KIND" = dmbench ]; then
  "$JAVA" -Xmx1g -cp "$DATA/classes" DmBench devices "https://127.0.0.1:$DM_PORT/dm/v2" "$DM_FP" "$FLEET" "$FLEET_RATE" 60 \
    $(( TIMEOUT * 2 )) > "$DATA/fleet.log" 2>&1 & FLEET_PID=$!; STARTED+=("$FLEET_PID")
else
  DM_DEVICE_TOKEN= "$JAVA" -Xmx1g -jar dm-client/target/dm-client.jar --server "https://127.0.0.1:$DM_PORT/dm/v2" \
    --issuer "$ISSUER" --trust-fingerprint "$DM_FP" --fleet "$FLEET" --fleet-rate "$FLEET_RATE" --model Fleet10k \
    --firmware 2.0.0 --wait 60 --state-dir "$DATA/fleet" > "$DATA/fleet.log" 2>&1 & FLEET_PID=$!; STARTED+=("$FLEET_PID")
fi
for _ in $(seq 1 $(( FLEET / FLEET_RATE + 60 ))); do
  sleep 5 # (a count over 1.1 million devices: not every second)
  kill -0 "$FLEET_PID" 2>/dev/null || { echo "the fleet ended:"; tail -20 "$DATA/fleet.log"; exit 1; }
  [ "$(psql_q "SELECT count(*) FROM dm_device WHERE mod = '$MODEL' AND last_seen IS NOT NULL")" -ge "$FLEET" ] && break
done
sleep 5
echo "fleet: $(psql_q "SELECT count(*) FROM dm_device WHERE mod = '$MODEL'") devices known; $(grep -E '^(fleet:|stats)' "$DATA/fleet.log" | tail -1)"

# reads of the 1,000,000-execution job while the fleet's results arrive (one keep-alive connection)
reads() {
  local url="$REST/dmwsi/v1/jobs/$l_job" args=() i
  for i in $(seq 1 50); do args+=("$url"); done
  while :; do curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" -w '%{time_total}\n' "${args[@]}"; done
}
reads > "$DATA/reads.txt" 2>/dev/null & READS=$!; STARTED+=("$READS")

c0=$(cpu_ticks "$CORE"); g0=$(pg_ticks); t0=$(now_ms)
f_job=$(api -X POST "$REST/dmwsi/v1/jobs" -d '{"job":{"operation":{"type":"retrieve","uris":["./DevDetail/FwV"]},
        "targets":{"filter":"mod=='"$MODEL"'"}}}' | grep -o '"jobId":"[^"]*"' | cut -d'"' -f4)
ended=0
for _ in $(seq 1 $(( TIMEOUT * 4 ))); do
  body=$(api "$REST/dmwsi/v1/jobs/$f_job")
  echo "$body" | grep -q '"endedTime"' && break
  sleep 0.25
done
t1=$(now_ms); c1=$(cpu_ticks "$CORE"); g1=$(pg_ticks)
kill "$READS" 2>/dev/null || true
echo "job over the fleet: $(echo "$body" | grep -o '"counts":{[^}]*}') in $(( t1 - t0 )) ms from the POST"
read -r first last n < <(psql_q "SELECT extract(epoch FROM min(ended_at)) * 1000, extract(epoch FROM max(ended_at)) * 1000,
  count(*) FROM dm_job_execution WHERE job_id = '$f_job' AND state = 'SUCCEEDED'" | tr '|' ' ')
rps=$(awk "BEGIN {printf \"%.0f\", $n * 1000 / ($last - $first)}")
echo "results recorded: $n, first to last $(awk "BEGIN {printf \"%.0f\", $last - $first}") ms: $rps results/s; core CPU $(ticks_ms $(( c1 - c0 ))) ms, PostgreSQL CPU $(ticks_ms $(( g1 - g0 ))) ms; core CPU per result $(awk "BEGIN {printf \"%.2f\", $(ticks_ms $(( c1 - c0 ))) / $n}") ms"

echo "== 3. GET of the $LARGE-execution job while results arrived"
sort -n "$DATA/reads.txt" | awk '{a[NR] = $1 * 1000} END {if (NR == 0) {print "no reads"; exit}
  printf "reads: %d, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", NR, a[int(NR * 0.5) + 1], a[int(NR * 0.99) + 1], a[NR]}'

echo "== pgbench: each result's statements, same PostgreSQL, same run"
cat > "$DATA/result.sql" <<SQL
\\set n random(1, $FLEET)
BEGIN;
UPDATE dm_command SET status = status WHERE operation_id = (SELECT operation_id FROM dm_job_execution WHERE job_id = '$f_job' AND seq = :n);
UPDATE dm_operation SET state = 'SUCCEEDED', results = results, timeline = timeline WHERE id = (SELECT operation_id FROM dm_job_execution WHERE job_id = '$f_job' AND seq = :n);
SELECT job_id, seq, state FROM dm_job_execution WHERE operation_id = (SELECT operation_id FROM dm_job_execution WHERE job_id = '$f_job' AND seq = :n) FOR UPDATE;
SELECT push_each FROM dm_job WHERE id = '$f_job';
UPDATE dm_job_execution SET state = 'SUCCEEDED', ended_at = now(), unpushed = false WHERE job_id = '$f_job' AND seq = :n;
INSERT INTO dm_job_count (job_id, shard, state, n) VALUES ('$f_job', :n % 8, 'DELIVERED', 0), ('$f_job', :n % 8, 'SUCCEEDED', 0) ON CONFLICT (job_id, shard, state) DO UPDATE SET n = dm_job_count.n + excluded.n;
INSERT INTO dm_transaction (transaction_id, kind, client_id, operation_id, job_id, summary, success, occurred_at) VALUES ('t-b' || :n || '-' || random(), 'command', 'dmwsi-demo', NULL, '$f_job', 'GET ./DevDetail/FwV: 200', true, now()), ('t-b' || :n || '-' || random(), 'operation', 'dmwsi-demo', NULL, '$f_job', 'retrieve ./DevDetail/FwV: Succeeded 200', true, now());
END;
SQL
if command -v pgbench >/dev/null; then
  pb=$(PGPASSWORD= pgbench -h 127.0.0.1 -p "$PGPORT" -U postgres -n -c 8 -j 2 -T 15 -f "$DATA/result.sql" postgres 2>&1 | tee "$DATA/pgbench.txt" | grep -o 'tps = [0-9.]*' | head -1 | awk '{print $3}')
  echo "pgbench: $pb transactions/s (8 clients); results/s over pgbench: $(awk "BEGIN {printf \"%.2f\", $rps / $pb}")"
else
  echo "pgbench: not installed"
fi
echo "command: bench/dm-jobs.sh (SMALL=$SMALL LARGE=$LARGE FLEET=$FLEET FLEET_KIND=$FLEET_KIND); core -Xmx1g, TWIN_AUTH_MODE=$TWIN_AUTH_MODE, 2 job workers"
