"""ConnectParticipantWithLexBot against a local bot ([lex] bots), end to end on the real binary.

The flow (tests/flows/lex/lex-menu.json, in Connect's export shape) asks "How can I help you?"
through a Lex V2 bot alias that [lex] maps to tests/flows/lex/bank-bot.json, branches on the
intent, copies $.Lex.IntentName, $.Lex.Slots.AccountNumber and $.Lex.SessionAttributes.caller
into contact attributes and transfers; anything else says sorry and hangs up.

LexSimulatorTest: `callgate call` with typed words (an intent with a spoken number slot), keys
(the bot's dtmf key), words the bot does not know (FallbackIntent -> NoMatchingCondition) and no
input (InputTimeLimitExceeded).
LexTwilioTest: the same flow over signed Twilio webhooks: the bot block answers with a
<Gather input="dtmf speech"> carrying the bot's words as hints, and Twilio's SpeechResult picks
the intent.
LexSipSpeechTest: (a) one SIP call in which a baresip caller *says* "check my balance" (flite
audio, speech_audio.py); callgate decodes it with pocketsphinx against the bot's grammar and
transfers. One short spoken call only: speech decoding costs CPU. (b) a caller who keys the bot's
dtmf key 0 instead: the intent is chosen at once (no '#', no time-out) and the call transferred.
"""

import json
import os
import time
import unittest

import harness
import speech_audio
import test_twilio_voice as twilio
from harness import ServerTestCase, Workspace, parse_events, require_binary
from sip_harness import SipTestCase, require_peers

FLOW_DIR = os.path.join(harness.SOURCE_DIR, "tests", "flows", "lex")
FLOW = os.path.join(FLOW_DIR, "lex-menu.json")
BOT = os.path.join(FLOW_DIR, "bank-bot.json")
ALIAS = "arn:aws:lex:us-east-1:123456789012:bot-alias/BANKBOT01/TSTALIASID"
CALLER = "+14155550123"
LEX_NUMBER = "+18005550142"

CALL_SETUP = 15
PROMPT_WAIT = 25     # dial to the bot block (flite synthesis of the prompt)
DECISION_WAIT = 40   # audio switched in to the intent (prompt, speech, endpoint, decode)


def lex_table():
    return f'\n[lex.bots]\n"{ALIAS}" = "{BOT}"\n'


