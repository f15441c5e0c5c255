#!/usr/bin/env bash
# The core's CPU per request on each edge path, beside the transport's floor measured in the same run
# (gRPC grpc.health.v1.Health/Check): REST GET /twinning/v1/acr:auth/twinnings (HTTP/1.1), gRPC
# ListTwinnings, a REST toggle, the DM device poll (GET /dm/v2/sessions/pending?wait=0 over TLS, beside
# /internal/health on the same TLS port), and a REST unknown path (the REST edge's own floor). Every
# request carries a real bearer token; the primary has 3 twinnings. CPU is the core JVM's utime+stime
# from /proc/<pid>/stat before and after each point (stable on a shared machine where req/s is not).
# Then the latency at half the maximum throughput (h2load --rps) of the REST and gRPC reads.
#   bench/cpu-per-request.sh                           # 20000 requests per point, at 8 and 32 connections
#   REQUESTS=40000 CONNECTIONS="8 32 128" ROUNDS=2 bench/cpu-per-request.sh
#   PROFILE=rest-read KEEP_JFR=/tmp/r.jfr bench/cpu-per-request.sh   # then one more rest-read point under JFR: top frames
#   CORE_JAVA_OPTS=-XX:+UseSerialGC bench/cpu-per-request.sh
#   BENCH_CORE_JAR=/tmp/before/twinning-core.jar bench/cpu-per-request.sh   # another build of the core
# Load: h2load (HTTP/1.1 with --h1, gRPC over h2c with a body file, TLS h2 for the DM surface), wrk with
# bench/lib/toggle.lua for toggles. Builds nothing: starts the packaged authorization server and core
# (-Xmx512m) on free loopback ports with a temporary TWIN_DATA_DIR, stops them on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/dm-common.sh
# another build's jar to compare with (e.g. the commit before a change, built elsewhere): BENCH_CORE_JAR=...
CORE_JAR=${BENCH_CORE_JAR:-$CORE_JAR}
N=${REQUESTS:-20000}
CONNECTIONS=${CONNECTIONS:-"8 32"}
TOGGLE_PAIRS=${TOGGLE_PAIRS:-32}
ROUNDS=${ROUNDS:-1}
PROFILE=${PROFILE:-}
need_jars "$CORE_JAR" "$AUTH_JAR"
command -v h2load >/dev/null && command -v wrk >/dev/null || apt-get install -y -q nghttp2-client wrk >/dev/null

start_auth
export TWIN_AUTH_MODE=jwt
# shellcheck disable=SC2086
start_core -Xmx512m ${CORE_JAVA_OPTS:-}
GRPC=$(grep 'twinning-core ready' "$DATA/core.log" | grep -o ' grpc=[^ ]*' | cut -d= -f2)
API="$REST/twinning/v1"
token() { # device scope
  curl -fs -u device-simulator:device-simulator-secret -d grant_type=client_credentials \
    --data-urlencode "device=$1" --data-urlencode "scope=$2" "$ISSUER/oauth2/token" |
    sed 's/.*"access_token":"\([^"]*\)".*/\1/'
}
twin() { # secondary-token primary-token: prints the twinning id
  local code
  code=$(curl -fs -X POST "$API/acr:auth/twinnings" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
    -d '{"twinning":{"role":"Secondary"}}' | sed 's/.*"code":"\([0-9]*\)".*/\1/')
  curl -fs -X POST "$API/acr:auth/twinnings" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
    -d "{\"twinning\":{\"role\":\"Primary\",\"activationCode\":{\"code\":\"$code\"}}}" |
    sed 's/.*twinnings\/\([a-z0-9]*\)".*/\1/'
}

