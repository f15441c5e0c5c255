# A throw-away PostgreSQL cluster for the fault scripts (sourced): pg_start DIR PORT, pg_ctl_as ARGS...
# Uses the Debian PostgreSQL binaries (installed if missing); runs as the postgres user when root.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$PG_BIN" ]; then
  apt-get install -y -q postgresql >/dev/null
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
pg_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg_start() { # DIR PORT
  PG_DIR=$1; PG_PORT=$2
  mkdir -p "$PG_DIR"; [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
  pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
  pg_up
}
pg_down() { pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -m fast stop >/dev/null; }
pg_up() {
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/pg.log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on" start >/dev/null
}
pg_stop() { pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -m fast stop >/dev/null 2>&1 || true; }
