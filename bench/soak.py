#!/usr/bin/env python3
"""Soak: mixed HTTP and SIP load on one node for a while; errors, memory and descriptors.

One `callgate serve --sip` (SQLite, 1,000 customers, the SIP benchmark's flow: a prompt, one
key, goodbye) takes for --minutes (default 10):
- SIP: SIPp (tests/integration/sip/uac_dtmf_load.xml) placing --sip-rate calls/s, each held
  --hold s with RTP both ways, one RFC 4733 digit, then BYE;
- HTTP: wrk, --connections keep-alive connections each pacing itself to --http-rate in all,
  cycling lookup-caller (70%), send-otp and verify-otp for known callers (10% each; their rate
  limits answer most of them, which is the point: the limiter's tables are exercised), the JWKS
  and the discovery document (5% each). Every answer should be a 2xx.
The default rates are twice a sustained load: 30 calls/s (FreeSWITCH's default session rate, a
typical ceiling for one node) and 500 requests/s (100 Connect contacts/s, 5 function calls
each). Every --sample s the server's resident memory (VmRSS) and open descriptors are read
from /proc. Baseline: the first sample after the first minute (pools, caches and the prompt cache
are warm by then); the last sample is compared with it (goal: errors 0, growth flat, i.e. a
ratio near 1.00 with no trend over the samples).

Usage (bench/soak.sh raises `ulimit -n`): soak.py CALLGATE_BIN [--minutes 10] [--sip-rate 60]
[--hold 3] [--http-rate 1000] [--connections 10] [--sample 10]
"""

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.path.join(HERE, ".."))
sys.path.insert(0, HERE)

from lookup_caller_bench import event, write_customers  # noqa: E402


def proc_status(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        rss = int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1))
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