# Seed: the read primary with 3 twinnings; TOGGLE_PAIRS other pairs for the toggles (each toggle on the
# next pair, so that concurrent toggles do not queue on one row).
SCOPE=oma_rest_twinning.all_v1
PRIMARY=$(token tel:+447100000001 $SCOPE)
for i in 1 2 3; do twin "$(token "tel:+44700000000$i" $SCOPE)" "$PRIMARY" >/dev/null; done
PAIRS="$DATA/pairs.txt"; : > "$PAIRS"
for i in $(seq 1 "$TOGGLE_PAIRS"); do
  n=$(printf '%06d' "$i"); W=$(token "tel:+4472000$n" $SCOPE)
  echo "$W $(twin "$W" "$(token "tel:+4473000$n" $SCOPE)")" >> "$PAIRS"
done
export PAIRS_FILE="$PAIRS"
n=$(curl -fs "$API/acr:auth/twinnings" -H "Authorization: Bearer $PRIMARY" | grep -o '"twinningStatus"' | wc -l)
[ "$n" = 3 ] || { echo "the primary lists $n twinnings, not 3"; exit 1; }

# gRPC bodies, length-prefixed: ListTwinnings{user_id: "acr:auth"}; an empty HealthCheckRequest.
printf '\x00\x00\x00\x00\x0a\x0a\x08acr:auth' > "$DATA/list.bin"
printf '\x00\x00\x00\x00\x00' > "$DATA/health.bin"
GRPC_H=(-H 'content-type: application/grpc' -H 'te: trailers')
grpc_status() { # path body [headers]: h2load counts HTTP statuses only (gRPC errors are HTTP 200)
  local path=$1 body=$2; shift 2
  curl -s --http2-prior-knowledge "${GRPC_H[@]}" "$@" --data-binary @"$body" -o /dev/null -D - \
    "http://$GRPC$path" | tr -d '\r' | awk '/^grpc-status/ {print $2}'
}
[ "$(grpc_status /grpc.health.v1.Health/Check "$DATA/health.bin")" = 0 ] || { echo "gRPC health failed"; exit 1; }
[ "$(grpc_status /oma.twinning.v1.TwinningService/ListTwinnings "$DATA/list.bin" -H "authorization: Bearer $PRIMARY")" = 0 ] ||
  { echo "gRPC ListTwinnings failed"; exit 1; }

# The DM device: registered (Package#1 with its sessionStart), nothing pending.
DEV=urn:imei:356938035643809
DM_TOKEN=$(token "$DEV" oma_dm.device)
DM="https://127.0.0.1:$DM_PORT"
curl -sk -o /dev/null -w '%{http_code}' -X POST "$DM/dm/v2/sessions/next" -H "Authorization: Bearer $DM_TOKEN" \
  -H 'Content-Type: application/json' -d "{\"sessionStart\":{\"devInfo\":{\"devId\":\"$DEV\",\"mod\":\"B1\"}}}" |
  grep -q 204 || { echo "POST /dm/v2/sessions/next did not answer 204"; exit 1; }

# One point: label connections tool args... Appends "label conns answered not-2xx cpu_ms secs p50 p99" to $DATA/points.
ms() { awk '{v = $1; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
  printf "%.2f", (u == "us" ? v / 1000 : u == "s" ? v * 1000 : v)}'; }
