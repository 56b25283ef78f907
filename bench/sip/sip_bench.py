"""SIP benchmark: how many concurrent G.711 calls callgate holds with 0 failures, what
CPU that costs, and how many call setups per second it takes, each next to a trivial answering
endpoint (SIPp's tests/integration/sip/uas_answer.xml: 200 + SDP, no media) driven identically.

Per concurrency level N: SIPp (tests/integration/sip/uac_dtmf_load.xml) places N calls at
--rate per second (-l N), each answered, listening --hold s to callgate's prompt RTP, sending an
RFC 4733 digit (Debian's dtmf_2833_1.pcap), hanging up; each call is held
--hold + N/--rate s so all N are up together for --hold s. The level passes when all N calls
succeed and SIPp saw N calls up at once. CPU = utime + stime of the server process over the
level (/proc/<pid>/stat). Setups/s: short calls (answer, 100 ms, BYE) at increasing rates for
--setup-seconds each; the best rate with 0 failures. Bounded: run.sh kills it after 10 minutes.

Usage (run.sh raises `ulimit -n` first): sip_bench.py path/to/callgate [--levels 250,500,1000,1500]
[--hold 10] [--rate 200] [--setup-rates 100,200,400,800] [--setup-seconds 5] [--media-threads 1]
"""

import argparse
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.path.join(HERE, "..", ".."))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--levels", default="250,500,1000,1500")
    ap.add_argument("--hold", type=float, default=10.0)
    ap.add_argument("--rate", type=int, default=200, help="call setups/s while ramping a level")
    ap.add_argument("--setup-rates", default="100,200,400,800")
    ap.add_argument("--setup-seconds", type=float, default=5.0)
    ap.add_argument("--media-threads", type=int, default=1)
    ap.add_argument("--baseline-only", action="store_true",
                    help="only the trivial UAS (calibrates the machine; no callgate needed)")
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
                        media_threads=args.media_threads, rtp_ports="20000-60000")
    callgate = None
    if not args.baseline_only:
        callgate = sh.CallgateSip(ws)
    workdir = tempfile.mkdtemp(prefix="sip-bench-")
    if callgate:
        print(f"callgate pid {callgate.proc.pid}, sip {callgate.sip_port}; SIPp logs in {workdir}")

    uas_port, uas_media = sh.free_port(), sh.free_port()
    uas, uas_collect = sh.run_sipp("uas_answer", None, os.path.join(workdir, "uas"), calls=10**7,
                                   timeout=590, local_port=uas_port, media_port=uas_media,
                                   wait=False, extra=["-buff_size", str(8 << 20)])
    time.sleep(0.5)
    targets = {}
    if callgate:
        targets["callgate"] = (f"127.0.0.1:{callgate.sip_port}", callgate.proc.pid)
    targets["trivial-uas"] = (f"127.0.0.1:{uas_port}", uas.pid)

    def run(target_name, scenario, calls, rate, limit, hold_ms, tag):
        target, pid = targets[target_name]
        media = sh.free_port()
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

    results = {"callgate": {}, "trivial-uas": {}}
    print(f"\n== concurrency: all calls up together for {args.hold:g} s (ramp {args.rate}/s), "
          "then DTMF and BYE")
    print(f"{'target':12} {'level':>6} {'ok':>6} {'failed':>6} {'max up':>7} {'cpu s':>7} "
          f"{'cpu %':>6} {'wall s':>7}")
    for name in targets:
        for level in [int(x) for x in args.levels.split(",") if x]:
            # Each call stays through the ramp, so all `level` calls are up for --hold s.
            hold_ms = (args.hold + level / args.rate) * 1000
            r, cpu, wall = run(name, "uac_dtmf_load", level, args.rate, level, hold_ms,
                               f"conc{level}")
            ok = r.failed == 0 and r.successful == level and r.max_current >= level * 0.95
            results[name].setdefault("levels", []).append((level, ok, cpu, wall))
            print(f"{name:12} {level:>6} {r.successful:>6} {r.failed:>6} {r.max_current:>7} "
                  f"{cpu:>7.2f} {100 * cpu / wall:>5.0f}% {wall:>7.1f}")
            if not ok:
                print("   " + r.summary().replace("\n", "\n   ")[:1500])
                break

    print(f"\n== setups/s: answer, 100 ms, BYE; {args.setup_seconds:g} s per rate")
    print(f"{'target':12} {'rate':>6} {'ok':>6} {'failed':>6} {'achieved/s':>11} {'cpu s':>7}")
    for name in targets:
        for rate in [int(x) for x in args.setup_rates.split(",") if x]:
            calls = int(rate * args.setup_seconds)
            r, cpu, wall = run(name, "uac_bye", calls, rate, rate * 2, 100, f"rate{rate}")
            achieved = r.successful / max(r.elapsed - 0.1, 0.001)
            ok = r.failed == 0 and r.successful == calls
            results[name].setdefault("rates", []).append((rate, ok, achieved, cpu))
            print(f"{name:12} {rate:>6} {r.successful:>6} {r.failed:>6} {achieved:>11.0f} {cpu:>7.2f}")
            if not ok:
                print("   " + r.summary().replace("\n", "\n   ")[:1500])
                break

    uas.send_signal(2)
    uas_collect(10)
    if callgate:
        callgate.stop()
    ws.cleanup()

    def best_level(name):
        passed = [x for x in results[name].get("levels", []) if x[1]]
        return passed[-1] if passed else (0, False, 0.0, 1.0)

    def best_rate(name):
        passed = [x for x in results[name].get("rates", []) if x[1]]
        return passed[-1] if passed else (0, False, 0.0, 0.0)

    cg_level, ua_level = best_level("callgate"), best_level("trivial-uas")
    cg_rate, ua_rate = best_rate("callgate"), best_rate("trivial-uas")
    print("\n== summary (goal: >= 1000 concurrent calls on 2 cores, >= 200 setups/s)")
    print(f"most concurrent calls held, 0 failures: callgate {cg_level[0]}, trivial UAS {ua_level[0]}"
          f" (ratio {cg_level[0] / max(ua_level[0], 1):.2f})")
    if cg_level[0] and ua_level[0]:
        cg_pct = 100 * cg_level[2] / cg_level[3]
        ua_pct = 100 * ua_level[2] / ua_level[3]
        print(f"CPU at those levels: callgate {cg_pct:.0f}% of one core over {cg_level[3]:.0f} s, "
              f"trivial UAS {ua_pct:.0f}% (ratio {cg_pct / max(ua_pct, 0.1):.1f})")
    print(f"setups/s with 0 failures: callgate {cg_rate[2]:.0f} (rate {cg_rate[0]}), "
          f"trivial UAS {ua_rate[2]:.0f} (rate {ua_rate[0]}) "
          f"(ratio {cg_rate[2] / max(ua_rate[2], 1):.2f})")
    goal = cg_level[0] >= 1000 and cg_rate[2] >= 200
    print("goal met" if goal else "goal NOT met")
    return 0 if goal else 1


if __name__ == "__main__":
    sys.exit(main())
