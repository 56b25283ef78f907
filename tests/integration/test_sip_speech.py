"""Speech input with real SIP peers: a baresip caller *says* her user id into a call to callgate.

The caller's audio is a WAV made at test time (speech_audio.py: flite's kal voice, 8 kHz, padded
with silence) switched in mid-call with baresip's `ausrc`. The flow is flows/voice-login.json,
whose user-id input takes speech (SpeechInput Enabled, 8 digits) and whose PIN input takes keys.
Timing comes from callgate's log, never from the digits or words (they are never logged):
`event=flow_step ... action=greet` = the greeting is over and the user-id prompt starts,
`event=sip_speech_start` = speech detected (barge-in), `event=sip_speech ... outcome=...` = one
speech decision, `event=flow_step ... action=save-user-id` = the user id was taken and the PIN
prompt starts, `action=set-authenticated` = user id 12345678 + PIN 4321 matched demo customer Ada.

(a) Ada says 12345678 after the prompt, keys 4321#, and the agent gets the REFER with
    X-Callgate-Auth True and method Pin; the id came by speech, and no log line holds it.
(b) barge-in: she starts speaking while the prompt plays; sip_speech_start is logged before the
    prompt's length has passed, and the flow still signs her in.
(c) a flow copy with Confirm "Always": callgate reads the id back, the caller keys 1, the flow
    goes on to the PIN and signs her in.
(d) DTMF fallback: the caller says nothing and keys 12345678#; the speech input takes the keys.
(f) parts: with Confirm "Always", the caller says no to the read-back (key 2, and to any other
    reading offered); callgate checks the first group ("Were the first four digits ...?",
    `event=sip_speech_listen offset=0 length=4 confirming=true`), the caller keys 1, callgate asks for the last four digits alone, she says them, keys 1 to
    their read-back, and the whole id (first group as read, last group said again) signs her in.
(e) steady room noise (pink, about -38 dBFS, above the endpointer's speech threshold) from the
    caller's first packet: the user-id prompt plays to its end, no speech is detected, and the
    keyed id and PIN still sign her in.
SpeechAudioPathTest checks the audio alone: the WAV crosses a baresip-to-baresip PCMU call.
"""

import json
import os
import re
import shutil
import tempfile
import time
import unittest

import harness
import speech_audio
from sip_harness import SipTestCase, norm, require_peers

ADA_CALLER = "+14155550177"     # not on file: caller ID does not identify Ada
ADA_USER_ID = "12345678"        # demo/customers.csv: Ada, PIN 4321
ADA_PIN = "4321"
LOGIN_NUMBER = "+18005550199"   # [sip.numbers] -> the voice-login flow
VOICE_LOGIN = os.path.join(harness.SOURCE_DIR, "flows", "voice-login.json")
USER_ID_INPUTS = ("ask-user-id", "ask-user-id-again")

CALL_SETUP = 15         # seconds: INVITE to CALL_ESTABLISHED
GREETING_WAIT = 25      # dial to the end of the greeting (flite synthesis + ~5 s of speech)
DECISION_WAIT = 25      # audio switched in to a speech decision (prompt, speech, endpoint, decode)
STEP_WAIT = 20          # a key entry or decision to the flow's next step in the log
TRANSFER_WAIT = 30      # last PIN key to the agent answering (signed-in and link prompts first)
GROUP_PAUSE = 1.5       # s, between the two groups of a user id read off a card
DIGIT_WORDS = re.compile(r"\b(zero|oh|one|two|three|four|five|six|seven|eight|nine)[\s,]+"
                         r"(zero|oh|one|two|three|four|five|six|seven|eight|nine)\b", re.I)


def user_id_prompt(flow_path):
    """The text of the flow's user-id prompt (what callgate speaks before listening)."""
    with open(flow_path, encoding="utf-8") as f:
        flow = json.load(f)
    for action in flow["Actions"]:
        if action["Identifier"] == "ask-user-id":
            return action["Parameters"]["Text"]
    raise AssertionError(f"{flow_path}: no ask-user-id action")


def speech_enabled(flow_path):
    with open(flow_path, encoding="utf-8") as f:
        flow = json.load(f)
    spec = next(a for a in flow["Actions"] if a["Identifier"] == "ask-user-id")
    return str(spec["Parameters"].get("SpeechInput", {}).get("Enabled", "")).lower() == "true"