def write_mix_script(path, phones, rate_per_connection):
    """A wrk script cycling the request mix, each connection pacing itself with delay()."""
    rng = random.Random(11)
    reqs = []
    for i in range(200):
        phone = rng.choice(phones)
        roll = i % 20
        if roll < 14:
            reqs.append(("POST", "/connect/v1/lookup-caller", event(phone)))
        elif roll < 16:
            reqs.append(("POST", "/connect/v1/send-otp", event(phone)))
        elif roll < 18:
            body = json.loads(event(phone))
            body["Details"]["Parameters"] = {"code": f"{rng.randrange(10**6):06d}"}
            reqs.append(("POST", "/connect/v1/verify-otp", json.dumps(body)))
        elif roll == 18:
            reqs.append(("GET", "/.well-known/jwks.json", ""))
        else:
            reqs.append(("GET", "/.well-known/openid-configuration", ""))
    lua = ",\n".join(f'{{"{m}", "{p}", [[{b}]]}}' for m, p, b in reqs)
    delay_ms = max(1, int(1000 / rate_per_connection))
    with open(path, "w") as f:
        f.write(f"""
local mix = {{
{lua}
}}
local reqs = {{}}
init = function(args)
  for i, r in ipairs(mix) do
    local headers = {{}}
    if r[1] == "POST" then headers["Content-Type"] = "application/json" end
    reqs[i] = wrk.format(r[1], r[2], headers, r[3] ~= "" and r[3] or nil)
  end
end
local n = 0
request = function()
  n = n % #reqs + 1
  return reqs[n]
end
delay = function() return {delay_ms} end
""")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--sip-rate", type=int, default=60)
    ap.add_argument("--hold", type=float, default=3.0)
    ap.add_argument("--http-rate", type=int, default=1000)
    ap.add_argument("--connections", type=int, default=10)
    ap.add_argument("--sample", type=float, default=10)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (make deps)")
    os.environ["CALLGATE_BIN"] = os.path.abspath(args.binary)
    os.environ["CALLGATE_SOURCE_DIR"] = SOURCE
    sys.path.insert(0, os.path.join(SOURCE, "tests", "integration"))
    import sip_harness as sh  # noqa: E402  (needs the environment above)
    if not sh.SIPP:
        sys.exit("sipp not found (apt-get install sip-tester)")

    seconds = args.minutes * 60
    ws = sh.SipWorkspace()
    work = tempfile.mkdtemp(prefix="callgate-soak-")
    callgate = None
    try:
        csv_path, phones = write_customers(work, 1000)
        r = ws.run("customers", "import", csv_path, *ws.store_args())
        if r.returncode != 0:
            sys.exit(f"import failed: {r.stderr}")
        ws.write_sip_config(default_agent="sip:agent@127.0.0.1:9", max_calls=100000,
                            default_flow=os.path.join(SOURCE, "bench", "sip", "bench-flow.json"),
                            rtp_ports="20000-60000")
        callgate = sh.CallgateSip(ws)
        pid = callgate.proc.pid
        print(f"callgate pid {pid}: http {callgate.http_port}, sip {callgate.sip_port}; "
              f"{args.minutes:g} min, SIP {args.sip_rate} calls/s held {args.hold:g} s, "
              f"HTTP {args.http_rate} req/s on {args.connections} connections", flush=True)

        script = os.path.join(work, "mix.lua")
        write_mix_script(script, phones, args.http_rate / args.connections)
        wrk_out = open(os.path.join(work, "wrk.out"), "w")
        wrk = subprocess.Popen(
            ["wrk", "-t1", f"-c{args.connections}", f"-d{int(seconds)}s", "--latency", "-s",
             script, f"http://127.0.0.1:{callgate.http_port}"], stdout=wrk_out,
            stderr=subprocess.STDOUT)
        calls = int(args.sip_rate * seconds)
        media = sh.free_port_block(4, ("udp",))
        sipp, sipp_collect = sh.run_sipp(
            "uac_dtmf_load", f"127.0.0.1:{callgate.sip_port}", os.path.join(work, "sipp"),
            calls=calls, rate=args.sip_rate, limit=int(args.sip_rate * (args.hold + 5) * 2),
            media_port=media, timeout=int(seconds + args.hold + 60), service="+18005550100",
            keys={"rtpport": media}, wait=False,
            extra=["-d", str(int(args.hold * 1000)), "-buff_size", str(8 << 20)])

        samples = []
        cpu0, t0 = callgate.cpu_seconds(), time.monotonic()
        while time.monotonic() - t0 < seconds:
            time.sleep(args.sample)
            if callgate.proc.poll() is not None:
                print("callgate exited", flush=True)
                break
            rss, fds = proc_status(pid)
            elapsed = time.monotonic() - t0
            samples.append((elapsed, rss, fds))
            print(f"{elapsed:6.0f} s  rss {rss / 1024:7.1f} MiB  fds {fds:5d}", flush=True)
        cpu = callgate.cpu_seconds() - cpu0
        wall = time.monotonic() - t0
        wrk.wait(timeout=120)
        wrk_out.close()
        result = sipp_collect(120)
        with open(os.path.join(work, "wrk.out"), encoding="utf-8") as f:
            wrk_text = f.read()
        requests = int(re.search(r"(\d+) requests in", wrk_text).group(1))
        non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", wrk_text)
        socket_errors = re.search(r"Socket errors:.*", wrk_text)
        latency = re.search(r"99%\s+(\S+)", wrk_text)

        print("\n== soak summary")
        http_errors = int(non2xx.group(1)) if non2xx else 0
        print(f"HTTP: {requests} requests ({requests / wall:.0f}/s), non-2xx {http_errors}, "
              f"{socket_errors.group(0) if socket_errors else 'no socket errors'}, "
              f"p99 {latency.group(1) if latency else '?'}")
        print(f"SIP: {result.successful} calls ok, {result.failed} failed of "
              f"{result.stat('TotalCallCreated')} placed; sipp exit {result.returncode}")
        print(f"callgate CPU {cpu:.0f} s over {wall:.0f} s ({100 * cpu / wall:.0f}% of one core)")
        steady = [s for s in samples if s[0] >= 60] or samples
        if steady:
            base, last = steady[0], steady[-1]
            half = len(steady) // 2
            first_half = statistics.median(s[1] for s in steady[:max(half, 1)])
            second_half = statistics.median(s[1] for s in steady[half:])
            print(f"memory: {base[1] / 1024:.1f} MiB at {base[0]:.0f} s -> {last[1] / 1024:.1f} MiB "
                  f"at {last[0]:.0f} s, ratio {last[1] / base[1]:.2f}; median second half / "
                  f"first half {second_half / first_half:.2f}")
            print(f"descriptors: {base[2]} -> {last[2]} (ratio {last[2] / max(base[2], 1):.2f})")
        errors = (http_errors + result.failed + (1 if socket_errors else 0)
                  + (0 if callgate.proc.poll() is None else 1))
        print("errors: 0" if errors == 0 else f"errors: {errors} (goal 0)")
        return 0 if errors == 0 else 1
    finally:
        if callgate:
            callgate.stop()
        ws.cleanup()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
