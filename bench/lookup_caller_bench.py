#!/usr/bin/env python3
"""lookup-caller throughput against nginx, in the same run, with the same wrk settings.

Loads 100,000 customers, starts `callgate serve` on a free loopback port, and drives
POST /connect/v1/lookup-caller with real Amazon Connect events (1,000 distinct callers, 80% known)
using wrk with keep-alive. Then starts nginx (1 worker) returning a static JSON body of the same
size and drives it with the same script and settings. Rounds alternate between the two (and which
goes first); the medians, the per-round ratios (median and range) and p50/p99 latencies are
printed, at -c50 (the goal: throughput >= 0.6x nginx's, p99 <= 2x) and, shorter, at -c1 and -c200.
With CALLGATE_BENCH_RESULTS set, the figures are appended there for bench/summary.py.

Usage: lookup_caller_bench.py CALLGATE_BIN [--customers N] [--duration S] [--connections C]
       [--rounds R] [--extra-concurrency 1,200] [--io-threads N]
"""
import argparse
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


def event(phone):
    return json.dumps({
        "Details": {
            "ContactData": {
                "Attributes": {}, "Channel": "VOICE", "ContactId": "bench-contact",
                "CustomerEndpoint": {"Address": phone, "Type": "TELEPHONE_NUMBER"},
                "InitialContactId": "bench-contact", "InitiationMethod": "INBOUND",
                "InstanceARN": "arn:aws:connect:us-east-1:000000000000:instance/bench",
                "LanguageCode": "en-US", "Queue": None,
                "SystemEndpoint": {"Address": "+18005550100", "Type": "TELEPHONE_NUMBER"},
            },
            "Parameters": {"attestation": "A"},
        },
        "Name": "ContactFlowEvent",
    })


