#!/usr/bin/env python3
"""One table of every benchmark's headline figures against the baseline each measured in the
same run, read from the lines the benchmarks appended to CALLGATE_BENCH_RESULTS (one JSON object
per line: bench, metric, value, baseline, ratio, goal, met). `make bench` runs the benchmarks and
then this. A benchmark named on the command line that recorded nothing is reported as missing.

Usage: summary.py RESULTS.jsonl [BENCH_NAME ...]
"""
import json
import os
import sys

# `make bench` names benchmarks by their make target; their result lines by what they measure.
TARGET_TO_BENCH = {"lookup": "lookup-caller", "sip": "sip", "asr": "asr"}


def fmt(x):
    if x is None:
        return "-"
    if isinstance(x, bool):
        return "yes" if x else "NO"
    if isinstance(x, float):
        return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"
    return str(x)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    rows = []
    if os.path.exists(path):
        with open(path) as f:
            rows = [json.loads(line) for line in f if line.strip()]
    header = ("benchmark", "metric", "callgate", "baseline", "ratio", "goal", "met")
    table = [header] + [tuple(fmt(r.get(k)) for k in ("bench", "metric", "value", "baseline",
                                                      "ratio", "goal", "met")) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    print("\n== summary: each figure against the baseline measured in the same run")
    for n, row in enumerate(table):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    recorded = {r["bench"] for r in rows}
    missing = [t for t in sys.argv[2:] if TARGET_TO_BENCH.get(t, t) not in recorded]
    if missing:
        print(f"recorded nothing: {' '.join(missing)}")
    goals = [r for r in rows if r.get("met") is not None]
    print(f"goals met: {sum(1 for r in goals if r['met'])} of {len(goals)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
