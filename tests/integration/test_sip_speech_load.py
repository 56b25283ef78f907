"""Issue 17: 20 callers speaking at once never push another caller's PIN check past its time limit.

callgate decodes speech on a pool of its own ([speech] decoders threads, default 2) so that
functions such as verify-pin (argon2id, on the SIP worker pool) never wait behind an utterance
(docs/SPEECH.md, "What happens on a call"). This is the black-box proof on the real binary.

One callgate with SIP on 127.0.0.1 runs flows/voice-login.json (user id said or keyed, PIN keyed,
verify-pin with InvocationTimeLimitSeconds 3). Three SIPp processes call it at the same moment
(the scenarios and pcaps are written at test time; SIPp replays a pcap's RTP with its timing):

- 20 speakers. Each plays the same pcap: flite's kal voice saying "one two three four five six
  seven eight" twice in one breath (one utterance of ~5 s), sox to 8 kHz mu-law, packed into
  RTP/UDP/IPv4/Ethernet here; silence through the greeting, then that utterance 6 times with
  1.5 s pauses. The 20 calls start within 200 ms, so their utterances end together and reach the
  decoders as bursts of 20. What the recogniser makes of them does not matter (read-backs,
  re-prompts, a misheard "yes": any decision will do). A REFER (the flow gave up and transfers
  them) is accepted; each speaker hangs up when its audio ends.
- 8 keyers (4 as Ada 12345678/4321, 4 as Grace 87654321/2468, demo/customers.csv). Each keys its
  user id and then its PIN by RFC 4733 (PT 101), timed so that the PIN's '#' arrives as the
  first speech burst reaches the decoders; they start 150 ms apart, spreading the PIN checks over
  the burst (~1.5 s on a 2-core machine). Each must get a REFER carrying X-Callgate-Auth: True
  (SIPp checks it), accept it, report the agent answered (NOTIFY, sipfrag 200) and take the BYE.

From callgate's log (timestamps are when a line was logged, to the millisecond) and audit:
- every PIN check answered in time: `flow_step action=ask-pin outcome=next` (the '#': the check
  is queued) to `flow_step action=verify-pin` (its result reached the flow) is below the block's
  3 s limit; no function_timeout or function_skipped_late at all;
- every keyer, and no other call, was transferred authenticated (sip_transfer, set-authenticated);
  the audit holds pin_verified once per keyer and no other pin_* event (pin_check_late,
  pin_failed ...), and a signed verdict (verdict_issued, acr 1fa) for the keyers' calls only;
- the speech pool was really saturated when the checks ran. An utterance waits for its decision
  from its end (sip_speech_start - 100 ms + its length + end_silence) to its sip_speech line; at
  least half the PIN checks must start while more than 2 (the decoders) wait, and at least 2
  while 8 or more wait. Otherwise the run proves nothing, and fails saying so;
- no PIN check waited behind speech: one that starts behind N >= 8 waiting utterances must answer
  before half of them are decided (queued first-in-first-out behind them on a pool of up to N/2
  threads, it could not even have started by then);
- every speaker got at least one speech decision (event=sip_speech); callgate stayed up.
The PIN checks' times, the decisions' delays and the backlog at each check are printed.
"""

import json
import os
import shutil
import statistics
import struct
import tempfile
import time
import unittest

import harness
import speech_audio
from sip_harness import SipTestCase, make_ulaw_raw, require_peers, run_sipp

LOGIN_NUMBER = "+18005550199"    # [sip.numbers] -> the voice-login flow
VOICE_LOGIN = os.path.join(harness.SOURCE_DIR, "flows", "voice-login.json")
KEYERS = (("ada", "12345678", "4321"), ("grace", "87654321", "2468"))  # demo/customers.csv
KEYERS_EACH = 4                  # calls per demo customer: 8 keyed callers
SPEAKERS = 20
DECODERS = 2                     # [speech] decoders, the default (written out: the test's premise)
END_SILENCE = 1.0                # [speech] end_silence_ms default: silence that ends an utterance
PIN_LIMIT = 3.0                  # voice-login.json verify-pin InvocationTimeLimitSeconds
SIP_WORKERS = 4                  # [sip] worker_threads default: functions and prompt synthesis
SPEAKER_CALLER = "+14155550188"  # neither number is on file: caller ID identifies nobody
KEYER_CALLER = "+14155550166"

