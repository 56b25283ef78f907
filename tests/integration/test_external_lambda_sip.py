"""InvokeLambdaFunction to a Lambda that is not ours, on a real SIP call (baresip calling
`callgate serve --sip`): the local endpoint standing in for the Lambda gets Connect's event for
the caller, and its answer reaches the agent with the transfer (X-Callgate-tier on the REFER);
a Lambda that does not answer within InvocationTimeLimitSeconds takes the Error branch (here an
unauthenticated transfer)."""

import json
import time

from sip_harness import SipTestCase, norm, require_peers, toml_string
from test_external_lambda import LambdaEndpoint

CALLER = "+14155550123"
DIALLED = "+18005550100"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:crm-lookup"
CALL_SETUP = 15
TRANSFER_WAIT = 25


def transfer_flow(timeout):
    def step(identifier, kind, params, next_action):
        return {"Identifier": identifier, "Type": kind, "Parameters": params,
                "Transitions": {"NextAction": next_action, "Errors": [], "Conditions": []}}
    invoke = step("invoke", "InvokeLambdaFunction",
                  {"LambdaFunctionARN": ARN, "InvocationTimeLimitSeconds": timeout,
                   "LambdaInvocationAttributes": {"caller": "$.CustomerEndpoint.Address"}},
                  "save")
    invoke["Transitions"]["Errors"] = [{"ErrorType": "NoMatchingError", "NextAction": "failed"}]
    actions = [
        invoke,
        # Only an authenticated verdict carries other attributes to the agent (core/verdict.h).
        step("save", "UpdateContactAttributes",
             {"Attributes": {"authenticated": "True", "authMethod": "Crm",
                             "tier": "$.External.tier"}}, "queue"),
        step("failed", "UpdateContactAttributes", {"Attributes": {"authenticated": "False"}},
             "queue"),
        step("queue", "UpdateContactTargetQueue", {"QueueId": "Agents"}, "transfer"),
        {"Identifier": "transfer", "Type": "TransferContactToQueue", "Parameters": {},
         "Transitions": {"Errors": [], "Conditions": []}},
    ]
    return json.dumps({"Version": "2019-10-30", "StartAction": "invoke", "Actions": actions})


@require_peers("baresip")
class ExternalLambdaSipTest(SipTestCase):

    def start(self, timeout="3"):
        self.endpoint = LambdaEndpoint()
        self.addCleanup(self.endpoint.close)
        self.agent = self.start_baresip("agent", answer="auto")
        flow = self.ws.write("lambda-flow.json", transfer_flow(timeout))
        self.ws.write_sip_config(default_agent=self.agent.uri, default_flow=flow)
        with open(self.ws.sip_config, "a", encoding="utf-8") as f:
            f.write(f"[lambdas.{toml_string(ARN)}]\nurl = {toml_string(self.endpoint.url)}\n")
        self.callgate = self.start_callgate()

    def tier_on_refer(self, auth, method):
        caller = self.start_baresip("caller", name=CALLER)
        caller.dial(self.callgate.uri(DIALLED))
        caller.wait_event("CALL_ESTABLISHED", CALL_SETUP)
        refer = self.expect_transfer(caller, auth, method, TRANSFER_WAIT, CALL_SETUP)
        caller.hangup()
        # A Lambda that is not callgate's may make the flow say "authenticated"; the signed
        # verdict says only what callgate saw proved: nothing here.
        self.assertEqual((refer.verdict["acr"], refer.verdict["amr"]),
                         ("urn:callgate:acr:none", []), refer.verdict)
        fields = {norm(k): v[0] for k, v in refer.headers.items()}
        return fields.get("xcallgatetier")

    def test_sip_call_reaches_the_lambda_and_the_agent_gets_its_answer(self):
        self.start()
        self.assertEqual(self.tier_on_refer("True", "Crm"), "gold")
        events = self.endpoint.events()
        self.assertEqual(len(events), 1)
        self.assertEqual(events[0]["Name"], "ContactFlowEvent")
        self.assertEqual(events[0]["Details"]["Parameters"], {"caller": CALLER})
        self.assertEqual(events[0]["Details"]["ContactData"]["CustomerEndpoint"]["Address"], CALLER)

    def test_sip_call_takes_the_error_branch_when_the_lambda_is_late(self):
        self.start(timeout="1")
        self.endpoint.delay = 5.0
        started = time.monotonic()
        self.assertIsNone(self.tier_on_refer("False", ""))
        self.assertEqual(len(self.endpoint.requests), 1)
        self.assertLess(time.monotonic() - started, 20)
