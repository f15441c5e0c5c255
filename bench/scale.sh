#!/usr/bin/env bash
# Scale: read and toggle latency with 10 thousand, then 1 million stored twinnings (target: p50/p99 grow
# less than 2x). Seeds the core's own PostgreSQL with SQL (one primary per 4 secondaries, each twinning
# with its activation event), runs ANALYZE, then loads it over REST with wrk (8 connections, random
# devices). Development authentication (no tokens): this measures what the table size changes.
#   bench/scale.sh                 # 10 s per point; SECONDS_PER_POINT=30 for longer
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
D=${SECONDS_PER_POINT:-10}; C=${CONNECTIONS:-8}
command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null
[ -f core-service/target/twinning-core.jar ] || ./mvnw -B -q package -DskipTests
DATA=$(mktemp -d /tmp/twinning-scale.XXXXXX)
HTTP_PORT=${HTTP_PORT:-18980}
: > "$DATA/core.log"
TWIN_AUTH_MODE=dev TWIN_DATA_DIR="$DATA" TWIN_HTTP_PORT=$HTTP_PORT TWIN_GRPC_PORT=0 TWIN_DM_HTTPS_PORT=0 TWIN_LOG_LEVEL=INFO \
  "$JAVA" -Xmx512m -jar core-service/target/twinning-core.jar > "$DATA/core.log" 2>&1 & CORE=$!
trap 'kill $CORE 2>/dev/null; wait $CORE 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 120); do grep -q ready "$DATA/core.log" && break; sleep 0.5; done
grep -q ready "$DATA/core.log" || { cat "$DATA/core.log"; exit 1; }
PGPORT=$(grep -o 'started on port [0-9]*' "$DATA/core.log" | awk '{print $4}')
PSQL=(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -q -v ON_ERROR_STOP=1)

seed() { # FROM TO: twinnings seed<n>, secondary tel:+4480<n>, primary tel:+4481<n/4>
  "${PSQL[@]}" <<SQL
INSERT INTO twinning (id, secondary_address, primary_address, status, name, secondary_mcc, secondary_mnc,
  primary_mcc, primary_mnc, primary_vm_address, created_at, activated_at, status_changed_at, version)
SELECT 'seed' || n, 'tel:+4480' || lpad(n::text, 9, '0'), 'tel:+4481' || lpad((1 + n / 4)::text, 9, '0'),
  'ON', 'w-' || n, '001', '01', '001', '01', 'tel:+4481' || lpad((1 + n / 4)::text, 9, '0'),
  now(), now(), now(), 0
FROM generate_series($1, $2) AS n;
INSERT INTO twinning_event (twinning_id, event_type, actor_role, actor, status, name, occurred_at, fanned_out)
SELECT 'seed' || n, 'ACTIVATED', 'PRIMARY', 'tel:+4481' || lpad((1 + n / 4)::text, 9, '0'), 'ON', 'w-' || n, now(), true
FROM generate_series($1, $2) AS n;
ANALYZE;
SQL
}
point() { # label mode n
  local out; out=$(MODE=$2 N=$3 wrk -t2 -c"$C" -d"${D}s" --latency -s bench/lib/scale.lua "http://127.0.0.1:$HTTP_PORT" 2>&1)
  printf '%-10s %-7s %10s %10s %10s %s\n' "$1" "$2" "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$out" | awk '$1=="50%" {print $2}')" "$(echo "$out" | awk '$1=="99%" {print $2}')" "$(echo "$out" | grep non2xx)"
}
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ); $C connections, $D s per point"
printf '%-10s %-7s %10s %10s %10s\n' stored op req/s p50 p99
t=$(date +%s); seed 1 10000; echo "(seeded 10 thousand in $(( $(date +%s) - t )) s)"
# warm-up (JIT, caches), not reported
point warm-up read 10000 >/dev/null; point warm-up toggle 10000 >/dev/null
point 10k read 10000; point 10k toggle 10000
t=$(date +%s); seed 10001 1000000; echo "(seeded to 1 million in $(( $(date +%s) - t )) s)"
point 1M read 1000000; point 1M toggle 1000000
echo "database size: $("${PSQL[@]}" -tAc "select pg_size_pretty(pg_database_size('postgres'))"); core RSS: $(ps -o rss= -p $CORE | awk '{printf "%.0f MB", $1/1024}')"
