#!/bin/bash
# Runs every libFuzzer target of a CALLGATE_FUZZ=ON build for a while (`make fuzz`).
#   fuzz/run.sh <build dir> [seconds per target, default 60]
# Each target starts from its seeds in fuzz/corpus/<target>/ (read only) and writes what it
# finds to <build>/corpus/<target>/ (scratch, kept between runs); crash inputs go to
# <build>/artifacts/<target>-crash-*, logs to <build>/logs/<target>.log. Every target runs even
# after one fails; the exit status is 1 if any crashed, timed out or ran out of memory. To keep a
# finding as a regression, fix it, then copy the artifact into fuzz/corpus/<target>/.
set -uo pipefail
build="${1:?usage: fuzz/run.sh <build dir> [seconds per target]}"
seconds="${2:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
targets="$build/fuzz/targets.txt"
[ -f "$targets" ] || { echo "fuzz: $targets missing (configure with -DCALLGATE_FUZZ=ON)" >&2; exit 2; }
mkdir -p "$build/corpus" "$build/artifacts" "$build/logs"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp}"

failed=()
start=$(date +%s)
printf '%-16s %8s %10s %8s %6s  %s\n' target seconds execs exec/s cov result
while read -r name; do
  [ -n "$name" ] || continue
  exe="$build/fuzz/fuzz_$name"
  log="$build/logs/$name.log"
  mkdir -p "$build/corpus/$name"
  t0=$(date +%s)
  nice "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$name-" \
    "$build/corpus/$name" "$root/fuzz/corpus/$name" >"$log" 2>&1
  status=$?
  t1=$(date +%s)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  result=ok
  if [ "$status" -ne 0 ]; then
    result="FAILED (exit $status, see $log)"
    failed+=("$name")
  fi
  printf '%-16s %8s %10s %8s %6s  %s\n' "$name" "$((t1 - t0))" "${execs:--}" "${rate:--}" \
    "${cov:--}" "$result"
done <"$targets"
echo "fuzz: $(( $(date +%s) - start )) s in all"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}; inputs in $build/artifacts/" >&2
  exit 1
fi
