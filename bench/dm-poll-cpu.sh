#!/usr/bin/env bash
# CPU per request of an empty pending-session poll (GET /dm/v2/sessions/pending?wait=0, a device with nothing
# pending, a real device token) beside the health request on the SAME TLS port (GET /internal/health on the DM
# port), in the same run: h2load over TLS (h2 by ALPN), 8 connections, N requests each; the core's CPU from
# /proc/<pid>/stat (utime+stime) before/after each point; whether the poll touches PostgreSQL (statements from
# pg_stat_statements when the embedded PostgreSQL has it loaded, else transactions from pg_stat_database;
# the health points are the control for the core's background work). Target: an empty poll costs at most 2x
# the health request and touches PostgreSQL zero times.
#   bench/dm-poll-cpu.sh                        # 5000 requests per connection, 2 rounds of health then poll
#   REQUESTS_PER_CONNECTION=20000 ROUNDS=3 bench/dm-poll-cpu.sh
# Builds nothing: starts the packaged authorization server and core (-Xmx512m) on free loopback ports with a
# temporary TWIN_DATA_DIR, stops them on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/dm-common.sh
N=${REQUESTS_PER_CONNECTION:-5000}; C=8; ROUNDS=${ROUNDS:-2}
need_jars "$CORE_JAR" "$AUTH_JAR"
command -v h2load >/dev/null || apt-get install -y -q nghttp2-client >/dev/null
command -v psql >/dev/null || apt-get install -y -q postgresql-client >/dev/null

start_auth
export TWIN_AUTH_MODE=jwt
start_core -Xmx512m
DEV=urn:imei:356938035643809
TOKEN=$(curl -fs -u device-simulator:device-simulator-secret -d grant_type=client_credentials \
  --data-urlencode "scope=oma_dm.device" --data-urlencode "device=$DEV" "$ISSUER/oauth2/token" |
  sed 's/.*"access_token":"\([^"]*\)".*/\1/')
DM="https://127.0.0.1:$DM_PORT"
POLL="$DM/dm/v2/sessions/pending?wait=0"
HEALTH="$DM/internal/health"
# The device exists (a client-initiated Package#1 with its sessionStart) and has nothing pending.
curl -sk -o /dev/null -w '%{http_code}' -X POST "$DM/dm/v2/sessions/next" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d "{\"sessionStart\":{\"devInfo\":{\"devId\":\"$DEV\",\"mod\":\"B1\"}}}" |
  grep -q 204 || { echo "POST /sessions/next did not answer 204"; exit 1; }
body=$(curl -sk "$POLL" -H "Authorization: Bearer $TOKEN")
echo "$body" | grep -q sessionId && { echo "the device has a pending session: $body"; exit 1; }
curl -skf -o /dev/null "$HEALTH" || { echo "health did not answer 2xx"; exit 1; }

# PostgreSQL: statements by pg_stat_statements if it is loaded (shared_preload_libraries), else transactions.
PGS_MODE=transactions
if psql_q "SHOW shared_preload_libraries" | grep -q pg_stat_statements &&
   psql_q "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null 2>&1; then PGS_MODE=statements; fi
pg_count() {
  if [ "$PGS_MODE" = statements ]; then
    psql_q "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat%'"
  else
    psql_q "SELECT sum(xact_commit + xact_rollback) FROM pg_stat_database"
  fi
}

H2=(h2load -c "$C" -m 1 -n $(( C * N )))
point() { # label url [h2load header args]
  local label=$1 url=$2; shift 2
  local t0 p0 s0 out t1 p1 ok secs
  s0=$(date +%s%N); p0=$(pg_count); t0=$(cpu_ticks "$CORE")
  out=$("${H2[@]}" --log-file="$DATA/h2.log" "$@" "$url" 2>&1)
  t1=$(cpu_ticks "$CORE")
  # An idle backend reports its statistics within 10 s (PGSTAT_IDLE_INTERVAL): wait that long before and after
  # counting, so that each point gets its own transactions; the health control has the same wait.
  sleep 11
  p1=$(pg_count)
  secs=$(( ($(date +%s%N) - s0) / 1000000 ))
  ok=$(echo "$out" | awk '/^requests:/ {print $8}')
  local codes; codes=$(echo "$out" | awk '/^status codes:/ {sub(/status codes: /, ""); print}')
  local lat; lat=$(awk '{print $3}' "$DATA/h2.log" | sort -n | awk '{a[NR] = $1} END {
    i = int(NR * 0.5); if (i < 1) i = 1; j = int(NR * 0.99); if (j < 1) j = 1
    printf "%.2f %.2f", a[i] / 1000, a[j] / 1000}')
  local cpu_ms; cpu_ms=$(ticks_ms $(( t1 - t0 )))
  echo "$label $ok $cpu_ms $(echo "$out" | awk '/^finished in/ {print $4}') $lat $(( p1 - p0 )) $secs [$codes]" >> "$DATA/points"
}

# Warm-up (JIT, token cache, connection pool): not reported.
H2_SAVE=("${H2[@]}"); H2=(h2load -c "$C" -m 1 -n $(( C * 2000 )))
point warm-health "$HEALTH" >/dev/null; point warm-poll "$POLL" -H "authorization: Bearer $TOKEN" >/dev/null
H2=("${H2_SAVE[@]}"); : > "$DATA/points"; sleep 11
for r in $(seq 1 "$ROUNDS"); do
  point health "$HEALTH"
  point poll "$POLL" -H "authorization: Bearer $TOKEN"
done

machine
echo "command: bench/dm-poll-cpu.sh (REQUESTS_PER_CONNECTION=$N ROUNDS=$ROUNDS); h2load $C connections over TLS (h2), 1 stream each, $(( C * N )) requests per point; core -Xmx512m, TWIN_AUTH_MODE=jwt; PostgreSQL counted as $PGS_MODE"
echo
echo "| round | request | requests OK | core CPU ms | CPU ms/request | req/s | p50 ms | p99 ms | CPU ratio to health | PostgreSQL $PGS_MODE (delta) | per request | status codes |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
awk -v rounds="$ROUNDS" '
  { label = $1; ok = $2; cpu = $3; per = (ok > 0 ? cpu / ok : 0)
    if (label == "health") { round++; hper = per; hpg = $7; hsecs = $8 }
    ratio = (hper > 0 ? per / hper : 0)
    codes = ""; for (i = 9; i <= NF; i++) codes = codes " " $i
    # the poll point'"'"'s PostgreSQL count beyond the background rate seen during the health point (same
    # window: from the count before the point to the count 11 s after it)
    bg = (label == "poll" && hsecs > 0 ? hpg * ($8 / hsecs) : 0)
    printf "| %d | %s | %d | %d | %.4f | %s | %s | %s | %.2fx | %d | %s |%s |\n", round, label == "poll" ? "empty poll (wait=0)" : "health", ok, cpu, per, $4, $5, $6, ratio, $7,
      label == "poll" ? sprintf("%.3f (%.3f above the health control)", $7 / ok, ($7 - bg) / ok) : sprintf("%.3f", $7 / ok), codes }
' "$DATA/points"
echo
echo "core: $(rss_mb "$CORE") MB resident at the end; CPU ticks are $((1000 / CLK_TCK)) ms each"