point() {
  local label=$1 c=$2 tool=$3; shift 3
  local t0 t1 s0 s1 out ok bad p50 p99 jfr=""
  if [ "$label" = profile ]; then
    "$JCMD" "$CORE" JFR.start name=point settings=profile "jdk.ExecutionSample#period=${JFR_PERIOD:-1ms}" >/dev/null; jfr=1
  fi
  s0=$(date +%s%N); t0=$(cpu_ticks "$CORE")
  if [ "$tool" = wrk ]; then
    out=$(wrk -t1 -c"$c" -d"${WRK_SECONDS:-15}s" --latency "$@" 2>&1)
  else
    out=$(h2load -c "$c" -m 1 --log-file="$DATA/h2.log" "$@" 2>&1)
  fi
  t1=$(cpu_ticks "$CORE"); s1=$(date +%s%N)
  if [ -n "$jfr" ]; then
    "$JCMD" "$CORE" JFR.stop name=point filename="$DATA/profile.jfr" >/dev/null
  fi
  if [ "$tool" = wrk ]; then
    local all; all=$(echo "$out" | awk '/requests in/ {print $1}')
    bad=$(echo "$out" | awk -F= '/^non2xx=/ {print $2}'); bad=${bad:-0}; ok=$all
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}' | ms); p99=$(echo "$out" | awk '$1 == "99%" {print $2}' | ms)
  else
    # answered (any status: the 404 point counts too), and of those not 2xx
    ok=$(echo "$out" | awk '/^status codes:/ {print $3 + $5 + $7 + $9}')
    bad=$(( ok - $(echo "$out" | awk '/^status codes:/ {print $3}') ))
    read -r p50 p99 < <(awk '{print $3}' "$DATA/h2.log" | sort -n | awk '{a[NR] = $1} END {
      i = int(NR * 0.5); if (i < 1) i = 1; j = int(NR * 0.99); if (j < 1) j = 1
      printf "%.2f %.2f\n", a[i] / 1000, a[j] / 1000}')
  fi
  [ -n "$jfr" ] && return
  echo "$label $c $ok $bad $(ticks_ms $(( t1 - t0 ))) $(( (s1 - s0) / 1000000 )) $p50 $p99" >> "$DATA/points"
}

REST_READ=(--h1 -H "authorization: Bearer $PRIMARY" "$API/acr:auth/twinnings")
REST_404=(--h1 -H "authorization: Bearer $PRIMARY" "$API/acr:auth/nothing-here")
GRPC_READ=(-d "$DATA/list.bin" "${GRPC_H[@]}" -H "authorization: Bearer $PRIMARY"
  "http://$GRPC/oma.twinning.v1.TwinningService/ListTwinnings")
HEALTH=(-d "$DATA/health.bin" "${GRPC_H[@]}" "http://$GRPC/grpc.health.v1.Health/Check")
DM_POLL=(-H "authorization: Bearer $DM_TOKEN" "$DM/dm/v2/sessions/pending?wait=0")
DM_HEALTH=("$DM/internal/health")
LABELS="health rest-read grpc-read rest-toggle dm-health dm-poll rest-404"
load_of() { # label: sets TOOL and ARGS
  TOOL=h2load
  case $1 in
    health) ARGS=("${HEALTH[@]}") ;;
    rest-read) ARGS=("${REST_READ[@]}") ;;
    grpc-read) ARGS=("${GRPC_READ[@]}") ;;
    rest-toggle) TOOL=wrk; ARGS=(-s bench/lib/toggle.lua "$API/") ;;
    dm-health) ARGS=("${DM_HEALTH[@]}") ;;
    dm-poll) ARGS=("${DM_POLL[@]}") ;;
    rest-404) ARGS=("${REST_404[@]}") ;;
    *) echo "unknown point $1 (one of: $LABELS)" >&2; exit 2 ;;
  esac
}
run_one() { # label connections requests [point label]
  load_of "$1"
  if [ "$TOOL" = wrk ]; then point "${4:-$1}" "$2" wrk "${ARGS[@]}"; else point "${4:-$1}" "$2" h2load -n "$3" "${ARGS[@]}"; fi
}
run_all() { # connections requests
  local l
  for l in $LABELS; do run_one "$l" "$1" "$2"; done
}
[ -z "$PROFILE" ] || load_of "$PROFILE"

# Warm-up (JIT, token cache, connection pools): every point once at full size, not reported.
C1=${CONNECTIONS%% *}
: > "$DATA/points"; WRK_SECONDS=5 run_all "$C1" "$N"; : > "$DATA/points"
for r in $(seq 1 "$ROUNDS"); do
  for c in $CONNECTIONS; do run_all "$c" "$N"; done
done

# Latency at half the maximum throughput, at the first connection count: h2load --rps per connection.
half_rps() { # label: half the req/s measured for it at C1, per connection
  awk -v l="$1" -v c="$C1" '$1 == l && $2 == c {r = $3 / ($6 / 1000); if (r > m) m = r} END {printf "%d", m / 2 / c}' "$DATA/points"
}
for l in rest-read grpc-read; do
  rps=$(half_rps "$l"); [ "${rps:-0}" -ge 1 ] || continue
  load_of "$l"
  point "$l@half" "$C1" h2load -n $(( N / 2 )) --rps="$rps" "${ARGS[@]}"
