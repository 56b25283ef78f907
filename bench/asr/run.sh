#!/usr/bin/env bash
# Speech recognition benchmark: a corpus spoken by flite, espeak-ng and
# festival voices at three speeds, continuously, digit by digit with pauses and in groups, clean,
# at other levels and in steady or babble noise, through G.711, decoded by PocketsphinxRecognizer
# with the shipped dictionary; prints per condition and in total first pass, the free digit-loop
# baseline, accuracy after the simulated confirmation turn, accepted-wrong and the median
# real-time factor, then GOAL MET / NOT MET for the speech issue's goals. With
# CALLGATE_BENCH_RESULTS=FILE it appends the headline figures as JSON lines. About 7 minutes on
# one thread. Then the same for a human voice saying digits one by one, first pass only (its
# figures are not in the results file). See docs/PERFORMANCE.md.
# Usage: bench/asr/run.sh [path/to/asr_bench] [asr_bench options, e.g. --per-kind 2 --details out.tsv]
# With --endpointer (or ASR_BENCH_ENDPOINTER=1) each utterance goes through speech::Endpointer
# inside 1.0 s + 1.5 s of its line, as on a call, and its cut is decoded next to the whole
# rendering (first pass only, about 4 minutes); --min-periodicity 0 measures it without the
# voicing gate.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${1:-$root/build/bench/asr_bench}"
command -v espeak-ng >/dev/null || { echo "espeak-ng is missing: make deps" >&2; exit 1; }
command -v text2wave >/dev/null || { echo "festival is missing: make deps" >&2; exit 1; }
[ -d /usr/share/festival/voices/us/cmu_us_slt_arctic_hts ] && [ -d /usr/share/festival/voices/english/ked_diphone ] ||
  { echo "festival voices festvox-us-slt-hts / festvox-kdlpc16k are missing: make deps" >&2; exit 1; }
human=/usr/share/asterisk/sounds/en_US_f_Allison/digits
[ -f "$human/6.wav" ] || { echo "the human voice's recordings (asterisk-core-sounds-en-wav) are missing: make deps" >&2; exit 1; }
cd "$root"  # the default dictionary path (share/speech/digits.dict) is relative to the repository
extra=()
[ "${ASR_BENCH_ENDPOINTER:-0}" = 1 ] && extra+=(--endpointer)
timeout 900 "$bin" --threads "${ASR_BENCH_THREADS:-1}" "${extra[@]}" "${@:2}"
# Then a human voice (recorded digit words, so digit by digit only; it has no recorded yes or no,
# so its caller answers each read-back by key), reported apart: about three minutes.
echo
echo "== a human voice (Allison Smith's recorded digits), digit by digit, read-backs answered by key"
exec env -u CALLGATE_BENCH_RESULTS timeout 600 "$bin" --threads "${ASR_BENCH_THREADS:-1}" "${extra[@]}" \
  --voices recorded:allison --conditions digits+pauses
