#!/usr/bin/env bash
# Package downloads (issue 18, dm-api.md section 8): a signed SIZE_MB (100) MB firmware package downloaded over TLS
# on loopback from the core's device surface (GET /dm/v2/packages/{id}/content, each device holding a delivered
# firmwareUpdate command naming it) by 1 and then by DEVICES (20) concurrent devices, next to `openssl s_server
# -WWW` serving the same file with the same kind of certificate, measured in the same run: aggregate MB/s and the
# ratio core/openssl. The same clients (curl, HTTP/1.1, one connection per device, body to /dev/null) fetch from
# both servers. While the DEVICES downloads run, the core's heap is sampled every 0.2 s; the same is done with a
# SMALL_MB (10) MB package, so that the peak heap can be compared across package sizes (streamed: no growth).
# The core runs with -Xmx${HEAP_MB:-256}m: DEVICES x SIZE_MB would not fit if anything held a package in memory.
#   bench/dm-package-download.sh
#   SIZE_MB=20 DEVICES=5 bench/dm-package-download.sh     # a quick run
# Builds nothing; everything on free loopback ports; stops everything it started on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/dm-common.sh
SIZE_MB=${SIZE_MB:-100}; SMALL_MB=${SMALL_MB:-10}; DEVICES=${DEVICES:-20}; HEAP_MB=${HEAP_MB:-256}
need_jars "$CORE_JAR"
machine

bin/package-sign originator "$DATA/originator" >/dev/null
export TWIN_AUTH_MODE=dev TWIN_DM_PACKAGE_ORIGINATORS="$DATA/originator/originator-ca.pem"
start_core "-Xmx${HEAP_MB}m"
DM="https://127.0.0.1:$DM_PORT/dm/v2"
api() { curl -s -H 'Authorization: Bearer none' -H 'Content-Type: application/json' "$@"; }
dev() { curl -s -k --http1.1 -H "x-dev-devid: $1" -H 'Accept: application/vnd.omadm-cmd+json' "${@:2}"; }
has() { grep -F -- "$1" >/dev/null; }   # reads all its input (grep -q would end the pipe early)
field() { grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d'"' -f4; }
now_ms() { date +%s%3N; }
DEVICE_SET=0
devid() { printf 'urn:dev:bench:dl%d-%02d' "$DEVICE_SET" "$1"; }

# register: DEVICES new devices (a client-initiated session each), model D1 on firmware 1.0.0
register() {
  local i code
  for i in $(seq 1 "$DEVICES"); do
    code=$(dev "$(devid "$i")" -o /dev/null -w '%{http_code}' -X POST "$DM/sessions/next" -H 'Content-Type: application/json' \
      -d '{"sessionStart":{"devInfo":{"devId":"'"$(devid "$i")"'","man":"OMA Twin","mod":"D1","dmV":"2.0","lang":"en"},
           "devDetail":{"devTyp":"watch","oem":"OMA Twin","fwV":"1.0.0","swV":"1.0","hwV":"A"}}}')
    [ "$code" = 204 ] || { echo "registration of $(devid "$i") answered $code" >&2; exit 1; }
  done
}