done
# The profile: one more point of that load under JFR (settings=profile), not in the table.
[ -z "$PROFILE" ] || run_one "$PROFILE" "$C1" "$N" profile

machine
echo "core jar: $CORE_JAR"
echo "command: bench/cpu-per-request.sh (REQUESTS=$N CONNECTIONS=\"$CONNECTIONS\" ROUNDS=$ROUNDS TOGGLE_PAIRS=$TOGGLE_PAIRS${CORE_JAVA_OPTS:+ CORE_JAVA_OPTS=\"$CORE_JAVA_OPTS\"}); core -Xmx512m, TWIN_AUTH_MODE=jwt, real bearer tokens; h2load 1 stream per connection (REST --h1, gRPC h2c, DM TLS h2), toggles by wrk -t1 for ${WRK_SECONDS:-15} s"
echo
echo "| conns | request | answered | not 2xx | core CPU ms | CPU ms/request | CPU ratio to health | req/s | req/s % of health | p50 ms | p99 ms |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
awk '
  BEGIN { name["health"] = "gRPC Health/Check (floor)"; name["rest-read"] = "REST GET twinnings (h1)"
    name["grpc-read"] = "gRPC ListTwinnings"; name["rest-toggle"] = "REST PUT twinningStatus (wrk)"
    name["dm-health"] = "DM /internal/health (TLS)"; name["dm-poll"] = "DM empty poll (TLS)"
    name["rest-404"] = "REST unknown path (404)"
    name["rest-read@half"] = "REST read at half max req/s"; name["grpc-read@half"] = "gRPC read at half max req/s" }
  { per = ($3 > 0 ? $5 / $3 : 0); rps = ($6 > 0 ? $3 / ($6 / 1000) : 0)
    if ($1 == "health") { hper[$2] = per; hrps[$2] = rps }
    printf "| %s | %s | %d | %d | %d | %.4f | %.2fx | %.0f | %.0f %% | %s | %s |\n", $2, name[$1], $3, $4, $5, per,
      (hper[$2] > 0 ? per / hper[$2] : 0), rps, (hrps[$2] > 0 ? 100 * rps / hrps[$2] : 0), $7, $8
    if ($1 == "rest-read" || $1 == "grpc-read") { r[$1, $2] = per / hper[$2]; t[$1, $2] = rps / hrps[$2] }
    if ($1 ~ /@half/) p99[$1] = $8
  }
  END {
    print ""; print "targets (same run):"
    for (k in r) { split(k, kk, SUBSEP); lim = (kk[1] == "rest-read" ? 2.5 : 1.8)
      printf "  %s at %s connections: CPU %.2fx health (target <= %.1fx): %s\n", kk[1], kk[2], r[k], lim, (r[k] <= lim ? "met" : "NOT met")
      if (kk[1] == "rest-read") printf "  rest-read at %s connections: %.0f %% of health req/s (target >= 50 %%): %s\n", kk[2], 100 * t[k], (t[k] >= 0.5 ? "met" : "NOT met") }
    for (k in p99) printf "  %s: p99 %s ms (target < 10 ms): %s\n", k, p99[k], (p99[k] < 10 ? "met" : "NOT met")
  }' "$DATA/points"
echo
echo "core: $(rss_mb "$CORE") MB resident at the end; CPU ticks are $((1000 / CLK_TCK)) ms each"
if [ -f "$DATA/profile.jfr" ]; then
  echo; echo "JFR profile of $PROFILE (a point of its own after the table, $C1 connections), hot methods:"
  "$JAVA_HOME/bin/jfr" view --width 200 hot-methods "$DATA/profile.jfr" | head -40
  if [ -n "${KEEP_JFR:-}" ]; then cp "$DATA/profile.jfr" "$KEEP_JFR"; echo "(kept in $KEEP_JFR)"; fi
fi
