#!/usr/bin/env bash
# Generates a Python client from arco's own /openapi.json with a standard generator
# (openapi-python-client, pinned, from PyPI) and drives one request with it through
# filing, admission and resolution against a real `arco serve` on a free port of the
# loopback, on a fresh SQLite file seeded with `arco admin` (issue 19). The generator must
# accept the document and the typed models it generates must read every answer: a failure
# of either fails the script. Called by tests/client_generated.rs (so by `cargo test`).
#
#   scripts/client-roundtrip.sh              # builds arco if ARCO_BIN is not given
#   ARCO_BIN=target/debug/arco scripts/client-roundtrip.sh
#
# Needs Python 3 with venv and pip; installs the generator into target/client-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
GENERATOR_VERSION=0.29.1
VENV=${ARCO_CLIENT_VENV:-target/client-venv}
if [ ! -x "$VENV/bin/openapi-python-client" ]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "openapi-python-client==$GENERATOR_VERSION"
fi
if [ -z "${ARCO_BIN:-}" ]; then
  cargo build --quiet --locked
  ARCO_BIN=$PWD/target/debug/arco
fi
WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

export ARCO_DATABASE_URL="sqlite:$WORK/client.db"
"$ARCO_BIN" admin add-body ITEI --name "Órgano garante" --kind guarantor >/dev/null
"$ARCO_BIN" admin add-body SEJ --name "Secretaría" --guarantor ITEI >/dev/null
"$ARCO_BIN" admin add-account ana --name "Ana" --body SEJ --role unit_staff >/dev/null
"$ARCO_BIN" admin add-account comite --name "Comité" --body SEJ --role committee >/dev/null
STAFF_TOKEN=$("$ARCO_BIN" admin token ana --label cliente 2>/dev/null)
COMMITTEE_TOKEN=$("$ARCO_BIN" admin token comite --label cliente 2>/dev/null)
"$ARCO_BIN" serve --listen 127.0.0.1:0 >"$WORK/out" 2>"$WORK/err" &
SERVER_PID=$!
for _ in $(seq 100); do
  grep -q "escuchando" "$WORK/out" 2>/dev/null && break
  sleep 0.1
done
URL=$(grep -o 'http://[0-9.:]*' "$WORK/out" | head -1)
if [ -z "$URL" ]; then
  echo "el servidor no arrancó:"; cat "$WORK/err"; exit 1
fi

"$VENV/bin/python" - "$URL/openapi.json" "$WORK/openapi.json" <<'EOF'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1]) as r, open(sys.argv[2], "wb") as f:
    f.write(r.read())
EOF
# Warnings about the document are failures: every schema must be understood. The
# generator formats its output with the ruff of its venv.
PATH="$PWD/$VENV/bin:$PATH" "$VENV/bin/openapi-python-client" generate --path "$WORK/openapi.json" \
  --output-path "$WORK/arco_client" --meta none --fail-on-warning >"$WORK/generate.log" 2>&1 || {
  echo "openapi-python-client no aceptó el documento:"; cat "$WORK/generate.log"; exit 1
}

PYTHONPATH="$WORK" ARCO_URL="$URL" STAFF_TOKEN="$STAFF_TOKEN" COMMITTEE_TOKEN="$COMMITTEE_TOKEN" \
  "$VENV/bin/python" scripts/client_roundtrip.py
