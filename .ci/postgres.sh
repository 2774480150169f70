# Sourced by .ci/run: start a throw-away PostgreSQL server on 127.0.0.1 for the store tests and
# export DETECTOR_TEST_PG_URL. Installs the Debian package when it is missing. The server runs as
# the `postgres` user (initdb refuses root), listens on loopback only on a free port, trusts local
# connections (it holds nothing but test data), and is stopped and removed by detector_pg_stop.

detector_pg_start() {
  if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  DETECTOR_PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  DETECTOR_PG_DIR=$(mktemp -d /tmp/detector-pg.XXXXXX)
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  DETECTOR_PG_AS=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$DETECTOR_PG_DIR"
    DETECTOR_PG_AS=(runuser -u postgres --)
  fi
  "${DETECTOR_PG_AS[@]}" "$DETECTOR_PG_BIN/initdb" -D "$DETECTOR_PG_DIR/data" -U detector -A trust -E UTF8 --no-sync >/dev/null
  "${DETECTOR_PG_AS[@]}" "$DETECTOR_PG_BIN/pg_ctl" -D "$DETECTOR_PG_DIR/data" -l "$DETECTOR_PG_DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $DETECTOR_PG_DIR -c fsync=off" start >/dev/null
  "${DETECTOR_PG_AS[@]}" "$DETECTOR_PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U detector detector_test
  export DETECTOR_TEST_PG_URL="postgresql://detector@127.0.0.1:$port/detector_test"
  echo "PostgreSQL test server: $DETECTOR_TEST_PG_URL"
}

detector_pg_stop() {
  if [ -n "${DETECTOR_PG_DIR:-}" ] && [ -d "$DETECTOR_PG_DIR/data" ]; then
    "${DETECTOR_PG_AS[@]}" "$DETECTOR_PG_BIN/pg_ctl" -D "$DETECTOR_PG_DIR/data" -m fast -w stop >/dev/null || true
    rm -rf "$DETECTOR_PG_DIR"
  fi
}