UTTERANCES = 6                   # spoken tries per speaker
GAP = 1.5                        # silence between them (> end_silence: each is one utterance)
KEY_START_GAP_MS = 150           # keyers start this far apart
DIGIT_MS, DIGIT_GAP_MS = 100, 60  # an RFC 4733 key: 100 ms event, 60 ms to the next
RUN_TIMEOUT = 90                 # seconds for each SIPp run


# ---------------------------------------------------------------------------------------------
# pcaps for SIPp's play_pcap_audio: Ethernet/IPv4/UDP/RTP, 20 ms apart (SIPp replays the
# capture's timing and rewrites addresses and ports, so only the RTP inside matters).

def _ip_checksum(header):
    total = sum(struct.unpack("!10H", header))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def write_rtp_pcap(path, packets):
    """`packets`: (seconds from the start, RTP packet bytes). A classic libpcap file, link type
    Ethernet, as Debian's sip-tester pcaps are."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, (at, rtp) in enumerate(packets):
            udp = struct.pack("!HHHH", 49176, 10000, 8 + len(rtp), 0) + rtp
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0, 64, 17, 0,
                             bytes([192, 168, 0, 3]), bytes([192, 168, 0, 1]))
            ip = ip[:10] + struct.pack("!H", _ip_checksum(ip)) + ip[12:]
            frame = b"\x00\x50\xbf\x99\x03\x36\x00\x0d\x87\x14\xac\x24\x08\x00" + ip + udp
            seconds, micros = divmod(int(round(at * 1e6)), 1_000_000)
            f.write(struct.pack("<IIII", 1_700_000_000 + seconds, micros, len(frame), len(frame)))
            f.write(frame)
    return path


def _rtp(pt, seq, timestamp, payload, marker=False, ssrc=0x5EEC4000):
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF,
                       timestamp & 0xFFFFFFFF, ssrc) + payload


def audio_pcap(path, ulaw):
    """PCMU (PT 0), 160 bytes per 20 ms packet, from headerless mu-law bytes."""
    packets = []
    for n, i in enumerate(range(0, len(ulaw) - 159, 160)):
        packets.append((n * 0.02, _rtp(0, n, n * 160, ulaw[i:i + 160], marker=n == 0)))
    return write_rtp_pcap(path, packets)


DTMF_EVENTS = {**{str(d): d for d in range(10)}, "*": 10, "#": 11}


def dtmf_pcap(path, keys, first_seq=0):
    """RFC 4733 telephone-events (PT 101), one per key: DIGIT_MS of updates every 20 ms, three
    end packets, DIGIT_GAP_MS to the next key. Returns (path, seconds the keys take). A second
    pcap in the same call must go on from `first_seq`: a receiver takes an event with a timestamp
    it has seen, or an older sequence number, for a repeat of one it had."""
    packets, seq, at = [], first_seq, 0.0
    for k, key in enumerate(keys):
        event, timestamp = DTMF_EVENTS[key], 8000 + (first_seq + k) * 4000
        steps = DIGIT_MS // 20
        for s in range(steps):
            payload = struct.pack("!BBH", event, 10, (s + 1) * 160)   # volume -10 dBm0
            packets.append((at + s * 0.02, _rtp(101, seq, timestamp, payload, marker=s == 0)))
            seq += 1
        end = struct.pack("!BBH", event, 0x80 | 10, steps * 160)
        for _ in range(3):
            packets.append((at + steps * 0.02, _rtp(101, seq, timestamp, end)))
            seq += 1
        at += (DIGIT_MS + DIGIT_GAP_MS) / 1000
    return write_rtp_pcap(path, packets), at


# ---------------------------------------------------------------------------------------------
# SIPp scenarios (written per run: the pcap paths are literal in play_pcap_audio)

_INVITE_ACK = """
  <send retrans="500">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:{caller}@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=- [call_number] 1 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0 101
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-16
      a=ptime:20
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rtd="true" rrs="true"/>
  <send>
    <![CDATA[
      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Contact: <sip:{caller}@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
"""

_REPLY_OK = """
  <send>
    <![CDATA[
      SIP/2.0 {status}
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:{caller}@[local_ip]:[local_port]>
      Content-Length: 0
    ]]>
  </send>
"""

_BYE = """
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 3 BYE
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <recv response="200" crlf="true"/>
"""


def speaker_scenario(path, pcap, speak_ms):
    """Answered, plays `pcap` (speech) for `speak_ms`, hangs up. A REFER meanwhile (the flow gave
    up on the speech and transfers) is accepted with 202 and the call hung up at once."""
    c = SPEAKER_CALLER
    xml = f"""<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="speaker: says digits again and again, then hangs up">
{_INVITE_ACK.format(caller=c)}
  <nop><action><exec play_pcap_audio="{pcap}"/></action></nop>
  <recv request="REFER" timeout="{speak_ms}" ontimeout="9"/>
{_REPLY_OK.format(status="202 Accepted", caller=c)}
  <label id="9"/>
{_BYE.format(caller=c)}
</scenario>
"""
    with open(path, "w", encoding="utf-8") as f:
        f.write(xml)
    return path


def keyer_scenario(path, user_id_pcap, user_id_at_ms, pin_pcap, pin_at_ms):
    """Answered; keys the user id at `user_id_at_ms` and the PIN at `pin_at_ms` after the ACK;
    then expects the REFER with X-Callgate-Auth True, accepts it, reports the agent answered and
    takes callgate's BYE."""
    c = KEYER_CALLER
    xml = f"""<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="keyer: user id and PIN by RFC 4733, transferred authenticated">
{_INVITE_ACK.format(caller=c)}
  <pause milliseconds="{user_id_at_ms}"/>
  <nop><action><exec play_pcap_audio="{user_id_pcap}"/></action></nop>
  <pause milliseconds="{pin_at_ms - user_id_at_ms}"/>
  <nop><action><exec play_pcap_audio="{pin_pcap}"/></action></nop>
  <recv request="REFER" timeout="40000">
    <action>
      <ereg regexp="X-Callgate-Auth: *True" search_in="msg" check_it="true" assign_to="auth"/>
    </action>
  </recv>
{_REPLY_OK.format(status="202 Accepted", caller=c)}
  <send retrans="500">
    <![CDATA[
      NOTIFY [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:{c}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 NOTIFY
      Contact: <sip:{c}@[local_ip]:[local_port]>
      Max-Forwards: 70
      Event: refer
      Subscription-State: terminated;reason=noresource
      Content-Type: message/sipfrag;version=2.0
      Content-Length: [len]

      SIP/2.0 200 OK
    ]]>
  </send>
  <recv response="200"/>
  <recv request="BYE" timeout="10000"/>
{_REPLY_OK.format(status="200 OK", caller=c)}
  <Reference variables="auth"/>
</scenario>
"""
    with open(path, "w", encoding="utf-8") as f:
        f.write(xml)
    return path


def flow_prompt(action_id):
    with open(VOICE_LOGIN, encoding="utf-8") as f:
        flow = json.load(f)
    for action in flow["Actions"]:
        if action["Identifier"] == action_id:
            return action["Parameters"]["Text"]
    raise AssertionError(f"{VOICE_LOGIN}: no action {action_id}")


def needs_speech_tools(cls):
    missing = speech_audio.missing_tools("flite")
    if missing:
        return harness.fail_class(cls, "speech audio: " + harness.missing_programs_message(missing))
    return cls


@needs_speech_tools
@require_peers("sipp", "sox")
class SpeechLoadPinTest(SipTestCase):

    @classmethod
    def setUpClass(cls):
        cls.audio_dir = tempfile.mkdtemp(prefix="callgate-speech-load-")
        d = cls.audio_dir
        # What callgate says before each kind of caller acts (its prompts are flite kal too).
        cls.greeting = speech_audio.prompt_seconds(flow_prompt("greet"), d)
        cls.pin_prompt = speech_audio.prompt_seconds(flow_prompt("ask-pin"), d)
        # A caller who says the id twice in one breath (a comma's pause, well under the end
        # silence): one utterance of about 5 s, so 20 of them keep 2 decoders busy for seconds.
        said = speech_audio.synthesize(os.path.join(d, "said.wav"),
                                       speech_audio.digit_words("1234567812345678", group=8))
        span = speech_audio.speech_span(said)
        cls.utterance = span[1] - span[0]   # the part the endpointer takes for speech
        # The speaker is silent through the greeting (the line's noise floor is learned then and
        # nothing listens), then speaks into the user-id prompt (barge-in) and on.
        cls.lead = cls.greeting + 2.0
        parts = [cls.lead]
        for _ in range(UTTERANCES):
            parts += [said, GAP]
        wav = speech_audio.concat(os.path.join(d, "speaker.wav"), parts)
        cls.speaker_seconds = speech_audio.duration(wav)
        with open(make_ulaw_raw(wav, os.path.join(d, "speaker.ul")), "rb") as f:
            cls.speaker_pcap = audio_pcap(os.path.join(d, "speaker.pcap"), f.read())
        # When the first burst reaches the decoders, from the speakers' ACK.
        cls.first_burst = cls.lead + span[1] + END_SILENCE
        cls.keys = {}
        for name, user_id, pin in KEYERS:
            cls.keys[name] = (dtmf_pcap(os.path.join(d, f"{name}-id.pcap"), user_id + "#"),
                              dtmf_pcap(os.path.join(d, f"{name}-pin.pcap"), pin + "#",
                                        first_seq=1000))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.audio_dir, ignore_errors=True)

    def assert_alive(self):
        self.assertIsNone(self.callgate.proc.poll(), "callgate exited:\n" + self.callgate.log_tail())

    def contacts(self, event, **fields):
        out = {}
        for e in self.callgate.log_events(event, **fields):
            out.setdefault(e["contact"], []).append(e)
        return out

    def test_pin_checks_stay_in_time_while_20_callers_speak(self):
        self.ws.import_demo_customers()
        self.ws.write_sip_config(default_agent="sip:agent@127.0.0.1:9",
                                 numbers={LOGIN_NUMBER: VOICE_LOGIN},
                                 speech={"enabled": True, "decoders": DECODERS})
        self.callgate = self.start_callgate()
        target = f"127.0.0.1:{self.callgate.sip_port}"
        work = self.ws.path("sipp")
        os.makedirs(work, exist_ok=True)

        # Keyers: the user id during the user-id prompt (keys barge in), the PIN so that its '#'
        # lands as the first speech burst reaches the decoders; later keyers start later.
        (_, id_seconds), (_, pin_seconds) = self.keys["ada"]   # Grace's take as long
        user_id_at = self.greeting + 0.5
        pin_at = max(self.first_burst + 0.1 - pin_seconds,
                     user_id_at + id_seconds + self.pin_prompt * 0.5)
        runs = []
        speak_ms = int((self.speaker_seconds + 0.5) * 1000)
        speakers = speaker_scenario(os.path.join(work, "speaker.xml"), self.speaker_pcap, speak_ms)
        runs.append(("speakers", run_sipp(
            speakers, target, os.path.join(work, "speakers"), calls=SPEAKERS, rate=SPEAKERS,
            rate_period_ms=200, limit=SPEAKERS, timeout=RUN_TIMEOUT, service=LOGIN_NUMBER,
            wait=False)))
        for name, _, _ in KEYERS:
            (id_pcap, _), (pin_pcap, _) = self.keys[name]
            scenario = keyer_scenario(os.path.join(work, f"keyer-{name}.xml"), id_pcap,
                                      int(user_id_at * 1000), pin_pcap, int(pin_at * 1000))
            # Ada's and Grace's calls interleave: 2 every KEY_START_GAP_MS * 2.
            runs.append((name, run_sipp(
                scenario, target, os.path.join(work, name), calls=KEYERS_EACH,
                rate=1, rate_period_ms=2 * KEY_START_GAP_MS, limit=KEYERS_EACH,
                timeout=RUN_TIMEOUT, service=LOGIN_NUMBER, wait=False)))
            time.sleep(KEY_START_GAP_MS / 1000)
        results = {name: collect() for name, (_, collect) in runs}
        self.assert_alive()
        for name, r in results.items():
            expected = SPEAKERS if name == "speakers" else KEYERS_EACH
            self.assertEqual((r.returncode, r.successful, r.failed), (0, expected, 0),
                             f"{name}: {r.summary()}\nlog:\n{self.callgate.log_tail(40)}")
        # Every call over in callgate's log too (serve flushes its log every second).
        calls = SPEAKERS + len(KEYERS) * KEYERS_EACH
        harness.wait_until(lambda: len(self.callgate.log_events("sip_call_end")) >= calls, 10,
                           interval=0.2, what=f"{calls} sip_call_end lines in callgate's log")
        self.calls_started = min(e["time"] for e in self.callgate.log_events("sip_call_start"))
        print(f"\nspeakers: greeting {self.greeting:.2f} s, first utterance "
              f"{self.lead:.2f}-{self.lead + self.utterance:.2f} s after the ACK, "
              f"{UTTERANCES} utterances; keyers: PIN '#' at ~{pin_at + pin_seconds:.2f} s; "
              f"SIPp ran {results['speakers'].elapsed:.1f} s (speakers)")
        self.check_pin_checks()
        self.assert_alive()

    def check_pin_checks(self):
        log = self.callgate
        # Nothing late, anywhere.
        self.assertEqual(log.log_events("function_timeout"), [], log.log_tail(60))
        self.assertEqual(log.log_events("function_skipped_late"), [], log.log_tail(60))

        asked = self.contacts("flow_step", action="ask-pin", outcome="next")
        answered = self.contacts("flow_step", action="verify-pin")
        keyers = len(KEYERS) * KEYERS_EACH
        self.assertEqual(len(asked), keyers, f"PIN entries: {asked}")
        self.assertEqual(set(answered), set(asked), "a PIN check never answered its flow")
        waits = {}
        for contact, steps in asked.items():
            self.assertEqual(len(steps), 1, steps)
            [done] = answered[contact]
            self.assertEqual(done["outcome"], "next", done)
            waits[contact] = (steps[0]["time"], done["time"] - steps[0]["time"])
        runs = {e["contact"]: int(e["latency_us"]) / 1e6
                for e in log.log_events("function", function="verify-pin")}
        self.assertEqual(set(runs), set(asked))
        slowest = max(w for _, w in waits.values())
        print(f"PIN checks: {keyers}, '#' to result: slowest {slowest:.3f} s, median "
              f"{statistics.median(w for _, w in waits.values()):.3f} s (argon2id run: slowest "
              f"{max(runs.values()):.3f} s); limit {PIN_LIMIT:.0f} s")
        self.assertLess(slowest, PIN_LIMIT, f"a PIN check took {slowest:.3f} s: {waits}")

        # Every keyer was transferred authenticated (SIPp checked the REFER's X-Callgate-Auth).
        transfers = self.contacts("sip_transfer")
        for contact in asked:
            self.assertEqual([t["authenticated"] for t in transfers.get(contact, [])], ["True"],
                             f"keyer {contact}")
            self.assertTrue(log.log_events("flow_step", contact=contact,
                                           action="set-authenticated"), contact)
        authenticated = [c for c, ts in transfers.items() if ts[-1]["authenticated"] == "True"]
        self.assertEqual(sorted(authenticated), sorted(asked),
                         "a call that keyed no PIN was transferred authenticated")

        # The audit: one pin_verified per keyer (the authenticated transfers above), nothing else
        # about PINs: no late check, no failure, no lock.
        with open(self.ws.audit, encoding="utf-8") as f:
            audit = [json.loads(line) for line in f if line.strip()]
        pin_events = [a["event"] for a in audit if a["event"].startswith("pin_")]
        self.assertEqual(pin_events, ["pin_verified"] * keyers, pin_events)
        self.assertEqual(len(pin_events), len(authenticated))
        # The signed verdicts the audit records (they name the contact): one per keyer, a sign-in
        # (acr 1fa), and none for any other call.
        verdicts = {a["contact"]: a["acr"] for a in audit if a["event"] == "verdict_issued"}
        self.assertEqual(verdicts, {c: "urn:callgate:acr:1fa" for c in asked})

        # Every speaker got a speech decision.
        started = self.contacts("sip_speech_start")
        decisions = self.contacts("sip_speech")
        speakers = set(started) - set(asked)
        self.assertEqual(len(speakers), SPEAKERS, f"calls that spoke: {len(speakers)}")
        undecided = speakers - set(decisions)
        self.assertFalse(undecided, f"{len(undecided)} speakers got no speech decision")
        outcomes = {}
        for contact in speakers:
            for e in decisions[contact]:
                outcomes[e["outcome"]] = outcomes.get(e["outcome"], 0) + 1
        print(f"speech decisions: {sum(outcomes.values())} {outcomes}")

        # Was the speech pool saturated when the PIN checks started, and did they wait behind
        # it? An utterance waits for its decision from its end (its sip_speech_start - 100 ms of
        # voice + its length + the end silence; one heard from its middle ends earlier, so this
        # undercounts) to its sip_speech line.
        pending = []
        for contact in speakers:
            starts = [e["time"] for e in started[contact]]
            ends = [e["time"] for e in decisions[contact]]
            for s in starts:
                after = [d for d in ends if d > s]
                if after:
                    pending.append((s - 0.1 + self.utterance + END_SILENCE, after[0]))
        delays = [d - e for e, d in pending if d > e]
        print(f"utterances decoded: {len(pending)}, end to decision: median "
              f"{statistics.median(delays):.2f} s, slowest {max(delays):.2f} s")
        saturated, deep = 0, 0
        for contact, (at, took) in sorted(waits.items(), key=lambda w: w[1][0]):
            waiting = sorted(d for e, d in pending if e <= at < d)
            line = (f"  PIN check at +{at - self.calls_started:.2f} s: {took:.3f} s, "
                    f"{len(waiting)} utterances waiting")
            if waiting:
                line += f", decided over the next {waiting[-1] - at:.2f} s"
            print(line)
            saturated += len(waiting) > DECODERS
            if len(waiting) >= 2 * SIP_WORKERS:
                # Queued behind these utterances (first in, first out) on a pool of up to half as
                # many threads, the check could not even start before half of them were decided.
                deep += 1
                half = waiting[len(waiting) // 2 - 1]
                self.assertLess(at + took, half,
                                f"the PIN check {contact} waited behind speech: it answered "
                                f"{took:.3f} s after its '#', once {len(waiting) // 2} of the "
                                f"{len(waiting)} utterances waiting then had been decided")
        self.assertGreaterEqual(saturated, keyers // 2,
                                f"only {saturated} of {keyers} PIN checks ran while more than "
                                f"{DECODERS} utterances waited: the load did not saturate the "
                                "speech pool, so this run proves nothing about it")
        self.assertGreaterEqual(deep, 2, f"only {deep} PIN checks ran behind a backlog of "
                                f"{2 * SIP_WORKERS} or more utterances")

if __name__ == "__main__":
    unittest.main()
