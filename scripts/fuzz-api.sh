#!/usr/bin/env bash
# Fuzzes the HTTP API with schemathesis against its own /openapi.json: a real server on a
# fresh SQLite file, seeded with bodies, accounts and a few cases, driven with an API token
# of a UT staff member. Fails on any 5xx, any response that breaks the schema, or any
# undocumented status code. Two checks are left out, on purpose: `ignored_auth` (the
# feed URL authenticates by its path token, not the header) and `positive_data_acceptance`
# (an act is a free-form object checked by the procedure, so a schema-valid body may be
# refused with 422 naming the field: that is the API working, not failing).
#
#   scripts/fuzz-api.sh            # build, seed, fuzz (about a minute)
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
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
export ARCO_DATABASE_URL="sqlite:$WORK/fuzz.db"
$ARCO admin add-body ITEI --name "Órgano garante" --kind guarantor >/dev/null
$ARCO admin add-body SEJ --name "Secretaría" --guarantor ITEI >/dev/null
$ARCO admin add-account ana --name "Ana" --body SEJ --role unit_staff >/dev/null
TOKEN=$($ARCO admin token ana --label fuzz 2>/dev/null)
$ARCO request file --body SEJ --right access --at 2026-02-05T10:00 --actor ana >/dev/null
$ARCO request file --body SEJ --right rectification --at 2026-03-02 --actor ana >/dev/null
$ARCO appeal file --request SEJ-ARCO-2026-00001 --venue guarantor --ground VII \
  --at 2026-03-20T10:00 --body ITEI --actor ana >/dev/null
$ARCO serve --listen 127.0.0.1:0 >"$WORK/out" 2>"$WORK/err" &
SERVER_PID=$!
for _ in $(seq 50); do
  grep -q "escuchando" "$WORK/out" 2>/dev/null && break
  sleep 0.1
done
URL=$(grep -o 'http://[0-9.:]*' "$WORK/out")
echo "servidor en $URL"
"$VENV/bin/schemathesis" run "$URL/openapi.json" \
  --header "Authorization: Bearer $TOKEN" \
  --checks all \
  --max-examples "${ARCO_FUZZ_MAX_EXAMPLES:-60}" \
  --seed 20261123 \
  --no-color \
  --suppress-health-check all \
  --exclude-checks ignored_auth,positive_data_acceptance \
  --exclude-path /v1/logout
status=$?
if grep -q "panicked" "$WORK/err"; then
  echo "el servidor entró en pánico:"; cat "$WORK/err"; exit 1
fi
exit $status
