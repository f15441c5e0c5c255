#!/usr/bin/env bash
# API throughput and latency with real tokens at 1, 8, 32 and 128 concurrent clients, on loopback, each
# beside its baseline measured in the same run:
#   read (a primary lists its twinnings): REST with wrk, gRPC with h2load    vs the gRPC health ceiling
#   toggle (On/Off): REST with wrk, gRPC with bench/ApiLoad.java             vs the pgbench ceiling
#   activation flow (secondary create + primary activate): REST and gRPC with bench/ApiLoad.java
# plus start-up time to "ready" and resident memory (idle, and after the 128-client runs).
#   bench/api-throughput.sh            # 10 s per point at 1, 8, 32, 128 connections
#   SECONDS_PER_POINT=30 bench/api-throughput.sh
# Starts its own authorization server and core (packaged jars, temporary data dir) and stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
D=${SECONDS_PER_POINT:-10}
command -v wrk >/dev/null && command -v h2load >/dev/null || apt-get install -y -q wrk nghttp2-client >/dev/null
[ -f core-service/target/twinning-core.jar ] && [ -f auth-server/target/twinning-auth.jar ] || ./mvnw -B -q package -DskipTests

DATA=$(mktemp -d /tmp/twinning-bench.XXXXXX)
export TWIN_DATA_DIR="$DATA" TWIN_AUTH_PORT=18900 TWIN_HTTP_PORT=18880 TWIN_GRPC_PORT=18890
export TWIN_AUTH_ISSUER="http://127.0.0.1:$TWIN_AUTH_PORT" TWIN_AUTH_MODE=jwt TWIN_DEV_DEVICE_TOKENS=true
export TWIN_LOG_LEVEL=INFO TWIN_DATABASE_POOL_SIZE=${POOL:-32}
"$JAVA" -jar auth-server/target/twinning-auth.jar > "$DATA/auth.log" 2>&1 & AUTH=$!
T0=$(date +%s%N)
"$JAVA" -Xmx512m -jar core-service/target/twinning-core.jar > "$DATA/core.log" 2>&1 & CORE=$!
trap 'kill $CORE $AUTH 2>/dev/null; wait $CORE $AUTH 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 120); do grep -q ready "$DATA/core.log" && break; sleep 0.5; done
grep -q ready "$DATA/core.log" || { echo "the core did not start:"; cat "$DATA/core.log"; exit 1; }
STARTUP_MS=$(( ($(date +%s%N) - T0) / 1000000 ))  # polled every 0.5 s: accurate to 0.5 s
rss() { ps -o rss= -p "$CORE" | awk '{printf "%.0f MB", $1/1024}'; }
sleep 2; RSS_IDLE=$(rss)
for _ in $(seq 1 60); do curl -fs "$TWIN_AUTH_ISSUER/oauth2/jwks" >/dev/null 2>&1 && break; sleep 0.5; done
API="http://127.0.0.1:$TWIN_HTTP_PORT/twinning/v1"
token() { curl -s -u device-simulator:device-simulator-secret -d grant_type=client_credentials \
  --data-urlencode "device=$1" --data-urlencode "scope=oma_rest_twinning.all_v1" "$TWIN_AUTH_ISSUER/oauth2/token" |
  sed 's/.*"access_token":"\([^"]*\)".*/\1/'; }

# Seed: 200 twinned pairs; the primaries' tokens read, the secondaries' tokens toggle.
PAIRS="$DATA/pairs.txt"; : > "$PAIRS"
for i in $(seq 1 200); do
  n=$(printf '%06d' "$i")
  W=$(token "tel:+4470000$n"); P=$(token "tel:+4471000$n")
  CODE=$(curl -s -X POST "$API/acr:auth/twinnings" -H "Authorization: Bearer $W" -H 'Content-Type: application/json' \
    -d '{"twinning":{"role":"Secondary"}}' | sed 's/.*"code":"\([0-9]*\)".*/\1/')
  ID=$(curl -s -X POST "$API/acr:auth/twinnings" -H "Authorization: Bearer $P" -H 'Content-Type: application/json' \
    -d "{\"twinning\":{\"role\":\"Primary\",\"activationCode\":{\"code\":\"$CODE\"}}}" | sed 's/.*twinnings\/\([a-z0-9]*\)".*/\1/')
  echo "$W $ID" >> "$PAIRS"
  if [ "$i" = 1 ]; then READ_TOKEN=$P; fi
done
export PAIRS_FILE="$PAIRS"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ); $D s per point"

wrk_point() { # label connections args...
  local label=$1 c=$2; shift 2
  local threads=$(( c < 2 ? 1 : 2 ))   # wrk needs at least one connection per thread
  local out; out=$(wrk -t"$threads" -c"$c" -d"${D}s" --latency "$@" 2>&1 || true)
  local rps p50 p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  printf '%-22s %5s %12s %10s %10s %s\n' "$label" "$c" "$rps" "$p50" "$p99" "$(echo "$out" | grep -E 'non2xx|Non-2xx' | tr '\n' ' ' || true)"
}
printf '%-22s %5s %12s %10s %10s\n' "benchmark" "conns" "req/s" "p50" "p99"
for c in 1 8 32 128; do
  wrk_point "REST list (read)" "$c" -H "Authorization: Bearer $READ_TOKEN" "$API/acr:auth/twinnings"
done
for c in 1 8 32 128; do
  wrk_point "REST toggle (write)" "$c" -s bench/lib/toggle.lua "$API/"
done