def write_flow_copy(path, **speech_input):
    """voice-login.json with the user-id inputs' SpeechInput set to 8 digits plus `speech_input`
    (e.g. Confirm="Always"); the PIN input untouched (keypad only)."""
    with open(VOICE_LOGIN, encoding="utf-8") as f:
        flow = json.load(f)
    for action in flow["Actions"]:
        if action["Identifier"] in USER_ID_INPUTS:
            spec = dict(action["Parameters"].get("SpeechInput", {}))
            spec.update({"Enabled": "True", "MinimumLength": "8", "MaximumLength": "8"})
            spec.update(speech_input)
            action["Parameters"]["SpeechInput"] = spec
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(flow, f, indent=2)
    return path


def needs_speech_tools(cls):
    missing = speech_audio.missing_tools("flite")
    if missing:
        return harness.fail_class(cls, "speech audio: " + harness.missing_programs_message(missing))
    return cls


@needs_speech_tools
@require_peers("baresip", "sox")
class SipSpeechTest(SipTestCase):

    @classmethod
    def setUpClass(cls):
        cls.audio_dir = tempfile.mkdtemp(prefix="callgate-speech-audio-")
        # After the prompt: 1 s of silence, then the id; 60 s of silence keep the call up.
        cls.ada_says_id = speech_audio.spoken_digits_wav(
            os.path.join(cls.audio_dir, "ada-user-id.wav"), ADA_USER_ID, lead=1.0, tail=60.0)
        # Into the prompt: speech starts 0.2 s after the switch.
        cls.ada_says_last_four = speech_audio.spoken_digits_wav(
            os.path.join(cls.audio_dir, "ada-last-four.wav"), ADA_USER_ID[4:], lead=1.0, tail=60.0)
        cls.ada_barges_in = speech_audio.spoken_digits_wav(
            os.path.join(cls.audio_dir, "ada-barge-in.wav"), ADA_USER_ID, lead=0.2, tail=60.0)
        # Read off a card: the first four digits, a 1.5 s pause (longer than end_silence_ms,
        # 1 s), the last four.
        first = speech_audio.spoken_digits_wav(os.path.join(cls.audio_dir, "first-four.wav"),
                                               ADA_USER_ID[:4], lead=0, tail=0)
        last = speech_audio.spoken_digits_wav(os.path.join(cls.audio_dir, "last-four.wav"),
                                              ADA_USER_ID[4:], lead=0, tail=0)
        cls.ada_pauses_between_groups = speech_audio.concat(
            os.path.join(cls.audio_dir, "ada-pauses.wav"), [1.0, first, GROUP_PAUSE, last, 60.0])
        cls.prompt_seconds = speech_audio.prompt_seconds(user_id_prompt(VOICE_LOGIN),
                                                         cls.audio_dir)
        # A steady room noise (pink) around -38 dBFS: louder than the endpointer's -45 dBFS
        # speech threshold, 20 dB or more below speech.
        cls.room_noise = speech_audio.steady_noise_wav(
            os.path.join(cls.audio_dir, "room-noise.wav"), seconds=90, rms_dbfs=-38.0)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.audio_dir, ignore_errors=True)

    # -- setup ----------------------------------------------------------------------------------

    def start(self, flow=VOICE_LOGIN, caller_audio=None, **speech):
        """Agent, then callgate with [speech] enabled (plus `speech` keys), then Ada's caller
        dialling the login number (sending `caller_audio`, a WAV, from the first packet; default
        silence); returns the caller once the call is up."""
        if flow == VOICE_LOGIN:
            self.assertTrue(speech_enabled(VOICE_LOGIN),
                            "flows/voice-login.json: ask-user-id has no SpeechInput Enabled True")
        self.ws.import_demo_customers()
        self.agent = self.start_baresip("agent", answer="auto")
        self.ws.write_sip_config(default_agent=self.agent.uri, numbers={LOGIN_NUMBER: flow},
                                 speech={"enabled": True, **speech})
        self.callgate = self.start_callgate()
        caller = self.start_baresip("caller", name=ADA_CALLER, audio=caller_audio)
        caller.dial(self.callgate.uri(LOGIN_NUMBER))
        caller.wait_event("CALL_ESTABLISHED", CALL_SETUP)
        self.contact = self.callgate.wait_log_event("sip_call_start", STEP_WAIT)["contact"]
        return caller

    def log_event(self, event, timeout=STEP_WAIT, predicate=None, **fields):
        return self.callgate.wait_log_event(event, timeout, predicate=predicate,
                                            contact=self.contact, **fields)

    def user_id_prompt_started(self):
        """The log line that says the greeting is over: the user-id prompt starts at its time."""
        return self.log_event("flow_step", GREETING_WAIT, action="greet")

    def sleep_until(self, epoch_seconds):
        delay = epoch_seconds - time.time()
        if delay > 0:
            time.sleep(delay)

    def say_after_prompt(self, caller, wav):
        """Waits for the user-id prompt to finish (it starts a little after its log line:
        synthesis), then the caller's audio becomes `wav`."""
        prompt = self.user_id_prompt_started()
        self.sleep_until(prompt["time"] + self.prompt_seconds + 0.5)
        self.assertTrue(caller.switch_audio_source(wav).get("ok"))

    def outcomes(self):
        return [e["outcome"] for e in self.callgate.log_events("sip_speech", contact=self.contact)]

    def decision(self, timeout=DECISION_WAIT):
        """The first speech decision of this call (its sip_speech log line)."""
        return self.log_event("sip_speech", timeout)

    def expect_id_by_speech(self, caller):
        """Waits for the user id to be taken from speech: outcome=accepted, or outcome=confirm
        answered with key 1 and then accepted; returns the outcomes."""
        first = self.decision()
        if first["outcome"] == "confirm":
            self.assertTrue(caller.sndcode("1").get("ok"))   # "press 1 if that is right"
        elif first["outcome"] != "accepted":
            self.fail(f"speech decision {first} (want accepted or confirm); "
                      f"log:\n{self.callgate.log_tail(60)}")
        return self.expect_user_id_taken(("accepted",), ("confirm", "accepted"))

    def expect_user_id_taken(self, *allowed_outcomes):
        """The flow took the user id (ask-user-id -> next, the PIN prompt starts) and the speech
        decisions logged for it are one of `allowed_outcomes`."""
        self.log_event("flow_step", action="save-user-id")
        taken = self.callgate.log_events("flow_step", contact=self.contact, action="ask-user-id")
        self.assertEqual([e["outcome"] for e in taken], ["next"], taken)
        outcomes = tuple(self.outcomes())
        self.assertIn(outcomes, allowed_outcomes, f"speech outcomes {outcomes}")
        return outcomes

    def key_pin_and_expect_signed_in(self, caller):
        """At the PIN prompt: keys 4321#; the flow's check passes only for user id 12345678."""
        self.assertTrue(caller.sndcode(ADA_PIN + "#").get("ok"))
        self.log_event("flow_step", action="set-authenticated")

    def assert_no_secrets_logged(self):
        with open(self.callgate.log_path, encoding="utf-8", errors="replace") as f:
            log = f.read()
        self.assertNotIn(ADA_USER_ID, log, "the user id is in callgate's log")
        self.assertNotIn("one two three", log.lower(), "a transcript is in callgate's log")
        leak = DIGIT_WORDS.search(log)
        self.assertIsNone(leak, f"digit words in callgate's log: {leak and leak.group(0)!r}")
        if os.path.exists(self.ws.audit):
            with open(self.ws.audit, encoding="utf-8", errors="replace") as f:
                self.assertIsNone(DIGIT_WORDS.search(f.read()), "a transcript in the audit log")

    # -- tests ----------------------------------------------------------------------------------

    def test_a_ada_says_her_user_id_keys_her_pin_and_is_transferred(self):
        caller = self.start()
        # The WAV has 1 s of silence before the words.
        self.say_after_prompt(caller, self.ada_says_id)
        self.expect_id_by_speech(caller)
        time.sleep(0.5)   # into the PIN prompt (keys barge in)
        self.assertTrue(caller.sndcode(ADA_PIN + "#").get("ok"))
        refer = self.expect_transfer(caller, "True", "Pin")
        fields = {norm(k): v[0] for k, v in refer.headers.items()}
        self.assertEqual(fields.get("xcallgatefirstname"), "Ada", refer.headers)
        caller.hangup()
        self.assert_no_secrets_logged()

    def test_b_barge_in_speech_interrupts_the_prompt(self):
        caller = self.start(confirm_below=0.0)
        prompt = self.user_id_prompt_started()
        # The log line shows up to ~1 s late; speech starts 0.2 s after the switch, well inside
        # the prompt (~4 s).
        self.assertTrue(caller.switch_audio_source(self.ada_barges_in).get("ok"))
        switched = time.time()
        started = self.log_event("sip_speech_start", DECISION_WAIT)
        into_prompt = started["time"] - prompt["time"]
        self.assertLess(switched - prompt["time"], self.prompt_seconds - 1.0,
                        "the test switched its audio too late to barge in")
        self.assertLess(into_prompt, self.prompt_seconds,
                        f"speech start logged {into_prompt:.2f} s after the prompt started; the "
                        f"prompt lasts {self.prompt_seconds:.2f} s: no barge-in")
        self.assertGreater(into_prompt, 0.0, "speech start logged before the prompt")
        self.expect_id_by_speech(caller)
        self.key_pin_and_expect_signed_in(caller)
        caller.hangup()
        self.assert_no_secrets_logged()

    def test_c_confirmation_read_back_answered_with_key_1(self):
        flow = write_flow_copy(self.ws.path("flows/voice-login-confirm.json"), Confirm="Always")
        caller = self.start(flow=flow)
        self.say_after_prompt(caller, self.ada_says_id)
        first = self.decision()
        self.assertEqual(first["outcome"], "confirm", first)
        time.sleep(1.2)   # a log flush: the flow must still be waiting for the answer
        self.assertEqual(self.callgate.log_events("flow_step", contact=self.contact,
                                                  action="save-user-id"), [],
                         "the flow went on before the confirmation was answered")
        self.assertTrue(caller.sndcode("1").get("ok"))   # "press 1 if that is right"
        self.expect_user_id_taken(("confirm", "accepted"))
        time.sleep(0.5)
        self.key_pin_and_expect_signed_in(caller)
        caller.hangup()
        self.assert_no_secrets_logged()

    def next_listen(self, seen, timeout=STEP_WAIT):
        """The turn's question after the first `seen` ones (event=sip_speech_listen)."""
        return self.log_event("sip_speech_listen", timeout,
                              predicate=lambda e: self.listens().index(e) >= seen)

    def listens(self):
        return self.callgate.log_events("sip_speech_listen", contact=self.contact)

    def test_f_a_rejected_read_back_is_taken_in_parts(self):
        flow = write_flow_copy(self.ws.path("flows/voice-login-parts.json"), Confirm="Always")
        caller = self.start(flow=flow)
        self.say_after_prompt(caller, self.ada_says_id)
        self.assertEqual(self.decision()["outcome"], "confirm")
        # "No" to the read-back, and to each other reading of the utterance offered after it
        # (at most two), until the first group of the reading is checked.
        for _ in range(3):
            seen = len(self.listens())
            self.assertTrue(caller.sndcode("2").get("ok"))
            asked = self.next_listen(seen)
            if asked["length"] != "0":
                break
            self.assertEqual(asked["confirming"], "true", asked)
        self.assertEqual((asked["offset"], asked["length"], asked["confirming"]),
                         ("0", "4", "true"), asked)
        # She says the first group is right (flite's 12345678 is heard right by this model; if
        # not, the PIN check below fails); the last group is then asked for alone.
        seen = len(self.listens())
        self.assertTrue(caller.sndcode("1").get("ok"))
        asked = self.next_listen(seen)
        self.assertEqual((asked["offset"], asked["length"], asked["confirming"]),
                         ("4", "4", "false"), asked)
        seen = len(self.listens())
        self.assertTrue(caller.switch_audio_source(self.ada_says_last_four).get("ok"))
        asked = self.next_listen(seen, DECISION_WAIT)
        self.assertEqual((asked["offset"], asked["length"], asked["confirming"]),
                         ("4", "4", "true"), asked)
        self.assertEqual(self.outcomes(), ["confirm", "confirm"])
        self.assertEqual(self.callgate.log_events("flow_step", contact=self.contact,
                                                  action="save-user-id"), [],
                         "the flow went on before the last group was confirmed")
        self.assertTrue(caller.sndcode("1").get("ok"))
        self.expect_user_id_taken(("confirm", "confirm", "accepted"))
        time.sleep(0.5)
        self.key_pin_and_expect_signed_in(caller)
        caller.hangup()
        self.assert_no_secrets_logged()

    def test_e_steady_noise_from_the_first_packet_never_cuts_the_prompt(self):
        level = speech_audio.measured_rms_dbfs(self.room_noise)
        self.assertTrue(-41.0 < level < -35.0, f"the test's noise is at {level:.1f} dBFS")
        caller = self.start(caller_audio=self.room_noise)
        prompt = self.user_id_prompt_started()
        # The whole prompt and a second more: the noise never counts as speech, so nothing stops
        # the prompt and nothing is sent to the recogniser.
        self.sleep_until(prompt["time"] + self.prompt_seconds + 1.0)
        self.assertEqual(self.callgate.log_events("sip_speech_start", contact=self.contact), [],
                         "steady noise was taken for speech")
        self.assertEqual(self.outcomes(), [])
        self.assertTrue(caller.sndcode(ADA_USER_ID + "#").get("ok"))
        self.expect_user_id_taken(("dtmf",))
        time.sleep(0.5)
        self.key_pin_and_expect_signed_in(caller)
        caller.hangup()

    def test_g_a_pause_between_groups_does_not_cut_the_entry(self):
        caller = self.start()
        self.say_after_prompt(caller, self.ada_pauses_between_groups)
        # Four digits cannot be an 8-digit id, so the pause after them is not taken for the end:
        # one utterance, the whole id (the PIN check passes only for 12345678).
        self.expect_id_by_speech(caller)
        starts = self.callgate.log_events("sip_speech_start", contact=self.contact)
        self.assertEqual(len(starts), 1, f"the entry was cut in the pause: {starts}")
        time.sleep(0.5)
        self.key_pin_and_expect_signed_in(caller)
        caller.hangup()
        self.assert_no_secrets_logged()

    def test_d_silent_caller_keys_the_user_id_instead(self):
        caller = self.start()   # the caller's audio stays silence
        prompt = self.user_id_prompt_started()
        self.sleep_until(prompt["time"] + self.prompt_seconds + 0.5)
        self.assertTrue(caller.sndcode(ADA_USER_ID + "#").get("ok"))
        self.expect_user_id_taken(("dtmf",))
        self.assertEqual(self.callgate.log_events("sip_speech_start", contact=self.contact), [],
                         "speech detected in silence")
        time.sleep(0.5)
        self.key_pin_and_expect_signed_in(caller)
        caller.hangup()
        self.assert_no_secrets_logged()


