#!/usr/bin/env bash
# Fuzzes the HTTP API with schemathesis against its own /openapi.json: a real server on a
# fresh SQLite file, then one on a fresh PostgreSQL database (`$ARCO_TEST_POSTGRES`, default
# the server on 127.0.0.1:5432; created and dropped here), each seeded with bodies,
# accounts and a few cases, driven with an API token of a UT staff member. Fails on any 5xx, any response that breaks the schema, or any
# undocumented status code. Two checks are left out, on purpose: `ignored_auth` (the
# feed URL authenticates by its path token, not the header) and `positive_data_acceptance`
# (an act is a free-form object checked by the procedure, so a schema-valid body may be
# refused with 422 naming the field: that is the API working, not failing).
#
#   scripts/fuzz-api.sh            # build, seed, fuzz on both backends (a few minutes)
#   ARCO_FUZZ_BACKENDS=sqlite scripts/fuzz-api.sh
#   ARCO_FUZZ_MAX_EXAMPLES=500 scripts/fuzz-api.sh
#
# Needs Python 3 with pip; installs schemathesis (pinned) into .fuzz-venv if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
SCHEMATHESIS_VERSION=4.32.5
VENV=.fuzz-venv
if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi
cargo build --quiet --locked
ARCO=$PWD/target/debug/arco
WORK=$(mktemp -d)
SERVER_PID=
PG_ADMIN=${ARCO_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}
PG_URL=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  if [ -n "$PG_URL" ]; then
    psql "$PG_ADMIN" -q -c "DROP DATABASE IF EXISTS \"$PG_NAME\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# fuzz NAME DATABASE_URL: seeds the database, serves it, runs schemathesis against it.
fuzz() {
  local name=$1
  export ARCO_DATABASE_URL=$2
  echo "== $name"
  $ARCO admin add-body ITEI --name "Órgano garante" --kind guarantor >/dev/null
  $ARCO admin add-body SEJ --name "Secretaría" --guarantor ITEI >/dev/null
  $ARCO admin add-account ana --name "Ana" --body SEJ --role unit_staff >/dev/null
  TOKEN=$($ARCO admin token ana --label fuzz 2>/dev/null)
  $ARCO request file --body SEJ --right access --at 2026-02-05T10:00 --actor ana >/dev/null
  $ARCO request file --body SEJ --right rectification --at 2026-03-02 --actor ana >/dev/null
  $ARCO appeal file --request SEJ-ARCO-2026-00001 --venue guarantor --ground VII \
    --at 2026-03-20T10:00 --body ITEI --actor ana >/dev/null
  $ARCO serve --listen 127.0.0.1:0 >"$WORK/out-$name" 2>"$WORK/err-$name" &
  SERVER_PID=$!
  for _ in $(seq 50); do
    grep -q "escuchando" "$WORK/out-$name" 2>/dev/null && break
    sleep 0.1
  done
  URL=$(grep -o 'http://[0-9.:]*' "$WORK/out-$name" | head -1)
  echo "servidor en $URL ($name)"
  local status=0
  "$VENV/bin/schemathesis" run "$URL/openapi.json" \
    --header "Authorization: Bearer $TOKEN" \
    --checks all \
    --max-examples "${ARCO_FUZZ_MAX_EXAMPLES:-60}" \
    --seed 20261123 \
    --no-color \
    --suppress-health-check all \
    --exclude-checks ignored_auth,positive_data_acceptance \
    --exclude-path /v1/logout || status=$?
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
  if grep -q "panicked" "$WORK/err-$name"; then
    echo "el servidor entró en pánico ($name):"; cat "$WORK/err-$name"; return 1
  fi
  if grep -q "error interno" "$WORK/err-$name"; then
    echo "el servidor registró errores internos ($name):"; grep "error interno" "$WORK/err-$name"; return 1
  fi
  return $status
}

failed=0
for backend in ${ARCO_FUZZ_BACKENDS:-sqlite postgres}; do
  case $backend in
    sqlite)
      fuzz sqlite "sqlite:$WORK/fuzz.db" || failed=1 ;;
    postgres)
      PG_NAME="arco_fuzz_$$"
      PG_URL="${PG_ADMIN%/*}/$PG_NAME"
      ARCO_DATABASE_URL=$PG_URL $ARCO migrate >/dev/null
      fuzz postgres "$PG_URL" || failed=1 ;;
    *) echo "backend desconocido: $backend"; exit 2 ;;
  esac
done
exit $failed
