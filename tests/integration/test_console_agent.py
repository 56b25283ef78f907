"""The agent screen pop (issue 14) on the real binary, black box, signed in for real.

One `callgate serve` with SIP, Twilio and the Connect functions; an agent and a supervisor sign
in with password + TOTP (console_harness). The agent's stream, GET /console/agent/events, is read
by a raw socket client (chunked transfer coding, SSE parsed here) that notes when each event
arrived, opened before the call it is meant to see. Then:
- SIP: a known caller whose caller ID a trusted proxy attests (verstat A) is transferred by REFER;
  the pop arrives within 1 s of the REFER reaching the caller and says who and how;
- Twilio: signed webhooks; an unknown caller who keys the texted PIN is dialled through and popped
  within 1 s of the <Dial>; a known caller who keys nothing is dialled through unauthenticated and
  popped without a name or user id;
- Connect: verify-pin and issue-verdict as a flow calls them, with a queue parameter; a stream
  with ?queue= sees only that queue; attested caller ID of a customer without a user id (as an
  enrolled number) is named all the same;
- reconnecting with Last-Event-ID gets the pop missed meanwhile first, nothing twice, and the page
  renders recent pops on the server;
- no session: the stream 401, the page 303 to the sign-in; /console/calls is for supervisors;
- nothing the streams and pages returned holds a caller's whole number, a PIN, an SMS code or
  a verdict token.
Loopback only, every wait bounded.
"""

import base64
import json
import queue
import re
import socket
import threading
import time
import unittest
import urllib.parse

import harness
from console_harness import Console, add_staff
from sip_harness import PCMU_OFFER, CallgateSip, RawSip, SipWorkspace, to_tag
from test_twilio_voice import BASE, TOKEN, TwiML, call_params, call_sid, twilio_signature

ADA = "+14155550100"          # SIP, by trusted caller ID; Twilio, unauthenticated
ADA_USER, ADA_PIN = "12345678", "97531864"
GRACE = "+14155550142"        # Connect, by user id + PIN
GRACE_USER, GRACE_PIN = "87654321", "86420975"
UNKNOWN = "+14155550123"      # Twilio: texted a PIN, enrolled
ALAN = "+14155550177"         # Connect, by attested caller ID; a customer without a user id
DIALLED = "+18005550100"      # runs flows/caller-id-otp.json
SIP_AGENT = "sip:agent@127.0.0.1:9"   # nobody answers: the REFER is what matters here
TWILIO_AGENT = "sip:agents@pbx.example.com"

POP_BOUND = 1.0       # seconds: the handoff to the pop on the agent's screen (the goal)
EVENT_WAIT = 5.0      # seconds: how long any expected event is waited for before failing
REFER_WAIT = 15.0     # seconds: SIP answer to REFER (the greeting plays first)


class Callgate(CallgateSip):
    """serve with SIP, Twilio and HTTP; speaks harness.Server's HTTP helpers (for Console)."""

    port = property(lambda self: self.http_port)
    connection = harness.Server.connection
    request = harness.Server.request
    invoke = harness.Server.invoke


