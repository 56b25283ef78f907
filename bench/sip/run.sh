#!/usr/bin/env bash
# SIP benchmark: concurrent G.711 calls held with 0 failures, callgate's
# CPU, and call setups/s, each next to a trivial SIPp answering endpoint. See sip_bench.py.
# Usage: bench/sip/run.sh [path/to/callgate] [--levels 250,500,1000,1500] [--hold 10] ...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# callgate opens one RTP socket per call (plus SIP, HTTP, SQLite); 1500 calls need > 1024 fds.
want=65536
hard="$(ulimit -Hn)"
if [ "$hard" != "unlimited" ] && [ "$hard" -lt "$want" ]; then want="$hard"; fi
ulimit -n "$want" || true
echo "open files limit: $(ulimit -n)"
exec timeout --signal=INT 600 /usr/bin/python3 "$here/sip_bench.py" "${1:-build/callgate}" "${@:2}"
