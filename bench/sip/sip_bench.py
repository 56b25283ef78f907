"""SIP benchmark: how many concurrent G.711 calls callgate holds with 0 failures, what
CPU that costs, and how many call setups per second it takes and at what CPU per setup, each next
to a trivial answering endpoint (SIPp's tests/integration/sip/uas_answer.xml: 200 + SDP, no media)
driven identically.

Per concurrency level N: SIPp (tests/integration/sip/uac_dtmf_load.xml) places N calls at
--rate per second (-l N), each answered, listening --hold s to callgate's prompt RTP, sending an
RFC 4733 digit (Debian's dtmf_2833_1.pcap), hanging up; each call is held
--hold + N/--rate s so all N are up together for --hold s. The level passes when all N calls
succeed, SIPp saw N calls up at once and, for callgate, N calls took the digit branch of
bench/sip/bench-flow.json (its log's flow_step lines). CPU = utime + stime of the server process
over the level (/proc/<pid>/stat).

Setups/s: short calls (answer, 100 ms, BYE) at increasing rates for --setup-seconds each, in
--setup-rounds rounds that alternate which target goes first; per round, the best rate with 0
failures, and the CPU per setup = the process's CPU over the round's whole setup phase divided
by the calls completed in it. The summary quotes the median of the rounds (min-max).

With $CALLGATE_BENCH_RESULTS set, the three headline figures (concurrent calls, CPU ms per setup,
setups/s; value, baseline, ratio, goal, met) are appended to that file as JSON lines.
Bounded: run.sh kills it after 10 minutes (a full run takes about 6).

Usage (run.sh raises `ulimit -n` first): sip_bench.py path/to/callgate [--levels 1000,2500,5000]
[--hold 10] [--rate 200] [--setup-rates 100,200,400,800] [--setup-seconds 5] [--setup-rounds 3]
[--media-threads 1] [--baseline-only | --callgate-only]
"""

