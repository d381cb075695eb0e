#!/usr/bin/env bash
# HTTP load benchmark: 100,000 cases on SQLite, `arco serve` (release) on loopback, wrk
# from a second process. Measures the floor (GET /v1/me: HTTP and authentication), "my due
# items" (GET /v1/due), a list page (GET /v1/requests?limit=50) and /health, each with its
# ratio to the floor (after a 2-second warm-up); recording an act (POST /v1/requests/{folio}/acts); and the staff
# pages. Figures go to docs/benchmarks.md.
#
#   benches/http/run.sh                 # seed (once, cached in /tmp), then measure
#   CASES=100000 DURATION=20s CONNECTIONS=32 benches/http/run.sh
#   PG=postgres://postgres@127.0.0.1:5432 benches/http/run.sh   # on PostgreSQL
#
# Needs wrk (Debian package `wrk`).
set -euo pipefail
cd "$(dirname "$0")/../.."
CASES=${CASES:-100000}
BODIES=${BODIES:-100}
WRITABLE=${WRITABLE:-30000}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
DB=${DB:-/tmp/arco-load-$CASES.db}
# PostgreSQL is seeded anew each run: its tokens must not overwrite the cached SQLite seed's.
if [ -n "${PG:-}" ]; then
  export TOKENS=${TOKENS:-/tmp/arco-load-$CASES-pg.tokens}
else
  export TOKENS=${TOKENS:-/tmp/arco-load-$CASES.tokens}
fi
# PG=postgres://postgres@127.0.0.1:5432 runs the same on a fresh PostgreSQL database
# (arco_load), seeded each time.
PG=${PG:-}
cargo build --release --quiet --locked --example load_seed
cargo build --release --quiet --locked
if [ -n "$PG" ]; then
  URL_DB="$PG/arco_load"
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS arco_load WITH (FORCE)"
  target/release/examples/load_seed "$URL_DB" "$CASES" "$BODIES" "$WRITABLE" "$TOKENS"
  # Planner statistics, as autovacuum would gather on a live server (without them the
  # freshly loaded tables get plans that scan every open term).
  psql "$URL_DB" -qc "ANALYZE"
else
  URL_DB="sqlite:$DB"
  if [ ! -f "$DB.seeded" ]; then
    rm -f "$DB" "$DB-wal" "$DB-shm"
    target/release/examples/load_seed "$URL_DB" "$CASES" "$BODIES" "$WRITABLE" "$TOKENS"
    cp "$DB" "$DB.seeded"
  fi
  # Every run starts from the seeded copy (the act benchmark changes it).
  cp "$DB.seeded" "$DB"; rm -f "$DB-wal" "$DB-shm"
fi
OUT=$(mktemp)
target/release/arco --database "$URL_DB" serve --listen 127.0.0.1:0 >"$OUT" 2>/dev/null &
PID=$!
trap 'kill $PID 2>/dev/null; rm -f $OUT' EXIT
for _ in $(seq 100); do grep -q escuchando "$OUT" && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$OUT" | head -1)
# One wrk run of an API read; prints wrk's report and keeps its rate in RATE.
measure() { # PATH_Q [NOAUTH]
  local rep
  # Warm-up (2 s, not counted): each body's first read of a list is a miss, and 100
  # bodies' misses would otherwise be the run's slowest percent.
  PATH_Q="$1" NOAUTH="${2:-}" wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s benches/http/due.lua "$URL" >/dev/null
  rep=$(PATH_Q="$1" NOAUTH="${2:-}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s benches/http/due.lua "$URL")
  echo "$rep"
  RATE=$(echo "$rep" | awk '/Requests\/sec/{print $2}')
}
ratio() { python3 -c "print(f'  proporción frente a /v1/me: {$1/$FLOOR:.1%}')"; }
echo "== GET /v1/me (el piso: HTTP y autenticación), $CASES casos, $BODIES sujetos obligados"
measure "/v1/me"; FLOOR=$RATE
echo "== GET /v1/due (mis pendientes)"
curl -s -H "Authorization: Bearer $(awk '$1=="B001"{print $2}' "$TOKENS")" "$URL/v1/due?as_of=2026-11-23" \
  | python3 -c 'import sys,json; d=json.load(sys.stdin); print("  partidas por respuesta:", len(d["items"]))'
measure "/v1/due?as_of=2026-11-23"; ratio "$RATE"
echo "== GET /v1/requests?limit=50"
measure "/v1/requests?limit=50&as_of=2026-11-23"; ratio "$RATE"
echo "== GET /health (sin autenticación)"
measure "/health" 1; ratio "$RATE"
echo "== POST /v1/requests/{folio}/acts (admitir), escrituras durables"
THREADS=$THREADS wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s benches/http/act.lua "$URL"
echo "== POST /v1/requests/{folio}/acts con Prefer: return=minimal (solo lo registrado)"
OFFSET=15000 MINIMAL=1 THREADS=$THREADS wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s benches/http/act.lua "$URL"
target/release/arco --database "$URL_DB" request list --body ESCR --state admitted 2>/dev/null | wc -l \
  | xargs echo "  solicitudes admitidas en ESCR tras la prueba:"
echo "== Páginas del personal (interfaz web), una sesión de staff-b001"
printf 'contrasena-de-carga-larga\n' | target/release/arco --database "$URL_DB" admin set-password staff-b001 >/dev/null
JAR=$(mktemp)
curl -s -c "$JAR" -b "$JAR" "$URL/entrar" -o "$JAR.html"
CSRF=$(grep -o 'name="csrf" value="[^"]*"' "$JAR.html" | sed 's/.*value="//;s/"$//')
curl -s -c "$JAR" -b "$JAR" -o /dev/null -d "usuario=staff-b001&contrasena=contrasena-de-carga-larga&csrf=$CSRF&siguiente=/" "$URL/entrar"
export COOKIE="arco_sesion=$(awk '$6=="arco_sesion"{print $7}' "$JAR")"
FOLIO=$(curl -s -b "$JAR" "$URL/solicitudes" | grep -o 'href="/solicitudes/B001-[^"]*"' | head -1 | sed 's|href="/solicitudes/||;s|"$||')
for P in "/" "/solicitudes" "/solicitudes/$FOLIO"; do
  echo "-- GET $P"
  PAGE="$P" wrk -t1 -c4 -d"$DURATION" --latency -s benches/http/page.lua "$URL"
done
rm -f "$JAR" "$JAR.html"
# The same reads on a server that keeps no list in memory (list_cache_entries = 0): what
# every read after a write costs.
kill $PID 2>/dev/null; wait $PID 2>/dev/null || true
CONF=$(mktemp --suffix=.toml)
echo 'list_cache_entries = 0' >"$CONF"
target/release/arco --database "$URL_DB" serve --config "$CONF" --listen 127.0.0.1:0 >"$OUT" 2>/dev/null &
PID=$!
for _ in $(seq 100); do grep -q escuchando "$OUT" && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$OUT" | tail -1)
echo "== Sin listas en memoria (list_cache_entries = 0)"
echo "-- GET /v1/due"
measure "/v1/due?as_of=2026-11-23"; ratio "$RATE"
echo "-- GET /v1/requests?limit=50"
measure "/v1/requests?limit=50&as_of=2026-11-23"; ratio "$RATE"
rm -f "$CONF"
