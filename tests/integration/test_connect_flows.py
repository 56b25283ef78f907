"""Connect-exported flows (tests/flows/connect: a flow in DescribeContactFlow's wrapper, a flow
module in DescribeContactFlowModule's, a flow in CreateContactFlow's {Name, Type, Content}) loaded
as a [flows] dir and run through the console simulator, over Twilio webhooks and over SIP: the
module verifies the caller, the menu transfers to the billing flow by ARN, `flow check DIR`
checks them all together. The module takes the caller's number as its Input and returns a named
result (its custom branch) with the caller's first name as ResultData."""

import json
import os
import shutil
import unittest
import urllib.parse

from harness import ServerTestCase, SOURCE_DIR, Workspace, parse_events, require_binary
from sip_harness import SipTestCase, norm, require_peers, toml_string
from test_twilio_voice import BASE, KNOWN, TOKEN, TwiML, call_params, call_sid, twilio_signature

CONNECT_FLOWS = os.path.join(SOURCE_DIR, "tests", "flows", "connect")
UNKNOWN = "+14155550123"


@require_binary
class ConnectFlowsTest(unittest.TestCase):

    def setUp(self):
        self.ws = Workspace()
        self.addCleanup(self.ws.cleanup)

    def config(self, flows_dir=CONNECT_FLOWS, default="Main menu"):
        return self.ws.write("callgate.toml",
                             f'[flows]\ndir = "{flows_dir}"\ndefault = "{default}"\n')

    def call(self, phone, keys="", attest="A"):
        r = self.ws.run("call", "--json", "--config", self.config(), "--from", phone,
                        "--attest", attest, *self.ws.store_args(), input=keys)
        self.assertEqual(r.returncode, 0, r.stderr)
        return parse_events(r.stdout)

    def prompts(self, events):
        return [e["text"] for e in events if e.get("type") == "prompt"]

    def test_flow_check_accepts_the_whole_directory(self):
        r = self.ws.run("flow", "check", CONNECT_FLOWS)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.count("OK: "), 3, r.stdout)
        self.assertIn("module", r.stdout)

    def test_attested_known_caller_is_verified_by_the_module_and_transferred_to_billing(self):
        self.ws.add_customer(KNOWN, "Ada", "Lovelace")
        events = self.call(KNOWN, "1\n")
        prompts = self.prompts(events)
        self.assertEqual(prompts[0], "Welcome to Example Bank.")
        menu = [e for e in events if e.get("type") == "input"]
        self.assertEqual(len(menu), 1, events)
        self.assertIn("Hello Ada.", menu[0].get("text", "") + " ".join(prompts))
        self.assertTrue(any(p.startswith("Billing. Your call reference is ") for p in prompts),
                        prompts)
        self.assertEqual(events[-1].get("type"), "hangup", events)

    def test_unknown_caller_goes_to_the_agents_queue_unverified(self):
        events = self.call(UNKNOWN)
        transfer = events[-1]
        self.assertEqual(transfer.get("type"), "transfer", events)
        self.assertEqual(transfer["queue"], "Agents")
        self.assertEqual(transfer["attributes"]["verified"], "false")
        self.assertEqual(transfer["attributes"]["entryPoint"], "main-menu")

    def test_flow_check_names_a_transfer_to_a_flow_that_is_not_there(self):
        partial = self.ws.path("flows")
        os.makedirs(partial)
        for name in ("main-menu.json", "verify-caller-module.json"):
            shutil.copy(os.path.join(CONNECT_FLOWS, name), partial)
        r = self.ws.run("flow", "check", partial)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("TransferToFlow", r.stderr)
        self.assertIn("0b7e5a1c-2d3f-4e8a-9b6c-7d1e2f3a4b5c", r.stderr)

    def test_flow_check_reports_every_error_of_a_file(self):
        with open(os.path.join(CONNECT_FLOWS, "billing.json"), encoding="utf-8") as f:
            wrapper = json.load(f)
        flow = json.loads(wrapper["Content"])
        flow["Actions"][0]["Parameters"]["Voice"] = "Joanna"
        flow["Actions"][2]["Type"] = "BrewCoffee"
        wrapper["Content"] = json.dumps(flow)
        path = self.ws.write("billing.json", json.dumps(wrapper))
        r = self.ws.run("flow", "check", path)
        self.assertEqual(r.returncode, 1, r.stdout)
        rejected = [line for line in r.stderr.splitlines() if "flow rejected" in line]
        self.assertEqual(len(rejected), 2, r.stderr)
        self.assertIn("unknown parameter 'Voice'", rejected[0])
        self.assertIn("BrewCoffee", rejected[1])


