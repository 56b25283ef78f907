#!/usr/bin/env bash
# Speech recognition benchmark: a corpus spoken by flite and
# espeak-ng voices at three speeds through G.711, decoded by PocketsphinxRecognizer with the
# shipped dictionary; prints first pass, the free digit-loop baseline, accuracy after the simulated
# confirmation turn, accepted-wrong and the median real-time factor. See docs/PERFORMANCE.md.
# Usage: bench/asr/run.sh [path/to/asr_bench] [asr_bench options, e.g. --per-kind 2 --details out.tsv]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${1:-$root/build/bench/asr_bench}"
command -v espeak-ng >/dev/null || { echo "espeak-ng is missing: make deps" >&2; exit 1; }
cd "$root"  # the default dictionary path (share/speech/digits.dict) is relative to the repository
exec timeout 900 "$bin" --threads "${ASR_BENCH_THREADS:-1}" "${@:2}"
