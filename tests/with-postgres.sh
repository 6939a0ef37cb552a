#!/usr/bin/env bash
# Run a command against PostgreSQL. With DATABASE_URL set, use that server.
# Otherwise start a throwaway cluster on a unix socket in a temp dir and stop it afterwards.
set -euo pipefail

if [ -n "${DATABASE_URL:-}" ]; then
  exec "$@"
fi

find_pg_bin() {
  local name=$1
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  local candidate
  candidate=$(ls -d /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$candidate" ] && echo "$candidate"
}

INITDB=$(find_pg_bin initdb || true)
PG_CTL=$(find_pg_bin pg_ctl || true)
CREATEDB=$(find_pg_bin createdb || true)
if [ -z "$INITDB" ] || [ -z "$PG_CTL" ] || [ -z "$CREATEDB" ]; then
  echo "ERROR: PostgreSQL server binaries (initdb, pg_ctl) not found." >&2
  echo "       Install them: apt-get install postgresql   (or set DATABASE_URL=postgres://...)" >&2
  exit 1
fi

PGTMP=$(mktemp -d /tmp/sopkinerja-pg.XXXXXX)
RUN_AS=()
if [ "$(id -u)" = "0" ]; then
  # initdb refuses to run as root: run the server as an unprivileged user.
  PGUSER_OS=postgres
  id "$PGUSER_OS" >/dev/null 2>&1 || PGUSER_OS=nobody
  chown "$PGUSER_OS" "$PGTMP"
  chmod 755 "$PGTMP"
  RUN_AS=(runuser -u "$PGUSER_OS" --)
fi

cleanup() {
  "${RUN_AS[@]}" "$PG_CTL" -D "$PGTMP/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGTMP"
}
trap cleanup EXIT

"${RUN_AS[@]}" "$INITDB" -D "$PGTMP/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$PGTMP/initdb.log" 2>&1 \
  || { cat "$PGTMP/initdb.log" >&2; exit 1; }
"${RUN_AS[@]}" "$PG_CTL" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 60 \
  -o "-c listen_addresses='' -k $PGTMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$PGTMP/server.log" >&2; exit 1; }

"$CREATEDB" -h "$PGTMP" -U postgres sopkinerja
export DATABASE_URL="postgres://postgres@/sopkinerja?host=$PGTMP"
"$@"