# package MB: a signed, verified firmware package of MB megabytes; DEVICES devices of their own (set MB) then
# hold a delivered firmwareUpdate command naming it (its session package fetched, not reported: the command
# stays live, as while a real device downloads)
package() {
  local mb=$1 file="$DATA/fw-$1.bin" pkg i sid
  register
  head -c $(( mb * 1000000 )) /dev/urandom > "$file"
  bin/package-sign sign "$DATA/originator" "$file" --name "D1 firmware" --version "2.0.$mb" --kind firmware \
    --man "OMA Twin" --mod D1 --from-versions 1.0.0 > "$file.json"
  pkg=$(api -X POST "$REST/dmwsi/v1/packages" -d @"$file.json" | field packageId)
  [ -n "$pkg" ] || { echo "the package was not registered" >&2; exit 1; }
  api -X PUT "$REST/dmwsi/v1/packages/$pkg/content" -H 'Content-Type: application/octet-stream' \
    --data-binary @"$file" | has '"state":"Verified"' || { echo "the package did not verify" >&2; exit 1; }
  for i in $(seq 1 "$DEVICES"); do
    api -X POST "$REST/dmwsi/v1/operations" -d '{"operation":{"type":"firmwareUpdate","deviceRef":"'"$(devid "$i")"'",
      "packageId":"'"$pkg"'"}}' | has '"operationId"' || { echo "no operation for $(devid "$i")" >&2; exit 1; }
    sid=$(dev "$(devid "$i")" "$DM/sessions/pending" | field sessionId)
    [ -n "$sid" ] || { echo "no pending session for $(devid "$i")" >&2; exit 1; }
    dev "$(devid "$i")" -X POST "$DM/sessions/id/$sid" | has "packages/$pkg/content" \
      || { echo "the session of $(devid "$i") does not name the package" >&2; exit 1; }
  done
  echo "$pkg"
}

# fetch N URL_OF_DEVICE_FN: N concurrent downloads (one curl each), prints "ms bytes first_byte_ms": the
# wall time of all, the bytes, and the mean time from the start to the first byte of the body
fetch() {
  local n=$1 url_of=$2 i t0 t1 bytes=0 b ttfb ttfbs=0 pids=()
  t0=$(now_ms)
  for i in $(seq 1 "$n"); do
    $url_of "$i" > "$DATA/fetch-$i.out" 2>&1 & pids+=("$!")
  done
  for i in "${pids[@]}"; do wait "$i"; done
  t1=$(now_ms)
  for i in $(seq 1 "$n"); do
    read -r code b ttfb < "$DATA/fetch-$i.out" || true
    [ "$code" = 200 ] || { echo "download $i failed: $(cat "$DATA/fetch-$i.out")" >&2; exit 1; }
    bytes=$(( bytes + b )); ttfbs=$(awk "BEGIN {print $ttfbs + $ttfb * 1000}")
  done
  echo "$(( t1 - t0 )) $bytes $(awk "BEGIN {printf \"%.0f\", $ttfbs / $n}")"
}
PKG_ID=; OPENSSL_FILE=
from_core() { dev "$(devid "$1")" -o /dev/null -w '%{http_code} %{size_download} %{time_starttransfer}\n' "$DM/packages/$PKG_ID/content"; }
from_openssl() { curl -s -k --http1.1 -o /dev/null -w '%{http_code} %{size_download} %{time_starttransfer}\n' "https://127.0.0.1:$OSSL_PORT/$OPENSSL_FILE"; }

# openssl s_server -WWW over the same files (its own self-signed EC P-256 certificate, like the core's; TLS 1.3)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$DATA/ossl.key" -out "$DATA/ossl.pem" \
  -days 1 -subj /CN=localhost 2>/dev/null
OSSL_PORT=$(free_port)
(cd "$DATA" && exec openssl s_server -quiet -accept "$OSSL_PORT" -cert ossl.pem -key ossl.key -WWW) >"$DATA/ossl.log" 2>&1 &
OSSL=$!; STARTED+=("$OSSL")
for _ in $(seq 1 40); do ss -Htln "sport = :$OSSL_PORT" | grep -q . && break; sleep 0.25; done
echo "core's TLS: $(echo | openssl s_client -connect "127.0.0.1:$DM_PORT" 2>/dev/null | grep -E '^(New|Server public key)' | tr '\n' ' ')"
echo "openssl's:  $(echo | openssl s_client -connect "127.0.0.1:$OSSL_PORT" 2>/dev/null | grep -E '^(New|Server public key)' | tr '\n' ' ')"

