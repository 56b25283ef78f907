#!/usr/bin/env bash
# System benchmark: lookup-caller over HTTP vs nginx with a static body (see the .py file).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec /usr/bin/python3 "$here/lookup_caller_bench.py" "${1:-build/callgate}" "${@:2}"
