#!/usr/bin/env bash
# Acoustic adaptation of Debian's wideband en-us model (pocketsphinx-en-us) to the telephone
# channel: a global MLLR transform of its means, estimated with Debian's sphinxtrain (bw,
# mllr_solve) on speech that went through the line (8 kHz, G.711) and the recogniser's own front
# end (upsampling, added noise), as `asr_bench --dump` writes it: the benchmark's 24 conditions
# (ways of speaking, levels, noise), 18 digit strings each, spoken by ten espeak-ng Klatt voices
# that the benchmark does not use (bench/asr/corpus.cc), with another seed, so `make bench-asr`
# measures the transform on voices and strings it never saw. `make speech-adapt` writes the
# shipped share/speech/telephone.mllr this way (deterministic: the same file on every run). See
# docs/PERFORMANCE.md ("Adaptation to the telephone channel"). ADAPT_KEEP=1 keeps the work
# directory (corpus, features, bw's log).
# Usage: bench/asr/adapt.sh path/to/asr_bench OUT_MLLR [more asr_bench options]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bench="$1"; out="$2"; shift 2
model=/usr/share/pocketsphinx/model/en-us/en-us
st=/usr/lib/sphinxtrain
for tool in "$st/bw" "$st/mllr_solve" /usr/bin/sphinx_fe /usr/bin/pocketsphinx_mdef_convert; do
  [ -x "$tool" ] || { echo "$tool is missing: apt-get install sphinxtrain sphinxbase-utils pocketsphinx" >&2; exit 1; }
done
work="$(mktemp -d)"
[ -n "${ADAPT_KEEP:-}" ] && echo "work dir: $work" >&2 || trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/hmm" "$work/acc"
voices="espeak:en-us+klatt2,espeak:en-us+klatt5,espeak:en-us+klatt6,espeak:en-gb-scotland+klatt"
voices+=",espeak:en-029+klatt2,espeak:en-gb-x-gbclan+klatt5,espeak:en+klatt6"
voices+=",espeak:en-gb-x-gbcwmd+klatt2,espeak:en-us+klatt3,espeak:en-gb-scotland+klatt4"
# The recogniser's front end without a transform (--mllr ""), whatever the default. Pauses are
# kept whole (--max-pause 0), as when the shipped transform was made: it was learnt before the
# decoder shortened them, and re-adapting on shortened pauses has not been measured yet.
(cd "$root" && "$bench" --mllr "" --max-pause 0 --voices "$voices" --seed 1001 --per-kind 6 --dump "$work/corpus" "$@")
# The model as bw reads it: the text mdef and the mixture weights that the sendump quantises.
pocketsphinx_mdef_convert -text "$model/mdef" "$work/hmm/mdef.txt" 2>/dev/null
python3 "$root/bench/asr/sendump2mixw.py" "$model/sendump" "$work/hmm/mixture_weights"
for f in means variances transition_matrices feat.params noisedict; do ln -s "$model/$f" "$work/hmm/$f"; done
# Features exactly as the decoder computes them (the model's feat.params, -remove_noise no as
# PocketsphinxOptions::removeNoise), silence kept for bw to align.
sphinx_fe -argfile "$model/feat.params" -samprate 16000 -raw yes -input_endian little \
  -remove_noise no -remove_silence no -c "$work/corpus/fileids" \
  -di "$work/corpus" -do "$work/corpus" -ei raw -eo mfc >"$work/fe.log" 2>&1 ||
  { tail -20 "$work/fe.log" >&2; exit 1; }
# The shipped dictionary's first pronunciation of each word (bw takes each word's first).
grep -v '(' "$root/share/speech/digits.dict" >"$work/dict"
"$st/bw" -hmmdir "$work/hmm" -moddeffn "$work/hmm/mdef.txt" -ts2cbfn .ptm. \
  -feat 1s_c_d_dd -svspec 0-12/13-25/26-38 -cmn batch -agc none -varnorm no \
  -dictfn "$work/dict" -fdictfn "$model/noisedict" -ctlfn "$work/corpus/fileids" \
  -lsnfn "$work/corpus/transcription" -cepdir "$work/corpus" -accumdir "$work/acc" \
  >"$work/bw.log" 2>&1 || { tail -30 "$work/bw.log" >&2; exit 1; }
echo "bw: $(grep -c 'ignored' "$work/bw.log" || true) of $(wc -l <"$work/corpus/fileids") utterances not aligned; $(grep 'overall>' "$work/bw.log" | tail -1)" >&2
"$st/mllr_solve" -meanfn "$model/means" -varfn "$model/variances" -outmllrfn "$out" \
  -accumdir "$work/acc" >"$work/mllr.log" 2>&1 || { tail -30 "$work/mllr.log" >&2; exit 1; }
echo "MLLR transform written to $out" >&2
