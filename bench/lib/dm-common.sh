# Shared by bench/dm-*.sh (sourced): packaged jars only (nothing is built), free loopback ports, a temporary
# TWIN_DATA_DIR, and a trap that stops every process the script started and removes the data dir.
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
JCMD="$JAVA_HOME/bin/jcmd"
CORE_JAR=core-service/target/twinning-core.jar
AUTH_JAR=auth-server/target/twinning-auth.jar
CLK_TCK=$(getconf CLK_TCK)
STARTED=()

need_jars() { # jar...
  local j
  for j in "$@"; do
    [ -f "$j" ] || { echo "missing $j: build first with ./mvnw -B -q -o package -DskipTests" >&2; exit 1; }
  done
}

DATA=$(mktemp -d /tmp/twinning-dmbench.XXXXXX)
cleanup() {
  local p
  for p in "${STARTED[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${STARTED[@]}"; do
    for _ in $(seq 1 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { # a TCP port nothing listens on (checked, not reserved)
  local p
  while :; do
    p=$(( 20000 + RANDOM % 30000 ))
    ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
}

# start_core [JVM options...]: the packaged core on free ports with TWIN_DATA_DIR=$DATA (the caller exports
# TWIN_AUTH_MODE / TWIN_AUTH_ISSUER); sets CORE (pid), REST (http://host:port), DM_PORT, DM_FP, PGPORT.
start_core() {
  : > "$DATA/core.log"
  TWIN_DATA_DIR="$DATA" TWIN_HTTP_PORT="$(free_port)" TWIN_GRPC_PORT=0 TWIN_DM_HTTPS_PORT=0 TWIN_LOG_LEVEL=INFO \
    "$JAVA" "$@" -jar "$CORE_JAR" > "$DATA/core.log" 2>&1 &
  CORE=$!; STARTED+=("$CORE")
  for _ in $(seq 1 240); do grep -q 'twinning-core ready' "$DATA/core.log" && break; kill -0 "$CORE" || break; sleep 0.5; done
  grep -q 'twinning-core ready' "$DATA/core.log" || { echo "the core did not start:"; tail -50 "$DATA/core.log"; exit 1; }
  local ready; ready=$(grep 'twinning-core ready' "$DATA/core.log")
  REST=$(echo "$ready" | grep -o 'rest=http://[^/ ]*' | cut -d= -f2)   # scheme, host and port only
  DM_PORT=$(echo "$ready" | grep -o ' dm=[0-9]*' | cut -d= -f2)
  DM_FP=$(echo "$ready" | grep -o 'dm-tls-sha256=[^ ]*' | cut -d= -f2)
  PGPORT=$(grep -o 'started on port [0-9]*' "$DATA/core.log" | head -1 | awk '{print $4}')
}

start_auth() { # the authorization server with development device tokens on a free port; sets ISSUER
  local port; port=$(free_port)
  export TWIN_AUTH_PORT=$port TWIN_AUTH_ISSUER="http://127.0.0.1:$port" TWIN_DEV_DEVICE_TOKENS=true
  ISSUER=$TWIN_AUTH_ISSUER
  TWIN_DATA_DIR="$DATA" "$JAVA" -jar "$AUTH_JAR" > "$DATA/auth.log" 2>&1 &
  STARTED+=("$!")
  for _ in $(seq 1 240); do curl -fs "$ISSUER/oauth2/jwks" >/dev/null 2>&1 && return; sleep 0.5; done
  echo "the authorization server did not start:"; tail -50 "$DATA/auth.log"; exit 1
}

cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }  # utime + stime, clock ticks
ticks_ms() { echo $(( $1 * 1000 / CLK_TCK )); }
rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
heap_used_mb() { "$JCMD" "$1" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | awk '{printf "%.0f", $2 / 1024}'; }
heap_live_mb() { "$JCMD" "$1" GC.run >/dev/null; heap_used_mb "$1"; }  # after a full GC: the live set
# CPU ticks of the embedded PostgreSQL: the postmaster and its current children (exited backends not counted)
pg_ticks() {
  local pm; pm=$(ss -Htlnp "sport = :$PGPORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
  [ -n "$pm" ] || { echo 0; return; }
  local t=0 p
  for p in "$pm" $(pgrep -P "$pm"); do t=$(( t + $(cpu_ticks "$p" 2>/dev/null || echo 0) )); done
  echo "$t"
}
psql_q() { psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -qAt -c "$1"; }
machine() { echo "machine: $(nproc) cores ($(nproc) from nproc), $(free -g | awk '/Mem/ {print $2}') GiB, kernel $(uname -r); $(date -u +%Y-%m-%dT%H:%MZ)"; }
# bench/DmBench.java compiled once into the data dir (a source launch would compile it at every start)
compile_dmbench() { "$JAVA_HOME/bin/javac" -d "$DATA/classes" bench/DmBench.java; }
