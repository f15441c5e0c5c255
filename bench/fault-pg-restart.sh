#!/usr/bin/env bash
# Fault test: restart PostgreSQL under load (fast shutdown, DOWN_SECONDS (8) down, start). The core must answer with the
# contract's clear error meanwhile (503 SVC0001 once a request has waited 2 s for a connection; never a
# 500 or a dropped connection) and serve again by itself within 5 s of PostgreSQL being back.
# Loopback only; about 40 s.
#   bench/fault-pg-restart.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
[ -f core-service/target/twinning-core.jar ] || ./mvnw -B -q package -DskipTests
. bench/lib/pg.sh
DATA=$(mktemp -d /tmp/twinning-pgfault.XXXXXX); chmod 755 "$DATA"
HTTP_PORT=${HTTP_PORT:-18680}; PGPORT=${PGPORT:-18632}
CORE=
trap '[ -n "$CORE" ] && kill $CORE 2>/dev/null; wait 2>/dev/null; pg_stop; [ -n "${KEEP:-}" ] && echo "kept $DATA" || rm -rf "$DATA"' EXIT
pg_start "$DATA/pg" "$PGPORT"
: > "$DATA/core.log"
TWIN_AUTH_MODE=dev TWIN_DATA_DIR="$DATA/core" TWIN_HTTP_PORT=$HTTP_PORT TWIN_GRPC_PORT=0 TWIN_DM_HTTPS_PORT=0 \
  TWIN_DATABASE_URL="jdbc:postgresql://127.0.0.1:$PGPORT/postgres" TWIN_DATABASE_USER=postgres \
  TWIN_CODE_HASH_KEY=$(openssl rand -base64 32) \
  "$JAVA" -Xmx512m -jar core-service/target/twinning-core.jar > "$DATA/core.log" 2>&1 &
CORE=$!
for _ in $(seq 1 120); do grep -q ready "$DATA/core.log" && break; sleep 0.25; done
grep -q ready "$DATA/core.log" || { cat "$DATA/core.log"; exit 1; }
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ)"

BASE="http://127.0.0.1:$HTTP_PORT/twinning/v1/"
# Background load (8 clients: activations and toggles) while one probe toggles every 50 ms.
"$JAVA" bench/FaultLoad.java load "$BASE" "$DATA/journal.txt" 30 8 > "$DATA/load.out" 2>&1 & LOAD=$!
"$JAVA" bench/FaultLoad.java probe "$BASE" 30 > "$DATA/probe.out" 2>&1 & PROBE=$!
for _ in $(seq 1 100); do grep -q 'probe started' "$DATA/probe.out" && break; sleep 0.1; done
sleep 5
p0=$(date +%s.%N)
pg_down
sleep "${DOWN_SECONDS:-8}"
pg_up
p1=$(date +%s.%N)
wait $PROBE; wait $LOAD || true
echo "background $(cat "$DATA/load.out")"
# the probe's clock starts at its first line; its wall-clock start is in its first line too
t0=$(head -1 "$DATA/probe.out" | awk '{print $NF}')
awk -v a="$p0" -v b="$p1" -v t0="$t0" 'BEGIN {printf "PostgreSQL went down at %.2f s and was back at %.2f s (probe clock)\n", a - t0, b - t0}'
UP_AT=$(awk -v b="$p1" -v t0="$t0" 'BEGIN {print b - t0}')
echo "probe outcomes (one toggle every 50 ms):"
tail -n +2 "$DATA/probe.out" | awk '{$1 = ""; print}' | sort | uniq -c | sort -rn
# The outage: from the first failure to the first success after it.
tail -n +2 "$DATA/probe.out" | awk -v up="$UP_AT" '$2 != "ok" && !f {f = substr($1, 3) + 0}
  f && $2 == "ok" && !r {r = substr($1, 3) + 0}
  END { if (f) printf "first error at %.2f s; serving again at %.2f s, %.2f s after PostgreSQL was back (target <= 5 s)\n", f, r, r - up;
        else print "no error seen" }'
bad=$(tail -n +2 "$DATA/probe.out" | grep -vcE ' (ok|503 SVC0001)$' || true)
echo "answers other than ok or 503 SVC0001: $bad"
# Nothing acknowledged during the run was lost.
"$JAVA" bench/FaultLoad.java verify "$BASE" "$DATA/journal.txt"
[ "$bad" = 0 ]
