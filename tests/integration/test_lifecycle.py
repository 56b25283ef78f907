"""serve's lifecycle on the real binary (docs/OPERATIONS.md "Signals, drain and reload").

- /livez and /readyz, and what systemd hears over NOTIFY_SOCKET (READY, RELOADING, STOPPING).
- SIGHUP reopens the log file (logrotate's rename, then a signal).
- SIGTERM drains: a SIP call in progress finishes its flow, a new INVITE and an OPTIONS probe get
  503, /readyz is 503, and the process exits as soon as the call ends.
- SIGHUP reloads flows: a broken flow is reported and the old one stays in force; a fixed one is
  what the next call runs.
"""

import http.client
import json
import os
import signal
import socket
import tempfile
import time
import unittest

import harness
from harness import ServerTestCase, wait_until
from sip_harness import SIP_DIR, RawSip, SipTestCase, require_peers, run_sipp, toml_string

DIALLED = "+18005550100"
# Several seconds of speech: long enough for a SIGTERM to arrive while it plays.
LONG_TEXT = ("Thank you for calling. This announcement is deliberately long, so that the call is "
             "still in progress while the server is asked to stop. It goes on for a while, and "
             "then the flow hangs up by itself. Goodbye.")


def get_json(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())
    finally:
        conn.close()


def write_flow(path, say_id, text, broken=False):
    """A flow that says `text` in action `say_id` and hangs up; `broken` names an action type that
    does not exist, which fails validation. Written by rename, as a deploy would."""
    flow = {
        "Version": "2019-10-30", "StartAction": say_id, "Metadata": {},
        "Actions": [
            {"Identifier": say_id, "Type": "NoSuchAction" if broken else "MessageParticipant",
             "Parameters": {"Text": text}, "Transitions": {"NextAction": "hang-up"}},
            {"Identifier": "hang-up", "Type": "DisconnectParticipant", "Parameters": {},
             "Transitions": {}},
        ],
    }
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(flow, f)
    os.replace(path + ".tmp", path)
    return path


