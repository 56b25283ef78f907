#!/usr/bin/env bash
# `make run`'s set-up step: puts the demo customers (demo/customers.csv) into the demo database
# (var/callgate.db, demo/callgate.toml), every time. Idempotent: a customer whose phone or user id
# is already stored is left as it is (never duplicated, never overwritten), the missing ones are
# added. So the demo works even when a simulator call created the database first, and changes an
# operator made to a demo customer survive. Usage: scripts/demo-data.sh [CALLGATE_BINARY]
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$(realpath "${1:-$ROOT/build/callgate}")"
cd "$ROOT"
exec "$BIN" customers import --config demo/callgate.toml --skip-existing demo/customers.csv