@require_binary
class LexSimulatorTest(unittest.TestCase):

    def setUp(self):
        self.ws = Workspace()
        self.addCleanup(self.ws.cleanup)
        self.config = self.ws.write("lex.toml", lex_table())

    def call(self, typed):
        r = self.ws.run("call", "--json", "--config", self.config, "--from", CALLER, "--flow",
                        FLOW, *self.ws.store_args(), input=typed)
        self.assertEqual(r.returncode, 0, r.stderr)
        return parse_events(r.stdout)

    def intent_of(self, events):
        intents = [e for e in events if e.get("type") == "intent"]
        self.assertEqual(len(intents), 1, events)
        return intents[0]

    def transfer_attributes(self, events):
        transfers = [e for e in events if e.get("type") == "transfer"]
        self.assertEqual(len(transfers), 1, events)
        self.assertEqual(transfers[0]["queue"], "Agents")
        return transfers[0]["attributes"]

    def test_words_with_a_number_slot_pick_the_intent_and_fill_lex(self):
        events = self.call("Uh, balance of account four two four two please\n")
        prompts = [e["text"] for e in events if e.get("type") == "prompt"]
        self.assertIn("Welcome to the bank. How can I help you?", prompts)
        self.assertTrue([e for e in events if e.get("type") == "intent_input"], events)
        self.assertEqual(self.intent_of(events)["name"], "CheckBalance")
        attributes = self.transfer_attributes(events)
        self.assertEqual(attributes["lexIntent"], "CheckBalance")
        self.assertEqual(attributes["lexAccount"], "4242")
        self.assertEqual(attributes["lexCaller"], CALLER)

    def test_the_bots_dtmf_key_picks_an_intent(self):
        events = self.call("0\n")
        self.assertEqual(self.intent_of(events)["name"], "TalkToAgent")
        self.assertEqual(self.transfer_attributes(events)["lexIntent"], "TalkToAgent")

    def test_unknown_words_are_the_fallback_intent_and_no_matching_condition(self):
        events = self.call("what a lovely day for a picnic in the park\n")
        self.assertEqual(self.intent_of(events)["name"], "FallbackIntent")
        self.assertFalse([e for e in events if e.get("type") == "transfer"], events)
        self.assertIn("Sorry, I did not get that. Goodbye.",
                      [e["text"] for e in events if e.get("type") == "prompt"])
        self.assertEqual(events[-1]["type"], "hangup")

    def test_no_answer_is_the_time_limit(self):
        events = self.call("\n")
        self.assertFalse([e for e in events if e.get("type") == "intent"], events)
        self.assertEqual(events[-1]["type"], "hangup")

    def test_an_unzipped_lex_v2_export_directory_is_a_bot(self):
        """Bot.json, BotLocales/en_US/Intents/*/Intent.json (+ Slots/*/Slot.json) and
        SlotTypes/*/SlotType.json, as the Lex V2 console exports them."""
        root = self.ws.path("bots/BANKBOT01")
        files = {
            "Bot.json": {"name": "ExportedBank", "identifier": "BANKBOT01"},
            "BotLocales/en_US/BotLocale.json": {"localeId": "en_US"},
            "BotLocales/en_US/Intents/CheckBalance/Intent.json": {
                "name": "CheckBalance",
                "sampleUtterances": [{"utterance": "how much is in my {AccountType} account"}],
                "slotPriorities": [{"priority": 1, "slotName": "AccountType"}]},
            "BotLocales/en_US/Intents/CheckBalance/Slots/AccountType/Slot.json": {
                "name": "AccountType", "slotTypeName": "AccountTypes"},
            "BotLocales/en_US/Intents/TalkToAgent/Intent.json": {
                "name": "TalkToAgent", "sampleUtterances": [{"utterance": "operator"}]},
            "BotLocales/en_US/Intents/FallbackIntent/Intent.json": {
                "name": "FallbackIntent", "parentIntentSignature": "AMAZON.FallbackIntent"},
            "BotLocales/en_US/SlotTypes/AccountTypes/SlotType.json": {
                "name": "AccountTypes",
                "slotTypeValues": [{"sampleValue": {"value": "checking"},
                                    "synonyms": [{"value": "current"}]},
                                   {"sampleValue": {"value": "savings"}}],
                "valueSelectionSetting": {"resolutionStrategy": "TopResolution"}},
        }
        for name, content in files.items():
            path = os.path.join(root, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                json.dump(content, f)
        # Mapped by the bot id of the flow's alias ARN.
        self.config = self.ws.write("lex-dir.toml", f'[lex.bots]\n"BANKBOT01" = "{root}"\n')
        events = self.call("how much is in my current account\n")
        self.assertEqual(self.intent_of(events)["name"], "CheckBalance")
        self.assertEqual(self.intent_of(events)["slots"], {"AccountType": "checking"})
        self.assertEqual(self.transfer_attributes(events)["lexIntent"], "CheckBalance")

    def test_lex_dir_finds_the_bot_file_named_after_the_bot_id(self):
        os.makedirs(self.ws.path("bots"))
        with open(BOT, encoding="utf-8") as src, \
                open(self.ws.path("bots/BANKBOT01.json"), "w", encoding="utf-8") as dst:
            dst.write(src.read())
        self.config = self.ws.write("lex-dir.toml", f'[lex]\ndir = "{self.ws.path("bots")}"\n')
        events = self.call("check my balance\n")
        self.assertEqual(self.transfer_attributes(events)["lexIntent"], "CheckBalance")

    def test_flow_check_names_an_unmapped_bot(self):
        empty = self.ws.write("empty.toml", "")
        r = self.ws.run("flow", "check", "--config", empty, FLOW)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("BANKBOT01", r.stdout + r.stderr)
        ok = self.ws.run("flow", "check", "--config", self.config, FLOW)
        self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)


