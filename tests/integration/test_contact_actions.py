"""Connect contact actions end to end: a flow that sets the voice and hands the caller to a phone
number (TransferParticipantToThirdParty), through the console simulator and Twilio's webhooks."""

import json
import os
import unittest
import urllib.parse

from harness import ServerTestCase, Workspace, parse_events, read_text, require_binary
from test_twilio_voice import BASE, DIALLED, TOKEN, UNKNOWN, TwiML, call_params, call_sid, \
    twilio_signature

THIRD_PARTY = "+14155552671"


def transfer_flow():
    """Voice, a message, then the transfer to THIRD_PARTY, as Connect exports it."""
    return {
        "Version": "2019-10-30",
        "StartAction": "6b1f7c2e-0c1d-4b7e-9a55-1d2b3c4d5e6f",
        "Metadata": {"entryPointPosition": {"x": 40, "y": 40}},
        "Actions": [
            {"Identifier": "6b1f7c2e-0c1d-4b7e-9a55-1d2b3c4d5e6f",
             "Type": "UpdateContactTextToSpeechVoice",
             "Parameters": {"TextToSpeechVoice": "Joanna", "TextToSpeechEngine": "Neural"},
             "Transitions": {"NextAction": "say", "Errors": [], "Conditions": []}},
            {"Identifier": "say", "Type": "MessageParticipant",
             "Parameters": {"Text": "Connecting you to our partner."},
             "Transitions": {"NextAction": "xfer", "Errors": [], "Conditions": []}},
            {"Identifier": "xfer", "Type": "TransferParticipantToThirdParty",
             "Parameters": {"ThirdPartyPhoneNumber": THIRD_PARTY,
                            "ThirdPartyConnectionTimeLimitSeconds": "25",
                            "ContinueFlowExecution": "True",
                            "ThirdPartyDTMFDigits": "12,#",
                            "CallerId": {"Number": "+18005550100"}},
             "Transitions": {"NextAction": "bye",
                             "Errors": [{"NextAction": "bye", "ErrorType": "CallFailed"},
                                        {"NextAction": "bye",
                                         "ErrorType": "ConnectionTimeLimitExceeded"},
                                        {"NextAction": "bye", "ErrorType": "NoMatchingError"}],
                             "Conditions": []}},
            {"Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {},
             "Transitions": {}},
        ],
    }


@require_binary
class SimulatorThirdPartyTransferTest(unittest.TestCase):

    def setUp(self):
        self.ws = Workspace()
        self.addCleanup(self.ws.cleanup)

    def test_the_simulator_prints_the_transfer_to_the_number(self):
        flow = self.ws.write("transfer.json", json.dumps(transfer_flow()))
        r = self.ws.run("call", "--json", "--from", UNKNOWN, "--flow", flow,
                        *self.ws.store_args(), input="")
        self.assertEqual(r.returncode, 0, r.stderr)
        events = parse_events(r.stdout)
        self.assertEqual(events[-1]["type"], "transfer_number", events)
        self.assertEqual(events[-1]["number"], THIRD_PARTY)
        self.assertEqual(events[-1]["timeoutSeconds"], 25)
        self.assertEqual(events[-1]["dtmfDigits"], "12,#")
        self.assertNotIn(THIRD_PARTY, r.stderr, "the full number must not be logged")

        text = self.ws.run("call", "--from", UNKNOWN, "--flow", flow, *self.ws.store_args(),
                           input="")
        self.assertEqual(text.returncode, 0, text.stderr)
        self.assertIn(f"*** transferred to phone number {THIRD_PARTY}", text.stdout)


@require_binary
class TwilioThirdPartyTransferTest(ServerTestCase):

    def setUp(self):
        super().setUp()
        saved = os.environ.pop("CALLGATE_TWILIO_AUTH_TOKEN", None)
        if saved is not None:
            self.addCleanup(os.environ.__setitem__, "CALLGATE_TWILIO_AUTH_TOKEN", saved)
        flow = self.ws.write("transfer.json", json.dumps(transfer_flow()))
        config = self.ws.write("callgate.toml", "\n".join([
            "[twilio]", f'auth_token = "{TOKEN}"', f'public_base_url = "{BASE}"',
            'default_agent = "sip:agents@pbx.example.com"',
            "[twilio.numbers]", f'"{DIALLED}" = "{flow}"']) + "\n")
        self.server = self.start_server("--config", config)

    def twiml(self, target, params):
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Twilio-Signature": twilio_signature(BASE + target, params)}
        status, _, data = self.server.request("POST", target, urllib.parse.urlencode(params),
                                              headers)
        self.assertEqual(status, 200, data)
        return TwiML(data)

    def test_twilio_dials_the_number_in_the_flows_voice(self):
        sid = call_sid(700)
        doc = self.twiml("/twilio/voice", call_params(sid, UNKNOWN))
        self.assertEqual(doc.verbs(), ["Say", "Dial"], doc.text)
        say = doc.one("Say")
        self.assertEqual(say.text, "Connecting you to our partner.")
        self.assertEqual(say.get("voice"), "Polly.Joanna-Neural")
        dial = doc.one("Dial")
        self.assertEqual(dial.get("timeout"), "25")
        self.assertEqual(dial.get("callerId"), "+18005550100")
        number = dial.findall("Number")
        self.assertEqual(len(number), 1, doc.text)
        self.assertEqual(number[0].text, THIRD_PARTY)
        self.assertEqual(number[0].get("sendDigits"), "12ww#")
        # The third party is not an agent: no whisper with the verdict, no SIP headers.
        self.assertIsNone(number[0].get("url"), doc.text)
        self.assertEqual(dial.findall("Sip"), [])

        # The number did not answer: the caller hears an apology (the flow does not resume).
        status_url = dial.get("action")
        self.assertTrue(status_url.startswith(BASE + "/twilio/voice/"), status_url)
        target = status_url[len(BASE):]
        done = self.twiml(target, call_params(sid, UNKNOWN, DialCallStatus="no-answer"))
        self.assertEqual(done.verbs()[0], "Say", done.text)
        self.assertNotIn(THIRD_PARTY, read_text(self.server.log_path),
                         "the full number must not be logged")


if __name__ == "__main__":
    unittest.main()