def write_wrk_script(path, bodies):
    lua_bodies = ",\n".join("[[" + b + "]]" for b in bodies)
    with open(path, "w") as f:
        f.write(f"""
local bodies = {{
{lua_bodies}
}}
local reqs = {{}}
-- Built in init(): only then does wrk know the Host header that wrk.format adds.
init = function(args)
  for i, b in ipairs(bodies) do
    reqs[i] = wrk.format("POST", "/connect/v1/lookup-caller", {{["Content-Type"] = "application/json"}}, b)
  end
end
local n = 0
request = function()
  n = n % #reqs + 1
  return reqs[n]
end
""")


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def run_wrk(url, script, duration, connections):
    """wrk against `url` (with the Lua `script`, or plain GETs when None)."""
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency",
         *(["-s", script] if script else []), url],
        check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {}
    for pct in ("50", "99"):
        m = re.search(rf"\s{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s)", out)
        lat[pct] = float(m.group(1)) * UNITS[m.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {"rps": rps, "p50_ms": lat["50"], "p99_ms": lat["99"],
            "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": errors.group(0) if errors else ""}


def start_nginx(work, sample_body):
    """nginx (1 worker) answering every request with `sample_body` (JSON); returns (port, process)."""
    ng_port = free_port()
    static_body = json.dumps(json.loads(sample_body)).replace("'", "\\'")
    conf = os.path.join(work, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {work}/nginx-body;
  keepalive_requests 1000000;
  server {{
    listen 127.0.0.1:{ng_port};
    location / {{ default_type application/json; return 200 '{static_body}'; }}
  }}
}}
""")
    ng = subprocess.Popen(["nginx", "-c", conf, "-p", work], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    wait_http(f"http://127.0.0.1:{ng_port}/")
    return ng_port, ng


def write_customers(work, count):
    """A CSV of `count` valid North American customers; returns (path, phones)."""
    # Valid North American numbers: NXX exchange must not start with 0/1.
    phones = [f"+1415{200 + (n // 10000) % 700:03d}{n % 10000:04d}" for n in range(count)]
    csv_path = os.path.join(work, "customers.csv")
    with open(csv_path, "w") as f:
        f.write("phone,first_name,last_name,level,language\n")
        for i, p in enumerate(phones):
            f.write(f"{p},First{i},Last{i},Gold,en-US\n")
    return csv_path, phones


def lookup_bodies(phones, rng):
    """1,000 lookup-caller events, 80% for known callers."""
    callers = [rng.choice(phones) if rng.random() < 0.8 else f"+1212555{rng.randrange(10000):04d}"
               for _ in range(1000)]
    return [event(p) for p in callers]


def start_callgate(binary, work, name, db, extra_args=()):
    """`callgate serve` on a free port over `db` (a file or a URL); returns (port, process)."""
    port = free_port()
    proc = subprocess.Popen(
        [binary, "serve", "--http", f"127.0.0.1:{port}", "--db", db,
         "--sms", f"outbox:{work}/outbox-{name}.jsonl", "--otp-secret-file", f"{work}/otp.key",
         "--pin-pepper-file", f"{work}/pin.key", "--jwt-key-file", f"{work}/jwt-{name}.json",
         "--audit-log", f"{work}/audit-{name}.jsonl", "--log-level", "info", *extra_args],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    proc.stdout.readline()
    wait_http(f"http://127.0.0.1:{port}/healthz")
    return port, proc


def stop_all(procs):
    """Terminates every process, killing those that do not stop within 10 s."""
    for p in procs:
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()


def record_result(metric, value, baseline, ratio, goal, met):
    """Appends one line for bench/summary.py when CALLGATE_BENCH_RESULTS names a file. `ratio`
    is the median of the rounds' own ratios (what the goal is judged on), not value / baseline
    of the two medians, which can differ by a lot when one round is an outlier."""
    path = os.environ.get("CALLGATE_BENCH_RESULTS")
    if not path:
        return
    with open(path, "a") as f:
        f.write(json.dumps({"bench": "lookup-caller", "metric": metric, "value": round(value, 3),
                            "baseline": round(baseline, 3),
                            "ratio": round(ratio, 3),
                            "goal": goal, "met": met}) + "\n")


def compare(cg_url, ng_url, script, duration, connections, rounds):
    """Alternating rounds against both; returns (per-target runs, per-round ratios)."""
    run_wrk(cg_url, script, 2, connections)  # warm-up at this concurrency
    run_wrk(ng_url, script, 2, connections)
    runs = {"callgate": [], "nginx": []}
    for i in range(rounds):
        # Alternate which goes first, so a drift in machine load hits both alike.
        order = ("callgate", "nginx") if i % 2 == 0 else ("nginx", "callgate")
        for name in order:
            runs[name].append(run_wrk(cg_url if name == "callgate" else ng_url, script, duration,
                                      connections))
    ratios = {
        "rps": [c["rps"] / n["rps"] for c, n in zip(runs["callgate"], runs["nginx"])],
        "p99": [c["p99_ms"] / n["p99_ms"] for c, n in zip(runs["callgate"], runs["nginx"])],
    }
    return runs, ratios


def spread(values):
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("callgate")
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--extra-concurrency", default="1,200",
                    help="also measured, shorter (half the duration), for latency at low load and "
                         "behaviour at high concurrency; empty for none")
    ap.add_argument("--io-threads", type=int, default=0, help="callgate's [server] io_threads "
                    "(0: its default, one per core)")
    args = ap.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not os.path.exists(f"/usr/sbin/{tool}"):
            sys.exit(f"{tool} is not installed (make deps)")

    work = tempfile.mkdtemp(prefix="callgate-bench-")
    procs = []
    try:
        rng = random.Random(7)
        csv_path, phones = write_customers(work, args.customers)
        db = os.path.join(work, "callgate.db")
        t0 = time.time()
        subprocess.run([args.callgate, "customers", "import", csv_path, "--db", db],
                       check=True, capture_output=True)
        print(f"imported {args.customers} customers in {time.time() - t0:.1f} s")

        bodies = lookup_bodies(phones, rng)
        script = os.path.join(work, "lookup.lua")
        write_wrk_script(script, bodies)

        extra = []
        if args.io_threads:
            conf = os.path.join(work, "server.toml")
            with open(conf, "w") as f:
                f.write(f"[server]\nio_threads = {args.io_threads}\n")
            extra = ["--config", conf]
        cg_port, cg = start_callgate(args.callgate, work, "sqlite", db, extra)
        procs.append(cg)
        sample = urllib.request.urlopen(urllib.request.Request(
            f"http://127.0.0.1:{cg_port}/connect/v1/lookup-caller", data=bodies[0].encode(),
            headers={"Content-Type": "application/json"})).read()

        ng_port, ng = start_nginx(work, sample)
        procs.append(ng)
        cg_url, ng_url = f"http://127.0.0.1:{cg_port}", f"http://127.0.0.1:{ng_port}"

        levels = [(args.connections, args.duration)] + [
            (int(c), max(1, args.duration // 2)) for c in args.extra_concurrency.split(",") if c]
        summary = {}
        for connections, duration in levels:
            runs, ratios = compare(cg_url, ng_url, script, duration, connections, args.rounds)
            summary[connections] = (runs, ratios)

            def med(name, key):
                return statistics.median(r[key] for r in runs[name])

            print(f"\nwrk -t1 -c{connections} -d{duration}s, {args.rounds} alternating rounds, "
                  "medians:")
            for name in ("callgate", "nginx"):
                bad = sum(r["non2xx"] for r in runs[name])
                print(f"  {name:8s} {med(name, 'rps'):>10.0f} req/s   p50 {med(name, 'p50_ms'):.3f} ms"
                      f"   p99 {med(name, 'p99_ms'):.3f} ms   non-2xx {bad}")
            print(f"  throughput ratio callgate/nginx, median (min–max) of the rounds: "
                  f"{spread(ratios['rps'])}")
            print(f"  p99 ratio callgate/nginx, median (min–max):                   "
                  f"{spread(ratios['p99'])}")

        _, main_ratios = summary[args.connections]
        rps_ratio = statistics.median(main_ratios["rps"])
        p99_ratio = statistics.median(main_ratios["p99"])
        print(f"\ngoal at -c{args.connections}: throughput ratio {rps_ratio:.2f} (goal >= 0.6), "
              f"p99 ratio {p99_ratio:.2f} (goal <= 2.0)")
        for connections, (runs, ratios) in summary.items():
            cg_rps = statistics.median(r["rps"] for r in runs["callgate"])
            ng_rps = statistics.median(r["rps"] for r in runs["nginx"])
            cg_p99 = statistics.median(r["p99_ms"] for r in runs["callgate"])
            ng_p99 = statistics.median(r["p99_ms"] for r in runs["nginx"])
            main_level = connections == args.connections
            rps_median = statistics.median(ratios["rps"])
            p99_median = statistics.median(ratios["p99"])
            record_result(f"req/s at -c{connections}", cg_rps, ng_rps, rps_median,
                          ">= 0.6x nginx" if main_level else "(reported)",
                          rps_median >= 0.6 if main_level else None)
            record_result(f"p99 ms at -c{connections}", cg_p99, ng_p99, p99_median,
                          "<= 2x nginx" if main_level else "(reported)",
                          p99_median <= 2.0 if main_level else None)
        print(json.dumps({"ratio": round(rps_ratio, 3), "p99_ratio": round(p99_ratio, 3),
                          "levels": {c: s[1] for c, s in summary.items()}}))
    finally:
        stop_all(procs)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
