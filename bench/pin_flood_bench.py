#!/usr/bin/env python3
"""What a flood of PIN checks does to everyone else, in the same run.

Starts `callgate serve` (default cost argon2id, SQLite, 1,000 customers), then measures
lookup-caller and the JWKS with wrk -c1 (latency as one caller sees it) twice per round: idle,
and while FLOOD clients (default 16) post verify-pin in a loop, each check a full argon2id. The
ratio flood/idle of the p50 and p99 is what the flood costs a caller of the fast endpoints.
With --compare OLD_BIN the same rounds run on another binary too, alternating, so a change is
measured against its predecessor under the same machine noise. verify-pin answers per second
and the 503s of a full slow lane are counted.

Usage: pin_flood_bench.py CALLGATE_BIN [--compare OLD_BIN] [--flood N] [--duration S] [--rounds R]
"""
import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from lookup_caller_bench import (lookup_bodies, run_wrk, start_callgate, stop_all,  # noqa: E402
                                 write_customers, write_wrk_script)


def verify_pin_body(n):
    return json.dumps({"Details": {"ContactData": {
        "ContactId": f"flood-{n}", "CustomerEndpoint": {"Address": "+14155550177",
                                                         "Type": "TELEPHONE_NUMBER"}},
        "Parameters": {"userId": f"7{n:07d}", "pin": "0000"}}, "Name": "ContactFlowEvent"})


class Flood:
    """`clients` threads posting verify-pin for fresh unknown user ids (a full check each)."""

    def __init__(self, port, clients):
        self.port, self.stop = port, threading.Event()
        self.ok = self.busy = self.errors = 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(i,)) for i in range(clients)]

    def run(self, index):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        n = index * 10_000_000 // 64
        while not self.stop.is_set():
            n += 1
            try:
                conn.request("POST", "/connect/v1/verify-pin", body=verify_pin_body(n % 10_000_000),
                             headers={"Content-Type": "application/json"})
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            with self.lock:
                if status == 200:
                    self.ok += 1
                elif status == 503:
                    self.busy += 1
                else:
                    self.errors += 1
        conn.close()

    def __enter__(self):
        for t in self.threads:
            t.start()
        time.sleep(1.0)  # every client has a check in flight or queued
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=120)


def measure(port, script, duration):
    url = f"http://127.0.0.1:{port}"
    return {"lookup": run_wrk(url + "/connect/v1/lookup-caller", script, duration, 1),
            "jwks": run_wrk(url + "/.well-known/jwks.json", None, duration, 1)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("callgate")
    ap.add_argument("--compare", help="another callgate binary measured in the same rounds")
    ap.add_argument("--flood", type=int, default=16)
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (make deps)")
    work = tempfile.mkdtemp(prefix="callgate-pin-flood-")
    procs = []
    try:
        csv_path, phones = write_customers(work, 1000)
        script = os.path.join(work, "lookup.lua")
        write_wrk_script(script, lookup_bodies(phones, random.Random(7)))
        binaries = {"this": args.callgate}
        if args.compare:
            binaries["compare"] = args.compare
        ports = {}
        for name, binary in binaries.items():
            db = os.path.join(work, f"{name}.db")
            subprocess.run([binary, "customers", "import", csv_path, "--db", db], check=True,
                           capture_output=True)
            port, proc = start_callgate(binary, work, name, db)
            procs.append(proc)
            ports[name] = port
        results = {name: [] for name in binaries}
        for r in range(args.rounds):
            for name in binaries:
                idle = measure(ports[name], script, args.duration)
                with Flood(ports[name], args.flood) as flood:
                    started, ok0 = time.monotonic(), flood.ok
                    loaded = measure(ports[name], script, args.duration)
                    pins = (flood.ok - ok0) / (time.monotonic() - started)
                results[name].append({"idle": idle, "flood": loaded, "pins_per_s": pins,
                                      "busy": flood.busy, "errors": flood.errors})
                print(f"round {r + 1} {name}: lookup p50 {idle['lookup']['p50_ms']:.2f} -> "
                      f"{loaded['lookup']['p50_ms']:.2f} ms, p99 {idle['lookup']['p99_ms']:.2f} -> "
                      f"{loaded['lookup']['p99_ms']:.2f} ms; jwks p50 {idle['jwks']['p50_ms']:.2f} -> "
                      f"{loaded['jwks']['p50_ms']:.2f} ms; verify-pin {pins:.1f}/s, "
                      f"503 {flood.busy}, errors {flood.errors}", flush=True)
        print(f"\n{args.flood} verify-pin clients; wrk -t1 -c1 -d{args.duration}s; "
              f"median of {args.rounds} rounds (min-max)")
        for name, rounds in results.items():
            for endpoint in ("lookup", "jwks"):
                for pct in ("p50_ms", "p99_ms"):
                    ratios = [x["flood"][endpoint][pct] / x["idle"][endpoint][pct] for x in rounds]
                    flood = [x["flood"][endpoint][pct] for x in rounds]
                    print(f"{name:8} {endpoint:7} {pct[:3]}: flood {statistics.median(flood):8.2f} ms "
                          f"({min(flood):.2f}-{max(flood):.2f}), flood/idle "
                          f"{statistics.median(ratios):7.1f}x ({min(ratios):.1f}-{max(ratios):.1f})")
            pins = [x["pins_per_s"] for x in rounds]
            print(f"{name:8} verify-pin {statistics.median(pins):.1f}/s "
                  f"({min(pins):.1f}-{max(pins):.1f}); 503 answers "
                  f"{sum(x['busy'] for x in rounds)}; errors {sum(x['errors'] for x in rounds)}")
    finally:
        stop_all(procs)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
