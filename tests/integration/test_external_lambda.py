"""InvokeLambdaFunction calling Lambdas that are not ours, end to end on the real binary.

A local HTTP endpoint (127.0.0.1) stands in for the customer's Lambda: flows whose
LambdaFunctionARN is mapped in [lambdas] reach it through the console simulator (`callgate
call`) and Twilio's voice webhooks (`callgate serve`). Each test checks what the endpoint
received (Connect's Lambda event: Name, Details.Parameters, Details.ContactData) and which branch
the flow took: the answer under $.External, or the Error branch on a timeout
(InvocationTimeLimitSeconds), an error status, an answer over 32 KB, one that is not JSON or
breaks ResponseValidation STRING_MAP.

The AWS Lambda Invoke API is checked by a SigV4 contract test against a local recorder standing
in for lambda.<region>.amazonaws.com: the request's path, query, headers and an independently
recomputed Signature Version 4.
"""

import base64
import hashlib
import hmac
import http.server
import json
import os
import subprocess
import threading
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

from harness import (BIN, STOP_TIMEOUT, ServerTestCase, parse_events,
                     require_binary)

CALLER = "+14155550100"
DIALLED = "+18005550100"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:crm-lookup"
AWS_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:crm-remote"
AWS_KEY_ID = "AKIDEXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TWILIO_TOKEN = "0123456789abcdef0123456789abcdef"
TWILIO_BASE = "https://callgate.example.com"
ACCOUNT = "AC" + "0" * 32


class LambdaEndpoint:
    """An HTTP server on 127.0.0.1 standing in for a Lambda: records each request and answers
    with `answer` (status, headers, body) after `delay` seconds."""

    def __init__(self):
        self.requests = []
        self.answer = (200, {}, b'{"firstName":"Ada","tier":"gold"}')
        self.delay = 0.0
        self._lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                path, _, query = self.path.partition("?")
                with outer._lock:
                    outer.requests.append({"path": path, "query": query, "body": body,
                                           "headers": {k.lower(): v for k, v in self.headers.items()}})
                    status, headers, payload = outer.answer
                    delay = outer.delay
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # callgate gave up waiting (the timeout tests)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def events(self):
        with self._lock:
            return [json.loads(r["body"]) for r in self.requests]

    def close(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=STOP_TIMEOUT)


