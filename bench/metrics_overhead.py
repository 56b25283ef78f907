#!/usr/bin/env python3
"""What the metrics cost on the hot path: lookup-caller throughput of two callgate binaries
(a baseline built without the instrumentation, and this build) in the same run.

The two servers run side by side over copies of one database (100,000 customers), driven by
`make bench`'s wrk script (POST /connect/v1/lookup-caller, 1,000 distinct callers, 80% known,
keep-alive). Rounds alternate baseline, candidate, baseline, ... so the load other processes put
on the machine hits both alike; the medians, the spread (min..max) of each, and the ratio are
printed. The metrics cost is within the noise when the ratio's distance from 1 is smaller than
the runs' own spread.

Usage: metrics_overhead.py BASELINE_BIN CANDIDATE_BIN [--rounds R] [--duration S] [--connections C]
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookup_caller_bench import (lookup_bodies, run_wrk, start_callgate, stop_all,  # noqa: E402
                                 write_customers, write_wrk_script)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("baseline")
    ap.add_argument("candidate")
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (make deps)")

    work = tempfile.mkdtemp(prefix="callgate-metrics-bench-")
    procs = []
    try:
        rng = random.Random(7)
        csv_path, phones = write_customers(work, args.customers)
        db = os.path.join(work, "base.db")
        subprocess.run([args.baseline, "customers", "import", csv_path, "--db", db], check=True,
                       capture_output=True)
        bodies = lookup_bodies(phones, rng)
        script = os.path.join(work, "lookup.lua")
        write_wrk_script(script, bodies)

        ports = {}
        for name, binary in (("baseline", args.baseline), ("candidate", args.candidate)):
            copy = os.path.join(work, f"{name}.db")
            shutil.copy(db, copy)
            port, proc = start_callgate(binary, work, name, copy)
            procs.append(proc)
            ports[name] = port
        for name, port in ports.items():  # one request each: both answer the same
            urllib.request.urlopen(urllib.request.Request(
                f"http://127.0.0.1:{port}/connect/v1/lookup-caller", data=bodies[0].encode(),
                headers={"Content-Type": "application/json"})).read()
            run_wrk(f"http://127.0.0.1:{port}", script, 2, args.connections)  # warm up

        results = {"baseline": [], "candidate": []}
        order = ["baseline", "candidate"]
        for i in range(args.rounds):
            # Alternate which goes first too, so neither always follows the other.
            for name in (order if i % 2 == 0 else order[::-1]):
                r = run_wrk(f"http://127.0.0.1:{ports[name]}", script, args.duration,
                            args.connections)
                results[name].append(r)
                print(f"round {i + 1} {name:9s} {r['rps']:>9.0f} req/s  p50 {r['p50_ms']:.3f} ms"
                      f"  p99 {r['p99_ms']:.3f} ms  non-2xx {r['non2xx']}", flush=True)

        def stats(name, key):
            values = [r[key] for r in results[name]]
            return statistics.median(values), min(values), max(values)

        print(f"\nwrk -t1 -c{args.connections} -d{args.duration}s, {args.rounds} rounds each, "
              f"alternating; median (min..max):")
        for name in order:
            rps, p50, p99 = stats(name, "rps"), stats(name, "p50_ms"), stats(name, "p99_ms")
            print(f"  {name:9s} {rps[0]:>9.0f} req/s ({rps[1]:.0f}..{rps[2]:.0f})   "
                  f"p50 {p50[0]:.3f} ms ({p50[1]:.3f}..{p50[2]:.3f})   "
                  f"p99 {p99[0]:.3f} ms ({p99[1]:.3f}..{p99[2]:.3f})")
        base, cand = stats("baseline", "rps"), stats("candidate", "rps")
        ratio = cand[0] / base[0]
        spread = (base[2] - base[1]) / base[0]
        print(f"throughput ratio candidate/baseline: {ratio:.3f}; baseline's own spread "
              f"(max-min)/median: {spread:.3f}")
        print(json.dumps({"ratio": round(ratio, 4), "baseline_spread": round(spread, 4),
                          "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                          "runs": results}))
    finally:
        stop_all(procs)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
