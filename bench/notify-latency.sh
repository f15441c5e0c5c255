#!/usr/bin/env bash
# Notification latency, commit of a toggle -> listener receives it, on loopback only.
#   bench/notify-latency.sh            # 200 toggles/s for 60 s, then a ramp to find the max sustained rate
#   bench/notify-latency.sh fixed 200 60
#   bench/notify-latency.sh ramp 200 200 15
# Starts its own core (the packaged jar, embedded PostgreSQL in a temporary data dir) and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
[ -f core-service/target/twinning-core.jar ] || ./mvnw -B -q package -DskipTests

DATA=$(mktemp -d /tmp/twinning-bench.XXXXXX)
HTTP_PORT=${HTTP_PORT:-18480}
GRPC_PORT=${GRPC_PORT:-18490}
LOG="$DATA/core.log"
TWIN_AUTH_MODE=dev TWIN_DATA_DIR="$DATA" TWIN_HTTP_PORT=$HTTP_PORT TWIN_GRPC_PORT=$GRPC_PORT TWIN_NOTIFY_ALLOW_HOSTS=127.0.0.1 \
  TWIN_MAX_CODE_FAILURES=1000 TWIN_DATABASE_POOL_SIZE=${POOL:-24} TWIN_LOG_LEVEL=WARN \
  "$JAVA" -Xmx512m -jar core-service/target/twinning-core.jar > "$LOG" 2>&1 &
CORE=$!
trap 'kill $CORE 2>/dev/null; wait $CORE 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 120); do grep -q ready "$LOG" && break; sleep 0.5; done
grep -q ready "$LOG" || { cat "$LOG"; exit 1; }

BASE="http://127.0.0.1:$HTTP_PORT/twinning/v1/"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ)"
if [ $# -gt 0 ]; then
  "$JAVA" bench/NotifyLatency.java "$BASE" "$@"
else
  "$JAVA" bench/NotifyLatency.java "$BASE" fixed 200 60
  "$JAVA" bench/NotifyLatency.java "$BASE" ramp 400 200 15
fi
echo "core counters after the run:"
curl -s "http://127.0.0.1:$HTTP_PORT/internal/metrics" | grep -E '^twinning_notifications_(queued|delivered|retried|failed)_total' || true
