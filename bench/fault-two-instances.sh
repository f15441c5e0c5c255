#!/usr/bin/env bash
# Fault test: two core instances on one PostgreSQL behind nginx (round robin), under load. Checks:
#   - no double activation: each code redeemed by two phones at once (through nginx, and through the two
#     instances directly) activates exactly one relationship;
#   - no lost toggle: every acknowledged activation and toggle is what the database shows;
#   - notifications delivered once per event: every subscribed watch gets one notification for its
#     activation and one per acknowledged toggle, no duplicate X-Notification-Id.
# Loopback only; about 60 s. Installs nginx (Debian) if missing.
#   bench/fault-two-instances.sh        # 30 s of load from 16 clients
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
SECONDS_OF_LOAD=${SECONDS_OF_LOAD:-30}; WORKERS=${WORKERS:-16}
[ -f core-service/target/twinning-core.jar ] || ./mvnw -B -q package -DskipTests
command -v nginx >/dev/null || apt-get install -y -q nginx >/dev/null
. bench/lib/pg.sh
DATA=$(mktemp -d /tmp/twinning-two.XXXXXX); chmod 755 "$DATA"
PGPORT=18732; LB=18780; P1=18781; P2=18782; LISTEN=18790
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pg_stop
  rm -rf "$DATA"
}
trap cleanup EXIT
pg_start "$DATA/pg" "$PGPORT"
KEY=$(openssl rand -base64 32)
for port in $P1 $P2; do
  : > "$DATA/core-$port.log"
  TWIN_AUTH_MODE=dev TWIN_DATA_DIR="$DATA/core-$port" TWIN_HTTP_PORT=$port TWIN_GRPC_PORT=0 TWIN_DM_HTTPS_PORT=0 \
    TWIN_PUBLIC_URL="http://127.0.0.1:$LB" TWIN_CODE_HASH_KEY="$KEY" TWIN_NOTIFY_ALLOW_HOSTS=127.0.0.1 \
    TWIN_DATABASE_URL="jdbc:postgresql://127.0.0.1:$PGPORT/postgres" TWIN_DATABASE_USER=postgres \
    TWIN_MAX_CODE_FAILURES=1000 TWIN_LOG_LEVEL=WARN \
    "$JAVA" -Xmx512m -jar core-service/target/twinning-core.jar > "$DATA/core-$port.log" 2>&1 &
  pids+=($!)
  # the first instance migrates the schema; the second starts after it
  for _ in $(seq 1 120); do grep -q ready "$DATA/core-$port.log" && break; sleep 0.25; done
  grep -q ready "$DATA/core-$port.log" || { cat "$DATA/core-$port.log"; exit 1; }
done
cat > "$DATA/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $DATA/nginx.pid;
error_log $DATA/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $DATA/nginx-body;
  proxy_temp_path $DATA/nginx-proxy;
  upstream core { server 127.0.0.1:$P1; server 127.0.0.1:$P2; keepalive 64; }
  server {
    listen 127.0.0.1:$LB;
    location / { proxy_pass http://core; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
nginx -c "$DATA/nginx.conf" -p "$DATA" & pids+=($!)
sleep 1
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ)"
LBURL="http://127.0.0.1:$LB/twinning/v1/"
failures=0
"$JAVA" bench/FaultLoad.java race "$LBURL" 100 || failures=$((failures + 1))
"$JAVA" bench/FaultLoad.java race "http://127.0.0.1:$P1/twinning/v1/,http://127.0.0.1:$P2/twinning/v1/" 100 \
  || failures=$((failures + 1))

"$JAVA" bench/FaultLoad.java listen "$LISTEN" "$DATA/notified.txt" $((SECONDS_OF_LOAD + 30)) & LISTENER=$!
pids+=($LISTENER)
sleep 2
NOTIFY_URL="http://127.0.0.1:$LISTEN/notify" "$JAVA" bench/FaultLoad.java load "$LBURL" "$DATA/journal.txt" \
  "$SECONDS_OF_LOAD" "$WORKERS"
"$JAVA" bench/FaultLoad.java verify "$LBURL" "$DATA/journal.txt" || failures=$((failures + 1))
# let the dispatchers of both instances drain, then compare
for _ in $(seq 1 40); do
  sleep 0.5
  n=$(wc -l < "$DATA/notified.txt")
  [ "${last:-}" = "$n" ] && break
  last=$n
done
"$JAVA" bench/FaultLoad.java notified "$DATA/journal.txt" "$DATA/notified.txt" || failures=$((failures + 1))
for port in $P1 $P2; do
  echo "instance :$port delivered $(curl -s "http://127.0.0.1:$port/internal/metrics" |
    awk '/^twinning_notifications_delivered_total/ {print $2}') notifications"
done
echo "checks failed: $failures"
[ "$failures" = 0 ]
