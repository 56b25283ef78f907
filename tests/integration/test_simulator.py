"""Journey 1 through the console simulator (`callgate call`) running flows/caller-id-otp.json."""

import unittest

from harness import (DEFAULT_FLOW, InteractiveCall, Workspace, other_code, parse_events,
                     require_binary)

KNOWN = "+14155550100"
UNKNOWN = "+14155550123"


@require_binary
class SimulatorTest(unittest.TestCase):

    def setUp(self):
        self.ws = Workspace()
        self.addCleanup(self.ws.cleanup)

    def call(self, phone, *args, input="", json_mode=True):
        """A piped, non-interactive call; returns the CompletedProcess."""
        flags = ["--json"] if json_mode else []
        r = self.ws.run("call", *flags, "--from", phone, "--flow", DEFAULT_FLOW,
                        *self.ws.store_args(), *args, input=input)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def interactive(self, phone, *args):
        c = InteractiveCall(self.ws, phone, *args)
        self.addCleanup(c.kill)
        return c

    def transfer_of(self, events):
        transfers = [e for e in events if e.get("type") == "transfer"]
        self.assertEqual(len(transfers), 1, events)
        self.assertIs(events[-1], transfers[0], "the transfer must end the call")
        self.assertEqual(transfers[0]["queue"], "Agents")
        return transfers[0]["attributes"]

    def test_known_attested_caller_is_transferred_authenticated(self):
        self.ws.add_customer(KNOWN, "Ada", "Lovelace", level="Gold")
        events = parse_events(self.call(KNOWN, "--attest", "A").stdout)
        attributes = self.transfer_of(events)
        self.assertEqual(attributes["authenticated"], "True")
        self.assertEqual(attributes["firstName"], "Ada")
        self.assertEqual(attributes["lastName"], "Lovelace")
        self.assertEqual(attributes["custLevel"], "Gold")
        prompts = [e["text"] for e in events if e.get("type") == "prompt"]
        self.assertTrue(any("Ada" in p for p in prompts), prompts)
        self.assertFalse([e for e in events if e.get("type") == "input"], "no PIN asked")
        self.assertEqual(self.ws.outbox_messages(), [])

    def test_known_caller_without_attestation_steps_up_to_sms(self):
        self.ws.add_customer(KNOWN, "Ada", "Lovelace", level="Gold")
        call = self.interactive(KNOWN)
        call.until("input")
        self.assertEqual(len(self.ws.messages_to(KNOWN)), 1)
        call.send(self.ws.last_code(KNOWN))
        code, rest = call.finish()
        self.assertEqual(code, 0, call.stderr)
        attributes = self.transfer_of(rest)
        self.assertEqual(attributes["authenticated"], "True")
        self.assertEqual(attributes["firstName"], "Ada")

    def test_unknown_caller_enrolls_with_the_sms_code(self):
        call = self.interactive(UNKNOWN)
        before = call.until("input")
        self.assertEqual(before[-1].get("maxDigits"), 10)
        self.assertTrue(any(e.get("type") == "prompt" for e in before), before)
        code = self.ws.last_code(UNKNOWN)

        call.send(other_code(code))
        retry = call.until("input")
        retry_prompts = " ".join(e.get("text", "") for e in retry if e.get("type") == "prompt")
        self.assertIn("not correct", retry_prompts)

        call.send(code)
        exit_code, rest = call.finish()
        self.assertEqual(exit_code, 0, call.stderr)
        attributes = self.transfer_of(rest)
        self.assertEqual(attributes["authenticated"], "True")
        self.assertEqual(attributes["firstName"], "New")
        self.assertEqual(attributes["enrolled"], "True")
        self.assertEqual(len(self.ws.table("customers")), 1)

        # Next time, with attestation A, the number is recognised without a PIN.
        events = parse_events(self.call(UNKNOWN, "--attest", "A").stdout)
        attributes = self.transfer_of(events)
        self.assertEqual(attributes["authenticated"], "True")
        self.assertEqual(attributes["recordFound"], "True")
        self.assertEqual(attributes["firstName"], "New")
        self.assertFalse([e for e in events if e.get("type") == "input"])
        self.assertEqual(len(self.ws.messages_to(UNKNOWN)), 1, "no second SMS")

    def test_no_input_ends_in_an_unauthenticated_transfer(self):
        events = parse_events(self.call(UNKNOWN, input="\n" * 10).stdout)
        self.assertGreaterEqual(len([e for e in events if e.get("type") == "input"]), 1)
        attributes = self.transfer_of(events)
        self.assertEqual(attributes["authenticated"], "False")
        self.assertNotIn("firstName", attributes)
        self.assertEqual(self.ws.table("customers"), [])

    def test_hanging_up_at_the_pin_prompt(self):
        events = parse_events(self.call(UNKNOWN, input="").stdout)
        self.assertEqual(events[-1]["type"], "hangup", events)
        self.assertFalse([e for e in events if e.get("type") == "transfer"])
        self.assertEqual(self.ws.table("customers"), [])

    def test_text_mode_prints_prompts_and_transfer(self):
        out = self.call(UNKNOWN, input="\n" * 10, json_mode=False).stdout
        self.assertIn("We have sent a one-time PIN", out)
        self.assertIn("Agents", out)
        self.assertIn("authenticated", out)
        self.assertNotIn('{"type"', out)

    def test_text_mode_greets_a_known_caller(self):
        self.ws.add_customer(KNOWN, "Ada", "Lovelace")
        out = self.call(KNOWN, "--attest", "A", json_mode=False).stdout
        self.assertIn("Hello Ada", out)
        self.assertIn("Agents", out)


if __name__ == "__main__":
    unittest.main()