@needs_speech_tools
@require_peers("baresip", "sox")
class SpeechAudioPathTest(SipTestCase):
    """No callgate: the same WAV, switched in mid-call from one baresip to another over PCMU,
    arrives as speech (and, when libpocketsphinx and its en-us model are installed, decodes to
    the id with a digits grammar). If this passes and SipSpeechTest fails, look at callgate."""

    def test_0_a_spoken_id_crosses_a_baresip_call_intact(self):
        wav = speech_audio.spoken_digits_wav(self.ws.path("id.wav"), ADA_USER_ID, lead=1.0,
                                             tail=60.0)
        sent = speech_audio.speech_span(wav)
        agent = self.start_baresip("agent", answer="auto", record=True)
        caller = self.start_baresip("caller", name=ADA_CALLER)
        caller.dial(agent.uri)
        caller.wait_event("CALL_ESTABLISHED", CALL_SETUP)
        self.assertTrue(caller.switch_audio_source(wav).get("ok"))
        time.sleep(sent[1] + 1.0)
        caller.hangup()
        agent.stop()   # sndfile writes its WAVs at hang-up / quit
        recordings = agent.recordings("dec")
        self.assertTrue(recordings, f"no recording in {agent.rec_dir}")
        heard_wav = recordings[-1]
        span = speech_audio.speech_span(heard_wav)
        self.assertIsNotNone(span, "the agent heard only silence")
        self.assertAlmostEqual(span[1] - span[0], sent[1] - sent[0], delta=0.5,
                               msg=f"speech sent {sent}, heard {span}")
        words = speech_audio.pocketsphinx_decode(heard_wav, speech_audio.digits_jsgf(8, 8))
        if words is not None:
            self.assertEqual(speech_audio.words_to_digits(words), ADA_USER_ID, words)


if __name__ == "__main__":
    unittest.main()