class NotifySocket:
    """A Unix datagram socket standing in for systemd's NOTIFY_SOCKET."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="callgate-notify-")
        self.path = os.path.join(self.dir, "notify")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.2)
        self.messages = []

    def until(self, needle, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except socket.timeout:
                continue
            if needle in self.messages[-1]:
                return self.messages[-1]
        raise AssertionError(f"no {needle!r} from serve; got {self.messages}")

    def close(self):
        self.sock.close()
        os.unlink(self.path)
        os.rmdir(self.dir)


@harness.require_binary
class ServeSignalsTest(ServerTestCase):

    def test_livez_and_readyz_of_a_node_without_voice_channels(self):
        server = self.start_server()
        status, body = get_json(server.port, "/livez")
        self.assertEqual((status, body), (200, {"status": "alive", "draining": False}))
        status, body = get_json(server.port, "/readyz")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "ready")
        self.assertEqual(body["not_ready"], [])
        self.assertEqual(body["listeners"], {"http": "open"})
        self.assertEqual((body["database"], body["flows"], body["draining"]), ("ok", "none", False))
        self.assertEqual(server.stop(), 0, server.log_tail())

    def test_systemd_hears_ready_reloading_and_stopping(self):
        notify = NotifySocket()
        self.addCleanup(notify.close)
        server = self.start_server(env={"NOTIFY_SOCKET": notify.path})
        self.assertIn("READY=1", notify.until("READY=1"))
        server.proc.send_signal(signal.SIGHUP)
        self.assertIn("MONOTONIC_USEC=", notify.until("RELOADING=1"))
        notify.until("READY=1")
        self.assertEqual(server.stop(), 0, server.log_tail())
        notify.until("STOPPING=1")

    def test_sighup_reopens_the_log_file_after_logrotate_moved_it(self):
        log = self.ws.path("callgate.log")
        config = self.ws.write("log.toml", f"[log]\nfile = {toml_string(log)}\n")
        server = self.start_server("--config", config)
        wait_until(lambda: "event=start" in harness.read_text(log), 5, what="the start line")
        os.rename(log, log + ".1")   # what logrotate does before it signals
        server.proc.send_signal(signal.SIGHUP)
        wait_until(lambda: os.path.exists(log) and "event=reload_done" in harness.read_text(log),
                   5, what="the reload line in a new log file")
        self.assertIn("event=start", harness.read_text(log + ".1"))
        self.assertNotIn("event=start", harness.read_text(log))
        self.assertEqual(server.stop(), 0)
        self.assertIn("event=drain_done", harness.read_text(log))


@require_peers("sipp")
class SipLifecycleTest(SipTestCase):

    def start(self, flow, drain_seconds=30):
        self.ws.write_sip_config(default_agent="sip:agent@127.0.0.1:9", default_flow=flow,
                                 t1_ms=100, t2_ms=400)
        with open(self.ws.sip_config, "a", encoding="utf-8") as f:
            f.write(f"[server]\ndrain_seconds = {drain_seconds}\n")
        self.callgate = self.start_callgate()
        self.target = f"127.0.0.1:{self.callgate.sip_port}"

    def call(self, wait=True):
        """One call that callgate answers and hangs up when its flow ends (uac_wait_bye)."""
        scenario = os.path.join(SIP_DIR, "uac_wait_bye.xml")
        return run_sipp(scenario, self.target, self.ws.path("sipp"), calls=1,
                        service=DIALLED, timeout=40, wait=wait)

    def steps(self, action):
        return self.callgate.log_events("flow_step", action=action)

    def test_sigterm_lets_the_call_in_progress_finish_and_refuses_new_ones(self):
        self.start(write_flow(self.ws.path("long.json"), "announce", LONG_TEXT))
        cg = self.callgate
        status, body = get_json(cg.http_port, "/readyz")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["listeners"], {"http": "open", "sip": "open"})
        self.assertEqual(body["flows"], "loaded")
        raw = RawSip(cg.sip_port)
        self.addCleanup(raw.close)
        raw.request("OPTIONS", DIALLED, "probe-1@test", 1, "z9hG4bK-probe-1", "p1")
        raw.collect(3, until=lambda m: m.status is not None)
        self.assertTrue(raw.responses("OPTIONS", 200), raw.inbox)

        proc, collect = self.call(wait=False)
        wait_until(lambda: cg.log_events("sip_call_start"), 15, what="the call to start")
        cg.proc.send_signal(signal.SIGTERM)

        # Draining: not ready (naming why), still alive, new calls and probes refused.
        status, body = wait_until(lambda: (lambda r: r if r[0] == 503 else None)(
            get_json(cg.http_port, "/readyz")), 5, what="/readyz 503")
        self.assertIn("draining", body["not_ready"], body)
        self.assertEqual(get_json(cg.http_port, "/livez"), (200, {"status": "alive", "draining": True}))
        raw.invite(DIALLED, "drain-new@test", "z9hG4bK-drain-new", "d1")
        raw.collect(3, until=lambda m: m.status is not None and m.status >= 200)
        refused = raw.responses("INVITE", 503)
        self.assertTrue(refused, raw.inbox)
        self.assertTrue(refused[0].header("Retry-After"), refused[0].headers)
        raw.request("OPTIONS", DIALLED, "probe-2@test", 1, "z9hG4bK-probe-2", "p2")
        raw.collect(3, until=lambda m: m.status is not None and "probe-2" in m.header("Call-ID", ""))
        self.assertTrue(raw.responses("OPTIONS", 503), raw.inbox)
        self.assertIsNone(cg.proc.poll(), "serve exited with a call in progress")

        # The call finishes its flow (the flow's own hang-up sends the BYE), then serve exits.
        r = collect()
        self.assertEqual((r.returncode, r.successful, r.failed), (0, 1, 0), r.summary())
        self.assertEqual(cg.proc.wait(timeout=15), 0, cg.log_tail())
        self.assertEqual(len(self.steps("hang-up")), 1, cg.log_tail())
        self.assertTrue(cg.log_events("drain_start", calls=1), cg.log_tail())
        self.assertTrue(cg.log_events("drain_done"), cg.log_tail())
        self.assertFalse(cg.log_events("drain_timeout"), cg.log_tail())
        self.assertEqual(len(cg.log_events("sip_call_start")), 1, "the refused INVITE started a call")

    def test_sighup_keeps_the_old_flow_when_the_new_one_is_broken(self):
        flow = write_flow(self.ws.path("greeting.json"), "first-greeting", "Goodbye.")
        self.start(flow)
        cg = self.callgate

        def call_runs(action, times):
            r = self.call()
            self.assertEqual((r.returncode, r.successful), (0, 1), r.summary())
            wait_until(lambda: len(self.steps(action)) == times, 5,
                       what=f"step {action} #{times}")

        call_runs("first-greeting", 1)

        write_flow(flow, "second-greeting", "Goodbye.", broken=True)
        cg.proc.send_signal(signal.SIGHUP)
        failed = wait_until(lambda: cg.log_events("reload_failed"), 5, what="reload_failed")
        self.assertIn("NoSuchAction", failed[0].get("error", ""), failed)
        self.assertIn("greeting.json", failed[0].get("error", ""), failed)
        status, body = get_json(cg.http_port, "/readyz")
        self.assertEqual((status, body["last_reload"]), (200, "failed"), body)
        call_runs("first-greeting", 2)   # the old flow is still in force

        write_flow(flow, "second-greeting", "Goodbye.")
        cg.proc.send_signal(signal.SIGHUP)
        wait_until(lambda: cg.log_events("reload_done"), 5, what="reload_done")
        self.assertEqual(get_json(cg.http_port, "/readyz")[1]["last_reload"], "ok")
        call_runs("second-greeting", 1)
        self.assertEqual(len(self.steps("first-greeting")), 2)
        self.assertIsNone(cg.proc.poll(), cg.log_tail())


if __name__ == "__main__":
    unittest.main()
