#!/usr/bin/env bash
# Soak: mixed HTTP and SIP load for 10 minutes; errors, memory and descriptor growth. See soak.py.
# Usage: bench/soak.sh [path/to/callgate] [--minutes 10] [--sip-rate 60] [--http-rate 1000] ...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# One RTP socket per call, plus SIP, HTTP and SQLite: a few hundred calls up need > 1024 fds.
want=65536
hard="$(ulimit -Hn)"
if [ "$hard" != "unlimited" ] && [ "$hard" -lt "$want" ]; then want="$hard"; fi
ulimit -n "$want" || true
exec /usr/bin/python3 "$here/soak.py" "${1:-build/callgate}" "${@:2}"