@require_binary
class ConnectFlowsTwilioTest(ServerTestCase):
    """The same flows over Twilio webhooks: the call is parked in the menu between requests and
    restored against the flows directory, then transferred to the billing flow."""

    def setUp(self):
        super().setUp()
        saved = os.environ.pop("CALLGATE_TWILIO_AUTH_TOKEN", None)
        if saved is not None:
            self.addCleanup(os.environ.__setitem__, "CALLGATE_TWILIO_AUTH_TOKEN", saved)

    def post(self, target, params):
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Twilio-Signature": twilio_signature(BASE + target, params)}
        status, _, data = self.server.request("POST", target, urllib.parse.urlencode(params),
                                              headers)
        self.assertEqual(status, 200, data)
        return TwiML(data)

    def test_menu_then_transfer_to_billing(self):
        self.ws.add_customer(KNOWN, "Ada", "Lovelace")
        config = self.ws.write("callgate.toml", "\n".join([
            "[flows]", f'dir = "{CONNECT_FLOWS}"', 'default = "Main menu"',
            "[twilio]", f'auth_token = "{TOKEN}"', f'public_base_url = "{BASE}/"',
            "[twilio.queues]", 'Agents = "sip:agents@pbx.example.com"']) + "\n")
        self.server = self.start_server("--config", config)
        sid = call_sid(7)
        doc = self.post("/twilio/voice", call_params(sid, KNOWN, CallStatus="ringing",
                                                     StirVerstat="TN-Validation-Passed-A"))
        self.assertIn("Welcome to Example Bank.", doc.said())
        self.assertTrue(any("Hello Ada." in s for s in doc.said()), doc.text)
        action = doc.one("Gather").get("action")
        target = urllib.parse.urlsplit(action)
        doc = self.post(target.path + "?" + target.query, call_params(sid, KNOWN, Digits="1"))
        self.assertTrue(any(s.startswith("Billing.") for s in doc.said()), doc.text)
        self.assertEqual(doc.verbs()[-1], "Hangup", doc.text)


@require_peers("baresip")
class ConnectFlowsSipTest(SipTestCase):
    """The same flows on a real SIP call (baresip calling `callgate serve --sip`): the start flow
    is named from the flows directory, the module runs lookup-caller for the caller's number, and
    the queue the flow names by ARN is the [sip.queues] entry the REFER goes to."""

    def test_unknown_caller_runs_the_module_and_is_referred_to_the_agents_queue(self):
        agent = self.start_baresip("agent", answer="auto")
        self.agent = agent
        self.ws.write_sip_config(default_agent="sip:nobody@127.0.0.1:9", default_flow="Main menu",
                                 queues={"Agents": agent.uri})
        with open(self.ws.sip_config, "a", encoding="utf-8") as f:
            f.write(f"[flows]\ndir = {toml_string(CONNECT_FLOWS)}\n")
        callgate = self.start_callgate()
        caller = self.start_baresip("caller", name=UNKNOWN)
        caller.dial(callgate.uri("+18005550100"))
        caller.wait_event("CALL_ESTABLISHED", 15)
        refer = self.expect_transfer(caller, "False", "", 30, 15)
        caller.hangup()
        fields = {norm(k): v[0] for k, v in refer.headers.items()}
        # An unverified caller's attributes (entryPoint, verified) stay off the REFER.
        self.assertNotIn("xcallgateentrypoint", fields, refer.headers)
        # The module ran with the caller's number and returned its "unverified" branch.
        callgate.wait_log_event("flow_step", 5, type="EndFlowModuleExecution",
                                outcome="return:unverified")


if __name__ == "__main__":
    unittest.main()
