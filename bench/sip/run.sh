#!/usr/bin/env bash
# SIP benchmark: concurrent G.711 calls held with 0 failures (1000, 2500, 5000), callgate's CPU,
# call setups/s and CPU per setup, each next to a trivial SIPp answering endpoint. See sip_bench.py.
# Usage: bench/sip/run.sh [path/to/callgate] [--levels 1000,2500,5000] [--hold 10] ...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=/dev/null
. "$here/../raise_fd_limit.sh"
exec timeout --signal=INT 600 /usr/bin/python3 -u "$here/sip_bench.py" "${1:-build/callgate}" "${@:2}"
