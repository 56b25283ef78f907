#!/usr/bin/env bash
# Soak: mixed HTTP and SIP load for 10 minutes; errors, memory and descriptor growth. See soak.py.
# Usage: bench/soak.sh [path/to/callgate] [--minutes 10] [--sip-rate 60] [--http-rate 1000] ...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=/dev/null
. "$here/raise_fd_limit.sh"
exec /usr/bin/python3 "$here/soak.py" "${1:-build/callgate}" "${@:2}"
