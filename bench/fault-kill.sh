#!/usr/bin/env bash
# Fault test: kill -9 the core during activation + toggle load, ROUNDS times (default 10). After each
# restart: every request that got a success answer is in the database (checked over REST), and no
# relationship is half-made (checked in SQL). Loopback only; bounded (about 25 s per round).
#   bench/fault-kill.sh          # 10 rounds, 16 concurrent clients
#   ROUNDS=3 WORKERS=8 bench/fault-kill.sh
# Uses the packaged jar on embedded defaults (its PostgreSQL in a temporary data dir kept across the
# restarts; a killed core's orphaned PostgreSQL is stopped by the next start).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
ROUNDS=${ROUNDS:-10}; WORKERS=${WORKERS:-16}
[ -f core-service/target/twinning-core.jar ] || ./mvnw -B -q package -DskipTests
command -v psql >/dev/null || apt-get install -y -q postgresql-client >/dev/null

DATA=$(mktemp -d /tmp/twinning-fault.XXXXXX)
HTTP_PORT=${HTTP_PORT:-18580}
BASE="http://127.0.0.1:$HTTP_PORT/twinning/v1/"
JOURNAL="$DATA/journal.txt"; : > "$JOURNAL"
CORE=; LOG=
start_core() { # one log per start
  LOG="$DATA/core-$1.log"; : > "$LOG"
  TWIN_AUTH_MODE=dev TWIN_DATA_DIR="$DATA/core" TWIN_HTTP_PORT=$HTTP_PORT TWIN_GRPC_PORT=0 TWIN_DM_HTTPS_PORT=0 TWIN_LOG_LEVEL=INFO \
    TWIN_MAX_CODE_FAILURES=1000 "$JAVA" -Xmx512m -jar core-service/target/twinning-core.jar > "$LOG" 2>&1 &
  CORE=$!
  for _ in $(seq 1 240); do grep -q ready "$LOG" && return 0; sleep 0.25; done
  echo "the core did not start:"; tail -50 "$LOG"; exit 1
}
cleanup() {
  [ -n "$CORE" ] && kill "$CORE" 2>/dev/null && wait "$CORE" 2>/dev/null || true
  pkill -f "$DATA/core/pg" 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT
half_made() { # relationships in an impossible state, straight from PostgreSQL
  local port; port=$(grep -o 'started on port [0-9]*' "$LOG" | awk '{print $4}' | tail -1)
  psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "select count(*) from twinning where
    (status in ('ON','OFF') and (primary_address is null or activated_at is null or code_hash is not null))
    or (status = 'PENDING' and primary_address is not null)"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ); $ROUNDS rounds, $WORKERS clients"
printf '%-6s %-10s %-44s %-66s %s\n' round killed-at 'load until the kill' 'after the restart (all acknowledged so far)' half-made
failures=0
for round in $(seq 1 "$ROUNDS"); do
  start_core "$round-a"
  "$JAVA" bench/FaultLoad.java load "$BASE" "$JOURNAL" 60 "$WORKERS" > "$DATA/load.out" 2>&1 & LOAD=$!
  # kill at a random moment 2-6 s into the load (once requests flow: the load generator compiles first)
  before=$(wc -l < "$JOURNAL")
  for _ in $(seq 1 200); do [ "$(wc -l < "$JOURNAL")" -gt "$before" ] && break; sleep 0.1; done
  after=$(awk -v r=$RANDOM 'BEGIN { printf "%.1f", 2 + (r % 40) / 10 }')
  sleep "$after"
  kill -9 "$CORE"; wait "$CORE" 2>/dev/null || true
  wait "$LOAD" || true
  start_core "$round-b"
  if verify=$("$JAVA" bench/FaultLoad.java verify "$BASE" "$JOURNAL" 2>&1); then :; else failures=$((failures + 1)); fi
  half=$(half_made)
  [ "$half" = 0 ] || failures=$((failures + 1))
  printf '%-6s %-10s %-44s %-66s %s\n' "$round" "${after}s" "$(tail -1 "$DATA/load.out" | sed 's/^load: //')" \
    "$(echo "$verify" | tail -1 | sed 's/^verify: //')" "$half"
  echo "$verify" | grep -E '^(LOST|HALF)' | head -5 || true
  kill "$CORE"; wait "$CORE" 2>/dev/null || true
done
echo "rounds with a lost acknowledged request or a half-made relationship: $failures"
[ "$failures" = 0 ]
