#!/usr/bin/env bash
# 1,000 devices taken through a server-initiated session at once: each holds a long poll
# (GET /dm/v2/sessions/pending?wait=60); then 1,000 DMWSI retrieve ./DevDetail operations (one per device) are
# posted as fast as the core accepts them (bench/DmBench.java operations, 64 in flight); each device's poll
# returns, it starts the session, answers the GET, reports. Measured: the time from the first POST until every
# operation is Succeeded (counted in the database every 0.2 s; the exact end is the last operation's Succeeded
# time in its timeline), per-operation time from acceptance to Succeeded, and the core's CPU (and the embedded
# PostgreSQL's) over that interval. Development authentication (TWIN_AUTH_MODE=dev: devices send x-dev-devid,
# DMWSI calls carry no token).
#   bench/dm-sessions.sh                     # 1000 devices, 64 POSTs in flight, 2 rounds (cold, warm)
#   DEVICES=200 CONCURRENCY=16 bench/dm-sessions.sh
# Builds nothing: starts the packaged core on free loopback ports with a temporary TWIN_DATA_DIR, stops it and
# the devices on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/dm-common.sh
DEVICES=${DEVICES:-1000}; RATE=${RATE:-250}; CONCURRENCY=${CONCURRENCY:-64}; TIMEOUT=${TIMEOUT_SECONDS:-300}; ROUNDS=${ROUNDS:-2}
need_jars "$CORE_JAR"
compile_dmbench
command -v psql >/dev/null || apt-get install -y -q postgresql-client >/dev/null
ulimit -n "$(ulimit -Hn)"

export TWIN_AUTH_MODE=dev
start_core -Xmx512m
established() { ss -Htn state established "( sport = :$DM_PORT )" | wc -l; }
"$JAVA" -Xmx512m -cp "$DATA/classes" DmBench devices "https://127.0.0.1:$DM_PORT/dm/v2" "$DM_FP" "$DEVICES" "$RATE" 60 \
  $(( DEVICES / RATE + ROUNDS * (TIMEOUT + 60) + 120 )) > "$DATA/devices.log" 2>&1 & GEN=$!; STARTED+=("$GEN")
stat() { grep '^stats' "$DATA/devices.log" | tail -1 | grep -o "$1=[0-9]*" | cut -d= -f2; }
for _ in $(seq 1 $(( DEVICES / RATE * 4 + 120 ))); do
  sleep 1
  kill -0 "$GEN" 2>/dev/null || { echo "the device generator ended:"; tail -20 "$DATA/devices.log"; exit 1; }
  [ "$(stat registered)" = "$DEVICES" ] && [ "$(stat polling)" = "$DEVICES" ] && [ "$(established)" -ge "$DEVICES" ] && break
done
[ "$(stat polling)" = "$DEVICES" ] || { echo "not every device is polling:"; tail -5 "$DATA/devices.log"; exit 1; }
sleep 3
HELD=$(established)

# Round 1 is the first burst the core sees (JIT compilation included, as after a deployment); later rounds
# take the same devices through a second session each, warm.
round() { # r: one operation per device, measured from the first POST until all of this round's Succeeded
  local r=$1 base c0 g0 ops first last_post done seen c1 g1
  base=$(psql_q "SELECT coalesce(max(seq), 0) FROM dm_operation")
  c0=$(cpu_ticks "$CORE"); g0=$(pg_ticks)
  ops=$("$JAVA" -cp "$DATA/classes" DmBench operations "$REST/dmwsi/v1" "$DEVICES" "$CONCURRENCY" 2>&1)
  echo "$ops" | grep -q "accepted=$DEVICES " || { echo "not every operation was accepted: $ops"; exit 1; }
  first=$(echo "$ops" | grep -o 'first_post_epoch_ms=[0-9]*' | cut -d= -f2)
  last_post=$(echo "$ops" | grep -o 'last_answer_epoch_ms=[0-9]*' | cut -d= -f2)
  done=0
  for _ in $(seq 1 $(( TIMEOUT * 5 ))); do
    done=$(psql_q "SELECT count(*) FROM dm_operation WHERE state = 'SUCCEEDED' AND seq > $base")
    [ "$done" -ge "$DEVICES" ] && break
    sleep 0.2
  done
  seen=$(date +%s%3N)
  c1=$(cpu_ticks "$CORE"); g1=$(pg_ticks)
  [ "$done" -ge "$DEVICES" ] || echo "round $r NOT DONE: $done of $DEVICES operations Succeeded after ${TIMEOUT} s"
  local end_ms p50 p99 max states
  read -r end_ms p50 p99 max states < <(psql_q "
    WITH o AS (SELECT state, accepted_at, (timeline -> -1 ->> 'time')::timestamptz AS final_at FROM dm_operation
               WHERE seq > $base)
    SELECT round(extract(epoch FROM max(final_at) FILTER (WHERE state = 'SUCCEEDED')) * 1000),
      round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM final_at - accepted_at)) FILTER (WHERE state = 'SUCCEEDED') * 1000),
      round(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM final_at - accepted_at)) FILTER (WHERE state = 'SUCCEEDED') * 1000),
      round(max(extract(epoch FROM final_at - accepted_at)) FILTER (WHERE state = 'SUCCEEDED') * 1000),
      (SELECT string_agg(state || '=' || n, ',') FROM (SELECT state, count(*) n FROM o GROUP BY state) s)
    FROM o" | tr '|' ' ')
  local cpu; cpu=$(ticks_ms $(( c1 - c0 )))
  printf '| %s%s | %s | %s | %s ms | %s ms | %s / %s / %s ms | %s ms | %s ms | %s ms | %s |\n' "$r" "$([ "$r" = 1 ] && echo ' (cold)' || echo ' (warm)')" \
    "$DEVICES" "$DEVICES" $(( last_post - first )) $(( end_ms - first )) "$p50" "$p99" "$max" "$cpu" \
    "$(awk -v t="$cpu" -v n="$DEVICES" 'BEGIN {printf "%.1f", t / n}')" "$(ticks_ms $(( g1 - g0 )))" "$states" >> "$DATA/rows"
  echo "round $r: the core's CPU is from the first POST to the moment the count reached $DEVICES ($(( seen - first )) ms, polled every 0.2 s)" >> "$DATA/notes"
}
: > "$DATA/rows"; : > "$DATA/notes"
for r in $(seq 1 "$ROUNDS"); do
  round "$r"
  # every device back on a held poll before the next round
  for _ in $(seq 1 60); do [ "$(stat polling)" = "$DEVICES" ] && break; sleep 1; done
  sleep 3
done
machine
echo "command: bench/dm-sessions.sh (DEVICES=$DEVICES RATE=$RATE CONCURRENCY=$CONCURRENCY ROUNDS=$ROUNDS); core -Xmx512m, TWIN_AUTH_MODE=dev; $HELD TLS connections held on the DM port before the first POST"
echo
echo "| round | devices | operations | all POSTs answered after | every operation Succeeded after | per operation p50 / p99 / max (accepted to Succeeded) | core CPU | core CPU per operation | PostgreSQL CPU | final states |"
echo "|---|---|---|---|---|---|---|---|---|---|"
cat "$DATA/rows"
echo
cat "$DATA/notes"
echo "devices: $(grep '^stats' "$DATA/devices.log" | tail -1)"
grep '^error' "$DATA/devices.log" | head -3 || true