# gRPC read: ListTwinnings{user_id: "acr:auth"}, length-prefixed, with the primary's token.
printf '\x00\x00\x00\x00\x0a\x0a\x08acr:auth' > "$DATA/list.bin"
h2_point() { # label connections body path [headers...]
  local label=$1 c=$2 body=$3 path=$4; shift 4
  local out; out=$(h2load -D "$D" -c "$c" -m 1 -d "$body" -H 'content-type: application/grpc' -H 'te: trailers' "$@" \
    "http://127.0.0.1:$TWIN_GRPC_PORT$path" 2>&1)
  printf '%-22s %5s %12s %10s %10s %s\n' "$label" "$c" "$(echo "$out" | awk '/finished in/ {print $4}')" \
    "mean $(echo "$out" | awk '/time for request/ {print $6}')" "max $(echo "$out" | awk '/time for request/ {print $5}')" \
    "$(echo "$out" | awk '/^status codes/ {print $0}' | sed 's/status codes: //')"
}
# h2load counts HTTP statuses only (gRPC errors are HTTP 200): check the grpc-status of one call first.
status=$(curl -s --http2-prior-knowledge -H 'content-type: application/grpc' -H 'te: trailers' \
  -H "authorization: Bearer $READ_TOKEN" --data-binary @"$DATA/list.bin" -o /dev/null -D - \
  "http://127.0.0.1:$TWIN_GRPC_PORT/oma.twinning.v1.TwinningService/ListTwinnings" | tr -d '\r' | awk '/^grpc-status/ {print $2}')
[ "$status" = 0 ] || { echo "gRPC list answered grpc-status $status: the h2load figures would be errors"; exit 1; }
for c in 1 8 32 128; do
  h2_point "gRPC list (read)" "$c" "$DATA/list.bin" /oma.twinning.v1.TwinningService/ListTwinnings \
    -H "authorization: Bearer $READ_TOKEN"
done
# gRPC toggles and the activation flow need a different request per client: bench/ApiLoad.java.
APILOAD=("$JAVA" -Xmx1g -cp core-service/target/twinning-core.jar bench/ApiLoad.java)
GRPC="127.0.0.1:$TWIN_GRPC_PORT"
api_point() { # label op protocol clients
  local out; out=$("${APILOAD[@]}" "$2" "$3" "$4" "$D" "$TWIN_AUTH_ISSUER/oauth2/token" "$API" "$GRPC" 2>&1 | tail -1)
  echo "$out" | awk -v l="$1" '{printf "%-22s %5s %12s %10s %10s errors=%s\n", l, $3, $4, $5 "ms", $6 "ms", $7}'
}
for c in 1 8 32 128; do api_point "gRPC toggle (write)" toggle grpc "$c"; done
for c in 1 8 32 128; do api_point "REST activation flow" activate rest "$c"; done
for c in 1 8 32 128; do api_point "gRPC activation flow" activate grpc "$c"; done
RSS_LOADED=$(rss)

# gRPC transport ceiling: an empty HealthCheckRequest, length-prefixed (5 zero bytes).
printf '\x00\x00\x00\x00\x00' > "$DATA/health.bin"
for c in 1 8 32 128; do
  h2_point "gRPC health (ceiling)" "$c" "$DATA/health.bin" /grpc.health.v1.Health/Check
done

# Database ceiling: the statements and commit of one toggle, by pgbench on the same PostgreSQL.
PGPORT=$(grep -o 'started on port [0-9]*' "$DATA/core.log" | awk '{print $4}' || true)
if [ -n "$PGPORT" ]; then
  PSQL="psql -h 127.0.0.1 -p $PGPORT -U postgres -q -d postgres"
  $PSQL -c "CREATE TABLE IF NOT EXISTS bench_ids AS SELECT row_number() OVER () AS n, id FROM twinning WHERE status IN ('ON','OFF')"
  cat > "$DATA/toggle.sql" <<'SQL'
\set n random(1, 200)
\set s random(0, 1)
BEGIN;
SELECT t.* FROM twinning t JOIN bench_ids b ON b.id = t.id WHERE b.n = :n FOR UPDATE OF t;
UPDATE twinning SET status = CASE WHEN :s = 1 THEN 'ON' ELSE 'OFF' END, version = version + 1
  WHERE id = (SELECT id FROM bench_ids WHERE n = :n);
INSERT INTO twinning_event (twinning_id, event_type, actor_role, actor, status, occurred_at, fanned_out)
  SELECT id, 'STATUS_CHANGED', 'SECONDARY', 'tel:+447000000001', 'ON', now(), true FROM bench_ids WHERE n = :n;
COMMIT;
SQL
  for c in 1 8 32 128; do
    out=$(pgbench -h 127.0.0.1 -p "$PGPORT" -U postgres -n -c "$c" -j 2 -T "$D" -f "$DATA/toggle.sql" postgres 2>&1)
    printf '%-22s %5s %12s %s\n' "pgbench toggle (DB)" "$c" "$(echo "$out" | awk -F'= ' '/^tps/ {print $2}' | awk '{print $1}')" \
      "$(echo "$out" | awk '/latency average/ {print "avg " $4 " ms"}')"
  done
else
  echo "pgbench: the embedded PostgreSQL port was not found in the core log (set TWIN_LOG_LEVEL=INFO)"
fi
echo "core start-up to ready: ${STARTUP_MS} ms (embedded PostgreSQL included); RSS idle after start: $RSS_IDLE;"\
  "after the 128-client runs: $RSS_LOADED; at the end: $(rss)"
