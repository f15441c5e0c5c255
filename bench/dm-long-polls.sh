#!/usr/bin/env bash
# 10,000 devices holding long polls (GET /dm/v2/sessions/pending?wait=60) against a core started with -Xmx512m:
# the core's heap (jcmd GC.heap_info: as found, and the live set after a full GC) and resident memory (VmRSS)
# with 0 and with 10,000 polls held, and its CPU over 60 s while they are held. The devices are
# bench/DmBench.java (one non-blocking HttpClient, HTTP/1.1 so that each device has its own TLS connection;
# each registers with a client-initiated POST /sessions/next, then polls). Development authentication
# (TWIN_AUTH_MODE=dev, devices name themselves with x-dev-devid): no token verification or token cache.
#   bench/dm-long-polls.sh                   # 10000 devices started up to 250 a second, 60 s idle window
#   DEVICES=2000 RATE=200 IDLE_SECONDS=30 bench/dm-long-polls.sh
# Builds nothing: starts the packaged core on free loopback ports with a temporary TWIN_DATA_DIR, stops it and
# the devices on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/dm-common.sh
DEVICES=${DEVICES:-10000}; RATE=${RATE:-250}; WAIT=${WAIT:-60}; IDLE=${IDLE_SECONDS:-60}
need_jars "$CORE_JAR"
compile_dmbench
command -v psql >/dev/null || apt-get install -y -q postgresql-client >/dev/null
# one socket per device on each side, plus the core's own files: raise the limit as far as the hard limit allows
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $(( DEVICES + 1000 )) ] || { echo "ulimit -n is $(ulimit -n): too low for $DEVICES devices"; exit 1; }

export TWIN_AUTH_MODE=dev
start_core -Xmx512m ${CORE_JAVA_OPTS:-}   # e.g. CORE_JAVA_OPTS="-XX:+UseSerialGC" to compare collectors
established() { ss -Htn state established "( sport = :$DM_PORT )" | wc -l; }
sleep 10  # let start-up work settle
HEAP0=$(heap_used_mb "$CORE"); LIVE0=$(heap_live_mb "$CORE"); RSS0=$(rss_mb "$CORE")
t0=$(cpu_ticks "$CORE"); sleep "$IDLE"; IDLE0_MS=$(ticks_ms $(( $(cpu_ticks "$CORE") - t0 )))

RUN=$(( DEVICES / RATE + IDLE + 300 ))  # the devices stop by themselves after this
"$JAVA" -Xmx1g -cp "$DATA/classes" DmBench devices "https://127.0.0.1:$DM_PORT/dm/v2" "$DM_FP" "$DEVICES" "$RATE" "$WAIT" \
  "$RUN" > "$DATA/devices.log" 2>&1 & GEN=$!; STARTED+=("$GEN")
T_START=$(date +%s)
stat() { grep '^stats' "$DATA/devices.log" | tail -1 | grep -o "$1=[0-9]*" | cut -d= -f2; }
for _ in $(seq 1 $(( DEVICES / RATE * 6 + 180 ))); do
  sleep 1
  kill -0 "$GEN" 2>/dev/null || { echo "the device generator ended:"; tail -20 "$DATA/devices.log"; exit 1; }
  [ "$(stat registered)" = "$DEVICES" ] && [ "$(stat polling)" = "$DEVICES" ] && [ "$(established)" -ge "$DEVICES" ] && break
done
ALL_HELD_S=$(( $(date +%s) - T_START ))
[ "$(stat registered)" = "$DEVICES" ] || { echo "not every device registered:"; tail -5 "$DATA/devices.log"; exit 1; }
sleep 5
C0=$(established); a0=$(stat pollsAnswered); e0=$(stat errors)
t0=$(cpu_ticks "$CORE"); sleep "$IDLE"; IDLE1_MS=$(ticks_ms $(( $(cpu_ticks "$CORE") - t0 )))
C1=$(established); a1=$(stat pollsAnswered); e1=$(stat errors)
HEAP1=$(heap_used_mb "$CORE"); RSS1=$(rss_mb "$CORE"); LIVE1=$(heap_live_mb "$CORE")
GEN_RSS=$(rss_mb "$GEN")

machine
echo "command: bench/dm-long-polls.sh (DEVICES=$DEVICES RATE=$RATE WAIT=$WAIT IDLE_SECONDS=$IDLE); core -Xmx512m, TWIN_AUTH_MODE=dev, ulimit -n $(ulimit -n)"
echo "all $DEVICES devices registered and polling ${ALL_HELD_S} s after the generator started; TLS connections established on the DM port: $C0 at the start of the window, $C1 at its end"
echo
echo "| polls held | heap used (as found) | heap live (after full GC) | RSS | core CPU over ${IDLE} s | CPU % of one core |"
echo "|---|---|---|---|---|---|"
printf '| 0 | %s MB | %s MB | %s MB | %s ms | %s %% |\n' "$HEAP0" "$LIVE0" "$RSS0" "$IDLE0_MS" "$(awk -v m="$IDLE0_MS" -v s="$IDLE" 'BEGIN {printf "%.2f", m / (s * 10)}')"
printf '| %s | %s MB | %s MB | %s MB | %s ms | %s %% |\n' "$DEVICES" "$HEAP1" "$LIVE1" "$RSS1" "$IDLE1_MS" "$(awk -v m="$IDLE1_MS" -v s="$IDLE" 'BEGIN {printf "%.2f", m / (s * 10)}')"
echo
echo "per held poll: $(awk -v a="$LIVE0" -v b="$LIVE1" -v n="$DEVICES" 'BEGIN {printf "%.1f", (b - a) * 1024 / n}') KB live heap," \
  "$(awk -v a="$RSS0" -v b="$RSS1" -v n="$DEVICES" 'BEGIN {printf "%.1f", (b - a) * 1024 / n}') KB RSS"
echo "during the ${IDLE} s window: $(( a1 - a0 )) polls answered (wait=${WAIT} s: each device's poll ends and is sent again once a window), $(( e1 - e0 )) device errors"
echo "device generator: $(rss_mb "$GEN") MB resident; last line: $(grep '^stats' "$DATA/devices.log" | tail -1)"
grep '^error' "$DATA/devices.log" | head -3 || true