# run MB: 1 and DEVICES downloads from each server (core first, then openssl, then core again: the mean of the
# two core runs is compared with openssl's, so that a drift of the machine over the run shows), heap sampled
run() {
  local mb=$1 c1 o1 c2 cN oN cN2 f1 f2 fo peak=0 sampler
  DEVICE_SET=$mb; PKG_ID=$(package "$mb"); OPENSSL_FILE="fw-$mb.bin"
  "$JCMD" "$CORE" GC.run >/dev/null
  read -r c1 _ f1 < <(fetch 1 from_core); read -r o1 _ fo < <(fetch 1 from_openssl); read -r c2 _ f2 < <(fetch 1 from_core)
  ( while :; do echo "$(heap_used_mb "$CORE")"; sleep 0.2; done ) > "$DATA/heap-$mb.txt" 2>/dev/null & sampler=$!
  local ct0 ct1; ct0=$(cpu_ticks "$CORE")
  read -r cN bytes < <(fetch "$DEVICES" from_core); ct1=$(cpu_ticks "$CORE")
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  local ot0 ot1; ot0=$(cpu_ticks "$OSSL")
  read -r oN _ < <(fetch "$DEVICES" from_openssl); ot1=$(cpu_ticks "$OSSL"); read -r cN2 _ < <(fetch "$DEVICES" from_core)
  peak=$(sort -n "$DATA/heap-$mb.txt" | tail -1); peak=${peak:-0}
  local live; live=$(heap_live_mb "$CORE")
  awk -v mb="$mb" -v n="$DEVICES" -v c1="$c1" -v c2="$c2" -v o1="$o1" -v cN="$cN" -v cN2="$cN2" -v oN="$oN" \
      -v f1="$f1" -v f2="$f2" -v fo="$fo" -v peak="$peak" -v live="$live" -v cpu="$(ticks_ms $(( ct1 - ct0 )))" -v ocpu="$(ticks_ms $(( ot1 - ot0 )))" -v bytes="$bytes" 'BEGIN {
    s1 = mb / ((c1 + c2) / 2 / 1000); so1 = mb / (o1 / 1000)
    sN = n * mb / ((cN + cN2) / 2 / 1000); soN = n * mb / (oN / 1000)
    printf "%d MB, 1 device:   core %.0f MB/s (%d ms, %d ms), openssl s_server %.0f MB/s (%d ms): ratio %.2f; first byte after %d ms, %d ms (core), %d ms (openssl)\n", mb, s1, c1, c2, so1, o1, s1 / so1, f1, f2, fo
    printf "%d MB, %d devices: core %.0f MB/s (%d ms, %d ms), openssl s_server %.0f MB/s (%d ms): ratio %.2f\n", mb, n, sN, cN, cN2, soN, oN, sN / soN
    printf "%d MB, %d devices: CPU per MB served: core %.2f ms, openssl s_server %.2f ms; core heap used: peak %d MB (sampled every 0.2 s), live after %d MB\n", mb, n, cpu / (bytes / 1e6), ocpu / (bytes / 1e6), peak, live
  }'
  echo "$peak" > "$DATA/peak-$mb"
}

echo "== $SMALL_MB MB package"
run "$SMALL_MB"
echo "== $SIZE_MB MB package"
run "$SIZE_MB"
echo "heap peak during $DEVICES downloads: $(cat "$DATA/peak-$SMALL_MB") MB ($SMALL_MB MB package), $(cat "$DATA/peak-$SIZE_MB") MB ($SIZE_MB MB package), ratio $(awk "BEGIN {printf \"%.2f\", $(cat "$DATA/peak-$SIZE_MB") / $(cat "$DATA/peak-$SMALL_MB")}") (core run with -Xmx${HEAP_MB}m; the $DEVICES downloads moved $(( DEVICES * SIZE_MB )) MB at once)"
echo "downloads recorded on the transaction log: $(psql_q "SELECT count(*) FROM dm_transaction WHERE kind = 'packageDownload'" 2>/dev/null || echo '?')"