import argparse
import json
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.path.join(HERE, "..", ".."))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--levels", default="1000,2500,5000")
    ap.add_argument("--hold", type=float, default=10.0)
    ap.add_argument("--rate", type=int, default=200, help="call setups/s while ramping a level")
    ap.add_argument("--setup-rates", default="100,200,400,800")
    ap.add_argument("--setup-seconds", type=float, default=5.0)
    ap.add_argument("--setup-rounds", type=int, default=3,
                    help="rounds of the setup rates, alternating which target goes first")
    ap.add_argument("--media-threads", type=int, default=1)
    ap.add_argument("--baseline-only", action="store_true",
                    help="only the trivial UAS (calibrates the machine; no callgate needed)")
    ap.add_argument("--callgate-only", action="store_true",
                    help="only callgate (while working on it; the summary then has no baseline)")
    args = ap.parse_args()

    os.environ["CALLGATE_BIN"] = os.path.abspath(args.binary)
    os.environ["CALLGATE_SOURCE_DIR"] = SOURCE
    sys.path.insert(0, os.path.join(SOURCE, "tests", "integration"))
    import sip_harness as sh  # noqa: E402  (needs the environment above)

    if not sh.SIPP:
        sys.exit("sipp not found (apt-get install sip-tester)")
    ws = sh.SipWorkspace()
    # Every call hears a prompt and keys a digit (bench/sip/bench-flow.json): the media and flow
    # path of a real call, without SMS rate limits deciding which branch a call takes.
    ws.write_sip_config(default_agent="sip:agent@127.0.0.1:9", max_calls=100000,
                        default_flow=os.path.join(SOURCE, "bench", "sip", "bench-flow.json"),
                        media_threads=args.media_threads, rtp_ports="33000-60998")
    callgate = None
    if not args.baseline_only:
        callgate = sh.CallgateSip(ws)
    workdir = tempfile.mkdtemp(prefix="sip-bench-")
    if callgate:
        print(f"callgate pid {callgate.proc.pid}, sip {callgate.sip_port}; SIPp logs in {workdir}")

    uas_port, uas_media = sh.free_port_block(1), sh.free_port_block(4, ("udp",))
    uas, uas_collect = sh.run_sipp("uas_answer", None, os.path.join(workdir, "uas"), calls=10**7,
                                   timeout=590, local_port=uas_port, media_port=uas_media,
                                   wait=False, extra=["-buff_size", str(8 << 20)])
    time.sleep(0.5)
    targets = {}
    if callgate:
        targets["callgate"] = (f"127.0.0.1:{callgate.sip_port}", callgate.proc.pid)
    if not args.callgate_only:
        targets["trivial-uas"] = (f"127.0.0.1:{uas_port}", uas.pid)

    def run(target_name, scenario, calls, rate, limit, hold_ms, tag):
        target, pid = targets[target_name]
        # SIPp binds the audio port and its neighbours (RTCP, video): a block free for UDP, below
        # callgate's RTP range (a TCP-free port may be a UDP port someone holds: SIPp exits 254).
        media = sh.free_port_block(4, ("udp",))
        cpu0, t0 = sh.proc_cpu_seconds(pid), time.monotonic()
        r = sh.run_sipp(scenario, target, os.path.join(workdir, f"{tag}-{target_name}"),
                        calls=calls, rate=rate, limit=limit, media_port=media,
                        timeout=int(calls / rate + hold_ms / 1000 + 40), service="+18005550100",
                        keys={"rtpport": media},
                        extra=["-d", str(int(hold_ms)), "-buff_size", str(8 << 20),
                               ])
        wall = time.monotonic() - t0
        cpu = sh.proc_cpu_seconds(pid) - cpu0
        return r, cpu, wall

    def digit_branches():
        # Calls whose prompt took the caller's digit (bench-flow.json has no condition, so a
        # digit leaves "ask" by NoMatchingCondition; a timeout or hang-up leaves it otherwise).
        return len(callgate.log_events("flow_step", action="ask",
                                       outcome="error:NoMatchingCondition"))

    results = {name: {"levels": [], "rounds": []} for name in targets}
    print(f"\n== concurrency: all calls up together for {args.hold:g} s (ramp {args.rate}/s), "
          "then DTMF and BYE")
    print(f"{'target':12} {'level':>6} {'ok':>6} {'failed':>6} {'max up':>7} {'digits':>7} "
          f"{'cpu s':>7} {'cpu %':>6} {'wall s':>7}")
    for name in targets:
        for level in [int(x) for x in args.levels.split(",") if x]:
            # Each call stays through the ramp, so all `level` calls are up for --hold s.
            hold_ms = (args.hold + level / args.rate) * 1000
            before = digit_branches() if name == "callgate" else 0
            r, cpu, wall = run(name, "uac_dtmf_load", level, args.rate, level, hold_ms,
                               f"conc{level}")
            ok = r.failed == 0 and r.successful == level and r.max_current >= level * 0.95
            digits = "-"
            if name == "callgate":
                # serve flushes its log every second: wait for the last calls' lines.
                deadline = time.monotonic() + 10
                while digit_branches() - before < level and time.monotonic() < deadline:
                    time.sleep(0.5)
                digits = digit_branches() - before
                ok = ok and digits == level
            results[name]["levels"].append((level, ok, cpu, wall))
            print(f"{name:12} {level:>6} {r.successful:>6} {r.failed:>6} {r.max_current:>7} "
                  f"{digits:>7} {cpu:>7.2f} {100 * cpu / wall:>5.0f}% {wall:>7.1f}")
            if not ok:
                print("   " + r.summary().replace("\n", "\n   ")[:1500])
                break

    print(f"\n== setups/s: answer, 100 ms, BYE; {args.setup_seconds:g} s per rate, "
          f"{args.setup_rounds} rounds (targets alternate)")
    print(f"{'round':>5} {'target':12} {'rate':>6} {'ok':>6} {'failed':>6} {'achieved/s':>11} "
          f"{'cpu s':>7} {'cpu ms/call':>12}")
    rates = [int(x) for x in args.setup_rates.split(",") if x]
    for n in range(args.setup_rounds if rates else 0):
        order = list(targets) if n % 2 == 0 else list(reversed(targets))
        for name in order:
            best, cpu_sum, calls_sum = 0.0, 0.0, 0
            for rate in rates:
                calls = int(rate * args.setup_seconds)
                r, cpu, wall = run(name, "uac_bye", calls, rate, rate * 2, 100, f"r{n}-rate{rate}")
                achieved = r.successful / max(r.elapsed - 0.1, 0.001)
                ok = r.failed == 0 and r.successful == calls
                cpu_sum += cpu
                calls_sum += r.successful
                print(f"{n + 1:>5} {name:12} {rate:>6} {r.successful:>6} {r.failed:>6} "
                      f"{achieved:>11.0f} {cpu:>7.2f} {1000 * cpu / max(r.successful, 1):>12.3f}")
                if not ok:
                    print("   " + r.summary().replace("\n", "\n   ")[:1500])
                    break
                best = achieved
            # CPU per setup: the process's CPU over the whole phase / the calls completed in it.
            results[name]["rounds"].append((best, 1000 * cpu_sum / max(calls_sum, 1)))

    uas.send_signal(2)
    uas_collect(10)
    if callgate:
        callgate.stop()
    ws.cleanup()
    return summarize(results)