@require_binary
class LexTwilioTest(ServerTestCase):
    # The webhook helpers of the Twilio tests (signing, posting, callback URLs).
    post = twilio.TwilioVoiceTest.post
    twiml = twilio.TwilioVoiceTest.twiml
    target_of = twilio.TwilioVoiceTest.target_of

    def test_twilio_speech_result_picks_the_intent(self):
        lines = ["[flows]", f'default = "{FLOW}"', "[twilio]", f'auth_token = "{twilio.TOKEN}"',
                 f'public_base_url = "{twilio.BASE}/"', "[twilio.queues]",
                 'Agents = "sip:agents@pbx.example.com"']
        config = self.ws.write("callgate.toml", "\n".join(lines) + "\n" + lex_table())
        saved = os.environ.pop("CALLGATE_TWILIO_AUTH_TOKEN", None)
        if saved is not None:
            self.addCleanup(os.environ.__setitem__, "CALLGATE_TWILIO_AUTH_TOKEN", saved)
        self.server = self.start_server("--config", config)
        sid = twilio.call_sid(77)
        doc = self.twiml("/twilio/voice", twilio.call_params(sid, CALLER))
        self.assertEqual(doc.verbs()[-2:], ["Gather", "Redirect"], doc.text)
        gather = doc.one("Gather")
        self.assertEqual(gather.get("input"), "dtmf speech", doc.text)
        self.assertIn("balance", gather.get("hints", ""), doc.text)
        self.assertIn("Welcome to the bank. How can I help you?", doc.said())
        doc = self.twiml(self.target_of(gather.get("action")),
                         twilio.call_params(sid, CALLER, SpeechResult="I want to talk to an agent",
                                            Confidence="0.91"))
        self.assertEqual(doc.verbs()[-1], "Dial", doc.text)
        self.assertEqual(doc.one("Dial").findall("Sip")[0].text.partition("?")[0],
                         "sip:agents@pbx.example.com", doc.text)


def needs_speech_tools(cls):
    missing = speech_audio.missing_tools("flite")
    if missing:
        return harness.fail_class(cls, "speech audio: " + harness.missing_programs_message(missing))
    return cls


@needs_speech_tools
@require_peers("baresip", "sox")
class LexSipSpeechTest(SipTestCase):

    def start(self):
        """Agent, callgate with [speech] and [lex], and the caller in a call to the bot flow;
        returns (agent, callgate, caller, contact id)."""
        agent = self.start_baresip("agent", answer="auto")
        self.ws.write_sip_config(default_agent=agent.uri, numbers={LEX_NUMBER: FLOW},
                                 speech={"enabled": True})
        with open(self.ws.sip_config, "a", encoding="utf-8") as f:
            f.write(lex_table())
        callgate = self.start_callgate()
        caller = self.start_baresip("caller", name=CALLER)
        caller.dial(callgate.uri(LEX_NUMBER))
        caller.wait_event("CALL_ESTABLISHED", CALL_SETUP)
        contact = callgate.wait_log_event("sip_call_start", PROMPT_WAIT)["contact"]
        return agent, callgate, caller, contact

    def test_a_caller_says_what_she_wants_and_the_bot_routes_her(self):
        audio_dir = self.ws.path("audio")
        os.makedirs(audio_dir, exist_ok=True)
        says = speech_audio.spoken_wav(os.path.join(audio_dir, "balance.wav"),
                                       "check my balance", lead=0.5, tail=60.0)
        agent, callgate, caller, contact = self.start()
        # The prompt is synthesised and played; speech barges in, so the caller may start at once.
        time.sleep(2.0)
        self.assertTrue(caller.switch_audio_source(says).get("ok"))
        heard = callgate.wait_log_event("sip_intent", DECISION_WAIT, contact=contact)
        self.assertEqual(heard["intent"], "CheckBalance", callgate.log_tail(40))
        steps = callgate.log_events("flow_step", contact=contact)
        self.assertIn("condition:CheckBalance", [s["outcome"] for s in steps], steps)
        # The flow transfers to its queue: the caller gets the REFER to the agent.
        caller.wait_event("TRANSFER", DECISION_WAIT)
        refers = caller.received("REFER")
        self.assertEqual(len(refers), 1, refers)
        self.assertIn(f"agent@127.0.0.1:{agent.sip_port}", refers[0].header("Refer-To"))
        caller.hangup()

    def test_b_a_caller_keys_the_bots_dtmf_key(self):
        agent, callgate, caller, contact = self.start()
        time.sleep(1.0)
        self.assertTrue(caller.sndcode("0").get("ok"))
        keyed = time.time()
        heard = callgate.wait_log_event("sip_intent", DECISION_WAIT, contact=contact)
        self.assertEqual(heard["intent"], "TalkToAgent", callgate.log_tail(40))
        self.assertEqual(heard.get("source"), "dtmf", heard)
        # The key alone chose the intent: well before the 5 s input time limit.
        self.assertLess(heard["time"] - keyed, 4.0, heard)
        caller.wait_event("TRANSFER", DECISION_WAIT)
        self.assertEqual(len(caller.received("REFER")), 1)
        caller.hangup()


if __name__ == "__main__":
    unittest.main()
