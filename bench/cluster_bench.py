#!/usr/bin/env python3
"""lookup-caller on PostgreSQL against SQLite, with nginx as the ceiling, in the same run.

Loads the same customers (100,000 by default) into one SQLite file and into a throwaway
PostgreSQL 15 (tests/support/pg_server.py: initdb into a temp dir, loopback only), starts one
`callgate serve` on each, and nginx (1 worker) returning a static body of the same size. Rounds
alternate between the three with the same wrk settings and the same 1,000 Connect events (80%
known callers), so machine noise hits all alike. Prints medians, spreads and the ratios
PostgreSQL/SQLite (goal >= 0.6) and each/nginx. PostgreSQL is measured twice: over TCP on
loopback, as a node reaches a database on another host, and over its Unix socket, as a node
beside its database would. Note that here the database, callgate and wrk share 2 cores; in a
cluster the database has a machine of its own.

Usage: cluster_bench.py CALLGATE_BIN [--customers N] [--duration S] [--connections C] [--rounds R]
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

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tests", "support"))

from lookup_caller_bench import (lookup_bodies, run_wrk, start_callgate, start_nginx,  # noqa: E402
                                 stop_all, write_customers, write_wrk_script)
from pg_server import PgServer  # noqa: E402


def import_customers(binary, csv_path, db):
    t0 = time.time()
    subprocess.run([binary, "customers", "import", csv_path, "--db", db], check=True,
                   capture_output=True)
    return time.time() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("callgate")
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not os.path.exists(f"/usr/sbin/{tool}"):
            sys.exit(f"{tool} is not installed (make deps)")

    work = tempfile.mkdtemp(prefix="callgate-cluster-bench-")
    os.chmod(work, 0o755)  # the PostgreSQL server runs as an unprivileged user
    procs = []
    pg = PgServer(os.path.join(work, "pg"))
    try:
        pg.start()
        csv_path, phones = write_customers(work, args.customers)
        sqlite_db = os.path.join(work, "callgate.db")
        seconds = import_customers(args.callgate, csv_path, sqlite_db)
        print(f"imported {args.customers} customers into SQLite in {seconds:.1f} s")
        seconds = import_customers(args.callgate, csv_path, pg.url)
        print(f"imported {args.customers} customers into PostgreSQL in {seconds:.1f} s")

        bodies = lookup_bodies(phones, random.Random(7))
        script = os.path.join(work, "lookup.lua")
        write_wrk_script(script, bodies)

        ports = {}
        ports["sqlite"], p = start_callgate(args.callgate, work, "sqlite", sqlite_db)
        procs.append(p)
        ports["postgres"], p = start_callgate(args.callgate, work, "postgres", pg.url)
        procs.append(p)
        # The same server over its Unix socket: what a node beside its database would use.
        ports["pg-unix"], p = start_callgate(args.callgate, work, "pg-unix", pg.socket_url)
        procs.append(p)
        answers = {}
        for name in ("sqlite", "postgres", "pg-unix"):
            answers[name] = json.loads(urllib.request.urlopen(urllib.request.Request(
                f"http://127.0.0.1:{ports[name]}/connect/v1/lookup-caller", data=bodies[0].encode(),
                headers={"Content-Type": "application/json"})).read())
        if not answers["sqlite"] == answers["postgres"] == answers["pg-unix"]:
            sys.exit(f"the backends answer differently: {answers}")
        ports["nginx"], p = start_nginx(work, json.dumps(answers["sqlite"]))
        procs.append(p)

        names = ("sqlite", "postgres", "pg-unix", "nginx")
        for name in names:  # warm-up
            run_wrk(f"http://127.0.0.1:{ports[name]}", script, 2, args.connections)
        results = {name: [] for name in names}
        for _ in range(args.rounds):
            for name in names:
                results[name].append(run_wrk(f"http://127.0.0.1:{ports[name]}", script,
                                             args.duration, args.connections))

        def med(name, key):
            return statistics.median(r[key] for r in results[name])

        def spread(name, key):
            values = [r[key] for r in results[name]]
            return min(values), max(values)

        print(f"wrk -t1 -c{args.connections} -d{args.duration}s, {args.rounds} rounds each, "
              "medians (min..max):")
        for name in names:
            lo, hi = spread(name, "rps")
            bad = sum(r["non2xx"] for r in results[name])
            print(f"  {name:8s} {med(name, 'rps'):>9.0f} req/s ({lo:.0f}..{hi:.0f})   "
                  f"p50 {med(name, 'p50_ms'):.3f} ms   p99 {med(name, 'p99_ms'):.3f} ms   "
                  f"non-2xx {bad}")
        pg_vs_sqlite = med("postgres", "rps") / med("sqlite", "rps")
        print(f"throughput ratio postgres/sqlite: {pg_vs_sqlite:.2f}  (goal >= 0.6; TCP loopback)")
        print(f"throughput ratio pg-unix/sqlite:  {med('pg-unix', 'rps') / med('sqlite', 'rps'):.2f}"
              "  (Unix socket)")
        print(f"throughput ratio sqlite/nginx:    {med('sqlite', 'rps') / med('nginx', 'rps'):.2f}")
        print(f"throughput ratio postgres/nginx:  {med('postgres', 'rps') / med('nginx', 'rps'):.2f}")
        print(f"p99 ratio postgres/sqlite:        "
              f"{med('postgres', 'p99_ms') / med('sqlite', 'p99_ms'):.2f}")
        print(json.dumps({"postgres_vs_sqlite": round(pg_vs_sqlite, 3), "runs": results}))
        if any(sum(r["non2xx"] for r in results[n]) for n in names):
            sys.exit("some requests failed")
    finally:
        stop_all(procs)
        pg.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