def median_spread(values):
    """(median, min, max) of a list; (0, 0, 0) when empty."""
    if not values:
        return 0.0, 0.0, 0.0
    v = sorted(values)
    mid = len(v) // 2
    median = v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2
    return median, v[0], v[-1]


def summarize(results):
    def best_level(name):
        passed = [x for x in results.get(name, {}).get("levels", []) if x[1]]
        return passed[-1] if passed else (0, False, 0.0, 1.0)

    def rounds(name, i):
        return median_spread([r[i] for r in results.get(name, {}).get("rounds", [])])

    cg_level, ua_level = best_level("callgate"), best_level("trivial-uas")
    cg_rate, ua_rate = rounds("callgate", 0), rounds("trivial-uas", 0)
    cg_cpu, ua_cpu = rounds("callgate", 1), rounds("trivial-uas", 1)
    print("\n== summary (goal: >= 5000 concurrent calls with 0 failures on 2 cores, "
          "<= 0.6 ms CPU per call setup, >= 200 setups/s)")
    print(f"most concurrent calls held, 0 failures: callgate {cg_level[0]}, trivial UAS {ua_level[0]}"
          f" (ratio {cg_level[0] / max(ua_level[0], 1):.2f})")
    if cg_level[0] and ua_level[0]:
        cg_pct = 100 * cg_level[2] / cg_level[3]
        ua_pct = 100 * ua_level[2] / ua_level[3]
        print(f"CPU at those levels: callgate {cg_pct:.0f}% of one core over {cg_level[3]:.0f} s, "
              f"trivial UAS {ua_pct:.0f}% (ratio {cg_pct / max(ua_pct, 0.1):.1f})")
    print(f"CPU per call setup (INVITE to BYE), median of the rounds (min-max): callgate "
          f"{cg_cpu[0]:.3f} ms ({cg_cpu[1]:.3f}-{cg_cpu[2]:.3f}), trivial UAS {ua_cpu[0]:.3f} ms "
          f"({ua_cpu[1]:.3f}-{ua_cpu[2]:.3f}) (ratio {cg_cpu[0] / max(ua_cpu[0], 1e-6):.1f})")
    print(f"setups/s with 0 failures, median of the rounds (min-max): callgate {cg_rate[0]:.0f} "
          f"({cg_rate[1]:.0f}-{cg_rate[2]:.0f}), trivial UAS {ua_rate[0]:.0f} "
          f"({ua_rate[1]:.0f}-{ua_rate[2]:.0f}) (ratio {cg_rate[0] / max(ua_rate[0], 1):.2f})")
    headline = [
        ("concurrent calls held (0 failures)", cg_level[0], ua_level[0], ">= 5000 calls",
         cg_level[0] >= 5000),
        ("CPU ms per call setup", round(cg_cpu[0], 3), round(ua_cpu[0], 3), "<= 0.6 ms",
         0 < cg_cpu[0] <= 0.6),
        ("setups/s (0 failures)", round(cg_rate[0]), round(ua_rate[0]), ">= 200/s",
         cg_rate[0] >= 200),
    ]
    write_results(headline)
    goal = all(met for *_, met in headline)
    print("goal met" if goal else "goal NOT met")
    return 0 if goal else 1


def write_results(headline):
    """One JSON object per headline figure, appended to $CALLGATE_BENCH_RESULTS when it is set
    (the summary of `make bench` reads them)."""
    path = os.environ.get("CALLGATE_BENCH_RESULTS")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as f:
        for metric, value, baseline, goal, met in headline:
            ratio = round(value / baseline, 2) if baseline else None
            f.write(json.dumps({"bench": "sip", "metric": metric, "value": value,
                                "baseline": baseline, "ratio": ratio, "goal": goal,
                                "met": bool(met)}) + "\n")


if __name__ == "__main__":
    sys.exit(main())
