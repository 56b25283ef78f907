"""Values from the wire reach callgate's log escaped and length-capped: a SIP Call-ID with escape
codes, a forged ` event=x` field and 8 KB, and a 5 KB Twilio URL path on a bad signature, cannot
add a field, break a line or paint a terminal.
"""

import time
import unittest
import urllib.parse

import harness
from harness import DEFAULT_FLOW, ServerTestCase
from sip_harness import RawSip, SipTestCase, parse_log_line, require_peers

HOSTILE = "\x1b[31mred\x1b[0m\r\nlevel=error event=x \"quoted\" " + "A" * 8192


def assert_clean_line(test, text, event):
    """The log line of `event`: one line, no control character, no forged field, capped."""
    lines = [line for line in text.splitlines() if f"event={event}" in line]
    test.assertEqual(len(lines), 1, text[-3000:])
    line = lines[0]
    test.assertFalse([c for c in line if ord(c) < 0x20 or ord(c) == 0x7f], line[:300])
    test.assertNotIn(" event=x", line)
    test.assertNotIn("level=error", line)
    test.assertLess(len(line), 1024, line[:300])
    parsed = parse_log_line(line)
    test.assertIsNotNone(parsed, line[:300])
    test.assertEqual(parsed["event"], event)
    # Nothing after the hostile value ends the line early: every other line parses as ours.
    for other in text.splitlines():
        test.assertTrue(other == "" or parse_log_line(other) is not None or
                        not other.startswith("20"), other[:200])
    return parsed


@require_peers()
class SipLogInjectionTest(SipTestCase):

    def test_a_hostile_call_id_is_escaped_and_capped_in_the_ack_timeout_line(self):
        self.ws.write_sip_config(default_agent="sip:agent@127.0.0.1:9", t1_ms=50, t2_ms=200)
        callgate = self.start_callgate()
        c = RawSip(callgate.sip_port)
        self.addCleanup(c.close)
        c.invite("+18005550100", HOSTILE.replace("\r\n", " "), "z9hG4bK-hostile", "h1")
        c.collect(64 * 0.05 + 2, until=lambda m: m.method == "BYE")
        self.assertTrue([m for _, m in c.inbox if m.method == "BYE"], c.inbox)
        time.sleep(1.5)   # serve flushes its log every second
        parsed = assert_clean_line(self, harness.read_text(callgate.log_path), "sip_ack_timeout")
        self.assertTrue(parsed["call_id"].startswith("\\x1b[31mred"), parsed)


TOKEN = "0123456789abcdef0123456789abcdef"


@harness.require_binary
class TwilioLogInjectionTest(ServerTestCase):

    def test_a_5kb_path_on_a_bad_signature_is_escaped_and_capped(self):
        config = self.ws.write("callgate.toml", "\n".join([
            "[flows]", f'default = "{DEFAULT_FLOW}"', "[twilio]", f'auth_token = "{TOKEN}"',
            'public_base_url = "https://callgate.example.com/"', "[twilio.queues]",
            'Agents = "sip:agents@pbx.example.com"']) + "\n")
        server = self.start_server("--config", config)
        session = urllib.parse.quote("\x1b[2J event=x " + "B" * 5000, safe="")
        status, _, _ = server.request(
            "POST", f"/twilio/voice/{session}/gather", "CallSid=CA1&Digits=1",
            {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "AAAA"})
        self.assertEqual(status, 403)
        time.sleep(0.3)
        assert_clean_line(self, harness.read_text(server.log_path), "twilio_signature_invalid")


if __name__ == "__main__":
    unittest.main()