def flow(arn, *, timeout="3", response_type="STRING_MAP", greeting="Hello $.External.firstName, "
         "tier $.External.tier.", before=None):
    """A Connect flow: [before ->] invoke `arn` -> greet -> hang up; Error branch -> apology."""
    actions = []
    start = "invoke"
    if before:
        actions.append({"Identifier": "before", "Type": "UpdateContactAttributes",
                        "Parameters": {"Attributes": before},
                        "Transitions": {"NextAction": "invoke", "Errors": [], "Conditions": []}})
        start = "before"
    actions += [
        {"Identifier": "invoke", "Type": "InvokeLambdaFunction",
         "Parameters": {"LambdaFunctionARN": arn, "InvocationTimeLimitSeconds": timeout,
                        "LambdaInvocationAttributes": {"accountId": "42",
                                                       "caller": "$.CustomerEndpoint.Address"},
                        "ResponseValidation": {"ResponseType": response_type}},
         "Transitions": {"NextAction": "greet", "Conditions": [],
                         "Errors": [{"ErrorType": "NoMatchingError", "NextAction": "failed"}]}},
        {"Identifier": "greet", "Type": "MessageParticipant", "Parameters": {"Text": greeting},
         "Transitions": {"NextAction": "bye", "Errors": [], "Conditions": []}},
        {"Identifier": "failed", "Type": "MessageParticipant",
         "Parameters": {"Text": "The lookup failed."},
         "Transitions": {"NextAction": "bye", "Errors": [], "Conditions": []}},
        {"Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}},
    ]
    return json.dumps({"Version": "2019-10-30", "StartAction": start, "Actions": actions})


def sigv4_signature(method, path, query, headers, signed, body, secret, amz_date, region, service):
    """AWS Signature Version 4 as AWS documents it for services other than S3 (each path segment
    URI-encoded once more, the query sorted), written independently of callgate's."""
    canonical_path = "/".join(urllib.parse.quote(seg, safe="-_.~") for seg in path.split("/"))
    pairs = sorted((urllib.parse.quote(k, safe="-_.~"), urllib.parse.quote(v, safe="-_.~"))
                   for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True))
    canonical_query = "&".join(f"{k}={v}" for k, v in pairs)
    canonical_headers = "".join(f"{h}:{' '.join(headers[h].split())}\n" for h in signed)
    canonical = "\n".join([method, canonical_path, canonical_query, canonical_headers,
                           ";".join(signed), hashlib.sha256(body).hexdigest()])
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (amz_date[:8], region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


class LambdaTestCase(ServerTestCase):

    def setUp(self):
        super().setUp()
        self.endpoint = LambdaEndpoint()
        self.addCleanup(self.endpoint.close)

    def config(self, extra=""):
        return self.ws.write("callgate.toml", f'[lambdas."{ARN}"]\nurl = "{self.endpoint.url}/crm"\n'
                             f'headers = {{ Authorization = "Bearer crm-token" }}\n{extra}')

    def simulate(self, flow_text, config=None, timeout=30):
        """`callgate call --json` through `flow_text`; returns (prompts, events, seconds)."""
        path = self.ws.write("lambda-flow.json", flow_text)
        env = dict(os.environ)
        env.pop("CALLGATE_OTP_SECRET", None)
        started = time.monotonic()
        r = subprocess.run([BIN, "call", "--json", "--from", CALLER, "--to", DIALLED, "--flow", path,
                            "--config", config or self.config(), *self.ws.store_args()],
                           cwd=self.ws.dir, input="", capture_output=True, text=True,
                           timeout=timeout, env=env)
        elapsed = time.monotonic() - started
        self.assertEqual(r.returncode, 0, r.stderr)
        events = parse_events(r.stdout)
        return [e["text"] for e in events if e.get("type") == "prompt"], events, elapsed


@require_binary
class ExternalLambdaSimulatorTest(LambdaTestCase):

    def test_sends_connects_event_and_reads_the_answer(self):
        prompts, _, _ = self.simulate(flow(ARN))
        self.assertIn("Hello Ada, tier gold.", prompts)
        self.assertEqual(len(self.endpoint.requests), 1)
        request = self.endpoint.requests[0]
        self.assertEqual(request["path"], "/crm")
        self.assertEqual(request["headers"]["content-type"], "application/json")
        self.assertEqual(request["headers"]["authorization"], "Bearer crm-token")
        event = json.loads(request["body"])
        self.assertEqual(event["Name"], "ContactFlowEvent")
        self.assertEqual(event["Details"]["Parameters"], {"accountId": "42", "caller": CALLER})
        contact = event["Details"]["ContactData"]
        self.assertEqual(contact["CustomerEndpoint"], {"Address": CALLER, "Type": "TELEPHONE_NUMBER"})
        self.assertEqual(contact["Channel"], "VOICE")
        self.assertEqual(contact["InitiationMethod"], "INBOUND")
        self.assertTrue(contact["ContactId"])
        self.assertEqual(contact["InitialContactId"], contact["ContactId"])
        self.assertEqual(contact["Attributes"], {})

    def test_json_validation_reads_nested_answers(self):
        self.endpoint.answer = (200, {}, b'{"customer":{"name":"Grace","tags":["vip"]}}')
        prompts, _, _ = self.simulate(flow(ARN, response_type="JSON",
                                           greeting="Hello $.External.customer.name, "
                                                    "$.External.customer.tags.0."))
        self.assertIn("Hello Grace, vip.", prompts)

    def test_nested_answer_under_string_map_takes_the_error_branch(self):
        self.endpoint.answer = (200, {}, b'{"customer":{"name":"Grace"}}')
        prompts, _, _ = self.simulate(flow(ARN))
        self.assertIn("The lookup failed.", prompts)

    def test_no_answer_within_the_time_limit_takes_the_error_branch(self):
        self.endpoint.delay = 4.0
        prompts, _, elapsed = self.simulate(flow(ARN, timeout="1"))
        self.assertIn("The lookup failed.", prompts)
        self.assertEqual(len(self.endpoint.requests), 1)
        self.assertLess(elapsed, 3.5, "the call waited past InvocationTimeLimitSeconds")

    def test_bad_answers_take_the_error_branch(self):
        too_big = json.dumps({"blob": "x" * (33 * 1024)}).encode()
        for answer in [(500, {}, b'{"firstName":"Ada"}'), (200, {}, b"not json"),
                       (200, {}, b"[1, 2]"), (200, {}, too_big)]:
            with self.subTest(status=answer[0], body=answer[2][:20]):
                self.endpoint.answer = answer
                prompts, _, _ = self.simulate(flow(ARN))
                self.assertIn("The lookup failed.", prompts)
                self.assertNotIn("Hello Ada, tier gold.", prompts)

    def test_unreachable_endpoint_takes_the_error_branch(self):
        self.endpoint.close()
        prompts, _, _ = self.simulate(flow(ARN))
        self.assertIn("The lookup failed.", prompts)

    def test_unmapped_arn_is_refused_when_the_flow_loads(self):
        path = self.ws.write("lambda-flow.json",
                             flow("arn:aws:lambda:us-east-1:123456789012:function:unknown"))
        r = self.ws.run("flow", "check", path, "--config", self.config())
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("unknown", r.stderr)
        r = self.ws.run("flow", "check", self.ws.write("ok.json", flow(ARN)), "--config",
                        self.config())
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_dynamic_arn_resolves_at_run_time(self):
        text = flow("$.Attributes.crmArn", before={"crmArn": ARN})
        check = self.ws.run("flow", "check", self.ws.write("dynamic.json", text), "--config",
                            self.config())
        self.assertEqual(check.returncode, 0, check.stderr)
        prompts, _, _ = self.simulate(text)
        self.assertIn("Hello Ada, tier gold.", prompts)
        self.assertEqual(self.endpoint.events()[0]["Details"]["ContactData"]["Attributes"],
                         {"crmArn": ARN})
        # A dynamic ARN that nothing is configured for reaches nothing: the Error branch.
        prompts, _, _ = self.simulate(flow("$.Attributes.crmArn", before={"crmArn": ARN + "-x"}))
        self.assertIn("The lookup failed.", prompts)
        self.assertEqual(len(self.endpoint.requests), 1)


@require_binary
class AwsLambdaInvokeSigV4ContractTest(LambdaTestCase):
    """The Invoke request callgate sends to AWS Lambda, checked against a local recorder."""

    def aws_config(self, extra=""):
        return self.ws.write("callgate.toml", f'[lambdas."{AWS_ARN}:live"]\n'
                             f'endpoint = "{self.endpoint.url}"\n'
                             f'access_key_id = "{AWS_KEY_ID}"\nsecret_access_key = "{AWS_SECRET}"\n'
                             f'instance_arn = "arn:aws:connect:eu-west-1:123456789012:instance/i-1"\n'
                             f'{extra}')

    def test_invoke_request_is_signed_with_sigv4(self):
        prompts, _, _ = self.simulate(flow(AWS_ARN + ":live"), self.aws_config())
        self.assertIn("Hello Ada, tier gold.", prompts)
        self.assertEqual(len(self.endpoint.requests), 1)
        r = self.endpoint.requests[0]
        self.assertEqual(r["path"], "/2015-03-31/functions/" +
                         urllib.parse.quote(AWS_ARN, safe="") + "/invocations")
        self.assertEqual(r["query"], "Qualifier=live")
        h = r["headers"]
        self.assertEqual(h["content-type"], "application/json")
        self.assertEqual(h["x-amz-invocation-type"], "RequestResponse")
        self.assertRegex(h["x-amz-date"], r"^\d{8}T\d{6}Z$")
        auth = h["authorization"]
        prefix = (f"AWS4-HMAC-SHA256 Credential={AWS_KEY_ID}/{h['x-amz-date'][:8]}/eu-west-1/"
                  "lambda/aws4_request, SignedHeaders=")
        self.assertTrue(auth.startswith(prefix), auth)
        signed_part, _, signature = auth[len(prefix):].partition(", Signature=")
        signed = signed_part.split(";")
        self.assertEqual(signed, ["content-type", "host", "x-amz-date", "x-amz-invocation-type"])
        expected = sigv4_signature("POST", r["path"], r["query"], h, signed, r["body"], AWS_SECRET,
                                   h["x-amz-date"], "eu-west-1", "lambda")
        self.assertEqual(signature, expected)
        event = json.loads(r["body"])
        self.assertEqual(event["Name"], "ContactFlowEvent")
        self.assertEqual(event["Details"]["ContactData"]["InstanceARN"],
                         "arn:aws:connect:eu-west-1:123456789012:instance/i-1")

    def test_session_token_is_sent_and_signed(self):
        self.simulate(flow(AWS_ARN + ":live"), self.aws_config('session_token = "tok-123"\n'))
        h = self.endpoint.requests[0]["headers"]
        self.assertEqual(h["x-amz-security-token"], "tok-123")
        self.assertIn("x-amz-invocation-type;x-amz-security-token, Signature=", h["authorization"])

    def test_function_error_takes_the_error_branch(self):
        self.endpoint.answer = (200, {"X-Amz-Function-Error": "Unhandled"},
                                b'{"errorMessage":"boom","errorType":"Error"}')
        prompts, _, _ = self.simulate(flow(AWS_ARN + ":live"), self.aws_config())
        self.assertIn("The lookup failed.", prompts)

    def test_refused_invocation_takes_the_error_branch(self):
        self.endpoint.answer = (403, {"x-amzn-ErrorType": "AccessDeniedException"},
                                b'{"Message":"denied"}')
        prompts, _, _ = self.simulate(flow(AWS_ARN + ":live"), self.aws_config())
        self.assertIn("The lookup failed.", prompts)


def twilio_signature(url, params, token=TWILIO_TOKEN):
    data = url + "".join(name + value for name, value in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


@require_binary
class ExternalLambdaTwilioTest(LambdaTestCase):

    def start(self, flow_text):
        path = self.ws.write("lambda-flow.json", flow_text)
        config = self.config(f'[flows]\ndefault = "{path}"\n[twilio]\nauth_token = "{TWILIO_TOKEN}"\n'
                             f'public_base_url = "{TWILIO_BASE}/"\n'
                             '[twilio.queues]\nAgents = "sip:agents@pbx.example.com"\n')
        self.server = self.start_server("--config", config)

    def incoming_call(self, sid):
        params = [("AccountSid", ACCOUNT), ("CallSid", sid), ("CallStatus", "ringing"),
                  ("Called", DIALLED), ("Caller", CALLER), ("Direction", "inbound"),
                  ("From", CALLER), ("To", DIALLED)]
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Twilio-Signature": twilio_signature(TWILIO_BASE + "/twilio/voice", params)}
        status, _, data = self.server.request("POST", "/twilio/voice",
                                              urllib.parse.urlencode(params), headers)
        self.assertEqual(status, 200, data)
        root = ET.fromstring(data)
        return [e.text or "" for e in root.iter("Say")], [c.tag for c in root]

    def test_twilio_call_reaches_the_lambda(self):
        self.start(flow(ARN))
        said, verbs = self.incoming_call("CA" + "1" * 32)
        self.assertIn("Hello Ada, tier gold.", said)
        self.assertEqual(verbs[-1], "Hangup")
        event = self.endpoint.events()[0]
        self.assertEqual(event["Details"]["Parameters"], {"accountId": "42", "caller": CALLER})
        self.assertEqual(event["Details"]["ContactData"]["CustomerEndpoint"]["Address"], CALLER)

    def test_twilio_call_takes_the_error_branch_on_timeout(self):
        self.endpoint.delay = 4.0
        self.start(flow(ARN, timeout="1"))
        started = time.monotonic()
        said, _ = self.incoming_call("CA" + "2" * 32)
        self.assertIn("The lookup failed.", said)
        self.assertLess(time.monotonic() - started, 3.5)


if __name__ == "__main__":
    unittest.main()