class EventStream:
    """GET /console/agent/events on a raw socket: the response head, then a reader thread that
    undoes the chunked coding, parses the SSE events and queues each with its arrival time
    (time.monotonic()). Everything received is kept in `raw` for the secrets check."""

    def __init__(self, port, cookie, path="/console/agent/events", last_event_id=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=EVENT_WAIT)
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}",
                 "Accept: text/event-stream", "Cache-Control: no-cache"]
        if cookie:
            lines.append(f"Cookie: {cookie}")
        if last_event_id is not None:
            lines.append(f"Last-Event-ID: {last_event_id}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError(f"stream closed before its headers: {buf!r}")
            buf += chunk
        head, _, rest = buf.partition(b"\r\n\r\n")
        head_lines = head.decode("latin-1").split("\r\n")
        self.status = int(head_lines[0].split(" ")[1])
        self.headers = {k.strip().lower(): v.strip()
                        for k, _, v in (h.partition(":") for h in head_lines[1:])}
        self.raw = ""
        self.events = []   # every event so far, in order of arrival
        self._queue = queue.Queue()
        self._stop = False
        if self.status != 200:
            # A refusal has a length; read it whole for the caller to see.
            length = int(self.headers.get("content-length", "0"))
            while len(rest) < length:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                rest += chunk
            self.raw = rest.decode("utf-8", "replace")
            self.sock.close()
            self._thread = None
            return
        self.chunked = "chunked" in self.headers.get("transfer-encoding", "").lower()
        self._thread = threading.Thread(target=self._read, args=(rest,), daemon=True)
        self._thread.start()

    def _read(self, pending):
        body = b""   # de-chunked bytes not yet parsed into events
        self.sock.settimeout(0.2)   # to notice close() promptly
        while not self._stop:
            if self.chunked:
                while True:
                    line_end = pending.find(b"\r\n")
                    if line_end < 0:
                        break
                    size = int(pending[:line_end].split(b";")[0], 16)
                    if size == 0:
                        self._queue.put(None)   # the server ended the stream
                        return
                    if len(pending) < line_end + 2 + size + 2:
                        break
                    body += pending[line_end + 2:line_end + 2 + size]
                    pending = pending[line_end + 2 + size + 2:]
            else:
                body, pending = body + pending, b""
            while b"\n\n" in body:
                block, _, body = body.partition(b"\n\n")
                self._parse(block.decode("utf-8"))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                break
            if not chunk:
                break
            pending += chunk
        self._queue.put(None)

    def _parse(self, block):
        at = time.monotonic()
        self.raw += block + "\n\n"
        fields = {}
        for line in block.split("\n"):
            if line.startswith(":"):
                continue   # a comment: the keep-alive
            name, _, value = line.partition(":")
            fields[name] = value[1:] if value.startswith(" ") else value
        if "data" not in fields:
            return   # retry: only
        event = {"id": fields.get("id"), "event": fields.get("event"),
                 "data": json.loads(fields["data"]), "at": at}
        self.events.append(event)
        self._queue.put(event)

    def next_event(self, timeout=EVENT_WAIT, predicate=None, what="an event"):
        """The next event (after those already taken) that satisfies `predicate`; those that do
        not are passed over (they stay in `events`). Fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {what} on the stream within {timeout} s; got "
                                     f"{[e['data'].get('callId') for e in self.events]}")
            try:
                event = self._queue.get(timeout=left)
            except queue.Empty:
                continue
            if event is None:
                self._queue.put(None)
                raise AssertionError(f"the stream ended while waiting for {what}")
            if predicate is None or predicate(event):
                return event

    def pop_for(self, call_id, timeout=EVENT_WAIT):
        return self.next_event(timeout, lambda e: e["data"]["callId"] == call_id,
                               f"the pop of call {call_id}")

    def close(self):
        self._stop = True
        if self._thread:
            self._thread.join(timeout=2)
        try:
            self.sock.close()
        except OSError:
            pass


def path_of(url):
    """The path?query of a callback URL callgate wrote (on the public base)."""
    parts = urllib.parse.urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def dial_headers(doc):
    """The X-Callgate-* headers of a TwiML <Dial><Sip>, as a dict."""
    return dict(urllib.parse.parse_qsl(doc.one("Dial").find("Sip").text.partition("?")[2]))


def jwt_claims(token):
    """The payload of a JWT, unverified (callgate's check is what the pop reports)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@harness.require_binary
class AgentScreenPopTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.ws = SipWorkspace()
        cls.addClassCleanup(cls.ws.cleanup)
        for phone, first, last, level, language, user, pin in (
                (ADA, "Ada", "Lovelace", "Gold", "en-GB", ADA_USER, ADA_PIN),
                (GRACE, "Grace", "Hopper", "Platinum", "fr-CA", GRACE_USER, GRACE_PIN)):
            r = cls.ws.run("customers", "add", *cls.ws.store_args(), "--phone", phone,
                           "--first-name", first, "--last-name", last, "--level", level,
                           "--language", language, "--user-id", user, "--pin", pin)
            assert r.returncode == 0, r.stderr
        cls.ws.add_customer(ALAN, "Alan", "Turing", level="Silver", language="en-GB")
        secrets = {"ann": add_staff(cls.ws, "ann", "agent"),
                   "sam": add_staff(cls.ws, "sam", "supervisor")}
        # A verstat from 127.0.0.1 (the raw SIP client) counts: attestation A without keys.
        cls.ws.write_sip_config(default_agent=SIP_AGENT, stir={"trusted_proxies": ["127.0.0.1"]},
                                t1_ms=100, t2_ms=400)
        with open(cls.ws.sip_config, "a", encoding="utf-8") as f:
            f.write(f'[flows]\ndefault = "{harness.DEFAULT_FLOW}"\n'
                    f'[twilio]\nauth_token = "{TOKEN}"\npublic_base_url = "{BASE}/"\n'
                    f'[twilio.queues]\nAgents = "{TWILIO_AGENT}"\n')
        cls.server = Callgate(cls.ws)
        cls.addClassCleanup(cls.server.stop)
        cls.agent, cls.supervisor = Console(cls.server), Console(cls.server)
        cls.agent.sign_in_ok("ann", secrets["ann"], next_path="/console/agent")
        cls.supervisor.sign_in_ok("sam", secrets["sam"], next_path="/console/calls")
        # What the console returned to anyone during the test, and what it must never show.
        cls.returned = []
        cls.secrets = {ADA, GRACE, UNKNOWN, ALAN, ADA[2:], GRACE[2:], UNKNOWN[2:], ALAN[2:],
                       ADA_PIN, GRACE_PIN}

    def stream(self, path="/console/agent/events", last_event_id=None, cookie=None):
        s = EventStream(self.server.port, self.agent.cookie if cookie is None else cookie, path,
                        last_event_id)
        self.addCleanup(lambda: self.returned.append(s.raw))
        self.addCleanup(s.close)
        return s

    def page(self, console, path):
        status, headers, body = console.get(path)
        self.returned.append(body)
        return status, headers, body

    def twilio(self, target, params):
        """A webhook signed as Twilio signs it; returns (TwiML, monotonic time of the answer)."""
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Twilio-Signature": twilio_signature(BASE + target, params)}
        status, _, data = self.server.request("POST", target, urllib.parse.urlencode(params),
                                              headers)
        answered = time.monotonic()
        self.assertEqual(status, 200, data)
        return TwiML(data), answered

    def connect_pin_and_verdict(self, contact, queue_name=None):
        """verify-pin (Grace), then issue-verdict as a flow does before its transfer; returns
        (the verdict answer, monotonic time of the answer)."""
        event = harness.connect_event(GRACE, {"userId": GRACE_USER, "pin": GRACE_PIN},
                                      contact_id=contact)
        status, verified = self.server.invoke("verify-pin", event)
        self.assertEqual((status, verified.get("authResult")), (200, "Authenticated"), verified)
        parameters = {"queue": queue_name} if queue_name else {}
        status, answer = self.server.invoke(
            "issue-verdict", harness.connect_event(GRACE, parameters, contact_id=contact))
        answered = time.monotonic()
        self.assertEqual((status, answer.get("lambdaResult")), (200, "Success"), answer)
        self.secrets.add(answer["verdict"])
        return answer, answered

    def assert_caller_masked(self, pop, number):
        self.assertEqual(pop["caller"], "\u2026" + number[-4:], pop)

    def assert_timely(self, what, since, pop_event):
        lag = pop_event["at"] - since
        print(f"\n{what}: pop {lag * 1000:+.1f} ms after the handoff was seen", flush=True)
        self.assertLess(lag, POP_BOUND, f"{what}: the pop came {lag:.3f} s late")

    # -----------------------------------------------------------------------------------------

    def test_a_sip_caller_trusted_by_caller_id_pops_within_a_second_of_the_refer(self):
        stream = self.stream()
        self.assertEqual(stream.status, 200, stream.raw)
        self.assertTrue(stream.headers["content-type"].startswith("text/event-stream"))
        self.assertEqual(stream.headers.get("x-accel-buffering"), "no")
        self.assertEqual(stream.headers.get("cache-control"), "no-store")

        client = RawSip(self.server.sip_port)
        self.addCleanup(client.close)
        call_id = "pop-sip-1"
        client.request("INVITE", DIALLED, call_id, 1, "z9hG4bK-pop1", "f-pop1",
                       body=PCMU_OFFER.format(port=40000),
                       extra=[f"P-Asserted-Identity: <sip:{ADA}@127.0.0.1;"
                              "verstat=TN-Validation-Passed-A>"])
        client.collect(5.0, until=lambda m: m.status == 200)
        oks = client.responses("INVITE", 200)
        self.assertTrue(oks, f"call not answered: {client.inbox}")
        tag = to_tag(oks[0])
        client.request("ACK", DIALLED, call_id, 1, "z9hG4bK-pop1-ack", "f-pop1", tag)
        client.collect(REFER_WAIT, until=lambda m: m.method == "REFER")
        refers = [(at, m) for at, m in client.inbox if m.method == "REFER"]
        self.assertTrue(refers, f"no REFER: {client.inbox}")
        refer_at, refer = refers[0]
        token = refer.header("X-Callgate-Verdict")
        self.assertTrue(token, refer.headers)
        self.secrets.add(token)
        self.addCleanup(client.request, "BYE", DIALLED, call_id, 2, "z9hG4bK-pop1-bye", "f-pop1",
                        tag)

        event = stream.pop_for(call_id)
        self.assert_timely("SIP REFER", refer_at, event)
        pop = event["data"]
        self.assertEqual(event["event"], "handoff")
        self.assertEqual(event["id"], str(pop["seq"]))
        self.assertEqual((pop["channel"], pop["authenticated"], pop["queue"]),
                         ("sip", True, "Agents"), pop)
        # How: what the REFER said, and what the verdict it carried says.
        self.assertEqual(refer.header("X-Callgate-Auth-Method"), "CallerId")
        claims = jwt_claims(token)
        self.assertEqual((pop["amr"], pop["acr"], pop["jti"]),
                         (claims["amr"], claims["acr"], claims["jti"]), pop)
        self.assertEqual((pop["amr"], pop["level"], pop["attestation"], pop["how"]),
                         (["callerid"], "callerid", "A", "Caller ID (STIR A)"), pop)
        self.assertEqual((pop["userId"], pop["name"], pop["custLevel"], pop["language"]),
                         (ADA_USER, "Ada Lovelace", "Gold", "en-GB"), pop)
        self.assertEqual(pop["tokenCheck"], "valid", pop)
        self.assert_caller_masked(pop, ADA)
        self.assertGreater(pop["timeToVerdictMs"], 0, pop)

    def test_b_twilio_dial_pops_within_a_second_and_an_unverified_caller_is_not_named(self):
        stream = self.stream()
        self.assertEqual(stream.status, 200, stream.raw)

        # An unknown caller keys the texted PIN: enrolled, dialled through authenticated.
        sid = call_sid(0x14_01)
        doc, _ = self.twilio("/twilio/voice", call_params(sid, UNKNOWN))
        action = doc.one("Gather").get("action")
        code = self.ws.last_code(UNKNOWN)
        self.secrets.add(code)
        doc, answered = self.twilio(path_of(action), call_params(sid, UNKNOWN, Digits=code))
        self.assertEqual(doc.verbs()[-1], "Dial", doc.text)
        headers = dial_headers(doc)
        self.secrets.add(headers["X-Callgate-Verdict"])
        event = stream.pop_for(sid)
        self.assert_timely("Twilio <Dial>", answered, event)
        pop = event["data"]
        self.assertEqual((pop["channel"], pop["authenticated"], pop["queue"]),
                         ("twilio", True, "Agents"), pop)
        self.assertEqual((pop["amr"], pop["level"], pop["how"], pop["tokenCheck"]),
                         (["sms"], "1fa", "SMS code", "valid"), pop)
        self.assertEqual(pop["jti"], jwt_claims(headers["X-Callgate-Verdict"])["jti"])
        # The record enrolled in this call: what the <Dial> told the agent, on the screen too.
        self.assertEqual(headers["X-Callgate-firstName"], "New")
        self.assertEqual((pop["name"], pop["custLevel"]), ("New Customer", "Welcome"), pop)
        self.assert_caller_masked(pop, UNKNOWN)

        # Ada's number without attestation: texted a PIN, keys nothing three times, and goes to
        # the agent unauthenticated. Her record is on file, but she proved nothing.
        sid = call_sid(0x14_02)
        doc, _ = self.twilio("/twilio/voice", call_params(sid, ADA))
        self.secrets.add(self.ws.last_code(ADA))
        for _ in range(3):
            # The no-input <Redirect>: the same URL, no Digits.
            doc, answered = self.twilio(path_of(doc.one("Gather").get("action")),
                                        call_params(sid, ADA))
        self.assertEqual(doc.verbs()[-1], "Dial", doc.text)
        headers = dial_headers(doc)
        self.assertEqual(headers["X-Callgate-Auth"], "False")
        self.secrets.add(headers["X-Callgate-Verdict"])
        event = stream.pop_for(sid)
        self.assert_timely("Twilio <Dial>, unauthenticated", answered, event)
        pop = event["data"]
        self.assertEqual((pop["channel"], pop["authenticated"], pop["level"], pop["amr"],
                          pop["how"]), ("twilio", False, "none", [], "Not authenticated"), pop)
        for key in ("userId", "name", "custLevel", "language"):
            self.assertEqual(pop[key], "", f"an unverified caller's {key} was shown: {pop}")
        self.assertEqual(pop["tokenCheck"], "valid", pop)
        self.assert_caller_masked(pop, ADA)

    def test_c_connect_issue_verdict_honours_the_queue_and_the_queue_filter(self):
        everything = self.stream()
        billing = self.stream("/console/agent/events?queue=Billing")
        self.assertEqual((everything.status, billing.status), (200, 200), billing.raw)

        sales_contact = "c0ffee00-0000-4000-8000-000000000001"
        billing_contact = "c0ffee00-0000-4000-8000-000000000002"
        self.connect_pin_and_verdict(sales_contact, "Sales")
        answer, answered = self.connect_pin_and_verdict(billing_contact, "Billing")

        event = billing.pop_for(billing_contact)
        self.assert_timely("Connect issue-verdict", answered, event)
        pop = event["data"]
        self.assertEqual((pop["channel"], pop["queue"], pop["contactId"], pop["authenticated"]),
                         ("connect", "Billing", billing_contact, True), pop)
        self.assertEqual((pop["amr"], pop["acr"], pop["how"]),
                         (["pin"], answer["verdictAcr"], "PIN"), pop)
        self.assertEqual(pop["jti"], jwt_claims(answer["verdict"])["jti"])
        self.assertEqual((pop["userId"], pop["name"], pop["custLevel"], pop["language"]),
                         (GRACE_USER, "Grace Hopper", "Platinum", "fr-CA"), pop)
        self.assertEqual((pop["tokenCheck"], pop["timeToVerdictMs"]), ("valid", -1), pop)
        self.assert_caller_masked(pop, GRACE)
        # Pops go out in order: had the Sales one passed the filter it would have come first.
        self.assertEqual({e["data"]["queue"] for e in billing.events}, {"Billing"},
                         [e["data"] for e in billing.events])
        # The unfiltered stream had both, Sales first.
        sales = everything.pop_for(sales_contact)
        self.assertEqual(sales["data"]["queue"], "Sales")
        everything.pop_for(billing_contact)
        # Caller ID that Connect attests (A) for a customer without a user id: named all the same
        # (the record of the number the verdict rests on), with no user id to show.
        trusted_contact = "c0ffee00-0000-4000-8000-000000000003"
        status, answer = self.server.invoke("issue-verdict", harness.connect_event(
            ALAN, {"attestation": "A", "queue": "Billing"}, contact_id=trusted_contact))
        self.assertEqual((status, answer.get("verdictAcr")), (200, "urn:callgate:acr:callerid"),
                         answer)
        self.secrets.add(answer["verdict"])
        pop = billing.pop_for(trusted_contact)["data"]
        self.assertEqual((pop["authenticated"], pop["amr"], pop["how"]),
                         (True, ["callerid"], "Caller ID (STIR A)"), pop)
        self.assertEqual((pop["userId"], pop["name"], pop["custLevel"], pop["language"]),
                         ("", "Alan Turing", "Silver", "en-GB"), pop)
        self.assert_caller_masked(pop, ALAN)
        # A queue name that is not one is refused.
        bad = self.stream("/console/agent/events?queue=" + urllib.parse.quote("a\x01b"))
        self.assertEqual(bad.status, 400, bad.raw)

    def test_d_reconnecting_with_last_event_id_replays_what_was_missed_once(self):
        first = self.stream()
        self.assertEqual(first.status, 200, first.raw)
        self.connect_pin_and_verdict("d0000000-0000-4000-8000-000000000001", "Agents")
        seen = first.pop_for("d0000000-0000-4000-8000-000000000001")
        last_id = int(seen["id"])
        first.close()

        missed = "d0000000-0000-4000-8000-000000000002"
        self.connect_pin_and_verdict(missed, "Agents")
        again = self.stream(last_event_id=last_id)
        self.assertEqual(again.status, 200, again.raw)
        replayed = again.next_event(what="the missed pop")
        self.assertEqual(replayed["data"]["callId"], missed, replayed["data"])
        # A pop made while connected, then one more: everything written before the last has
        # arrived by then (one stream, in seq order), so a duplicate would show.
        live = "d0000000-0000-4000-8000-000000000003"
        self.connect_pin_and_verdict(live, "Agents")
        again.pop_for(live)
        sentinel = "d0000000-0000-4000-8000-000000000004"
        self.connect_pin_and_verdict(sentinel, "Agents")
        again.pop_for(sentinel)
        ids = [int(e["id"]) for e in again.events]
        self.assertEqual(ids, sorted(set(ids)), "events repeated or out of order")
        self.assertTrue(all(i > last_id for i in ids), (last_id, ids))
        self.assertEqual([e["data"]["callId"] for e in again.events], [missed, live, sentinel])

        # The page renders the recent pops on the server, newest first, and names its stream.
        status, _, body = self.page(self.agent, "/console/agent")
        self.assertEqual(status, 200)
        self.assertIn('data-stream="/console/agent/events"', body)
        rendered = [int(h) for h in re.findall(r'<li class="pop [^"]*" data-handoff="(\d+)"', body)]
        want = [e["data"]["id"] for e in reversed(again.events)] + [seen["data"]["id"]]
        self.assertEqual(rendered[:len(want)], want, "the page's newest pops")
        self.assertIn("Grace Hopper", body)

    def test_e_refusals(self):
        anonymous = self.stream(cookie="")
        self.assertEqual(anonymous.status, 401, anonymous.raw)
        status, headers, _ = self.page(Console(self.server), "/console/agent")
        self.assertEqual(status, 303)
        self.assertTrue(headers["location"].startswith("/console/login?next="), headers)
        forged = self.stream(cookie="callgate_console=" + "A" * 43)
        self.assertEqual(forged.status, 401, forged.raw)

        status, _, body = self.page(self.agent, "/console/calls")
        self.assertEqual(status, 403, body[:300])
        self.assertNotIn("Recent handoffs", body)
        status, _, body = self.page(self.supervisor, "/console/calls")
        self.assertEqual(status, 200, body[:300])
        self.assertIn("Recent handoffs", body)
        status, _, body = self.page(self.supervisor, "/console/agent")
        self.assertEqual(status, 200, "a supervisor may see the agents' page too")

    def test_zz_nothing_secret_in_what_the_console_returned(self):
        self.connect_pin_and_verdict("e0000000-0000-4000-8000-000000000001")  # one pop at least
        # Pages the supervisor and agent can read, after every call above.
        for console, path in ((self.supervisor, "/console/calls"), (self.agent, "/console/agent"),
                              (self.agent, "/console/agent?queue=Billing")):
            status, _, _ = self.page(console, path)
            self.assertEqual(status, 200, path)
        s = self.stream()
        s.next_event(what="the recent pops")   # the first connect replays the last 15 minutes
        s.close()
        text = "".join(self.returned) + s.raw
        self.assertIn("handoff", text)   # something was looked at
        for secret in sorted(self.secrets, key=len):
            self.assertNotIn(secret, text, f"{secret[:12]}... was shown")


if __name__ == "__main__":
    unittest.main()
