"""Contract tests for the Twilio and AWS SNS SMS senders.

Their real hosts are out of reach here, so the real `callgate serve` is pointed (base_url /
endpoint) at a local recording HTTP server, and each test checks the exact request callgate sends
against the documented format (WIRE.md §4, §5) field by field: method, path, headers (HTTP Basic;
SigV4 Authorization, recomputed here independently), form body. Also: 5xx is retried, 4xx is
not, a failed send gives the flow a clear outcome, Twilio's signed status callback is recorded and
a badly signed one gets 403, and no secret or full number reaches the log.
"""

import base64
import datetime
import hashlib
import hmac
import re
import sqlite3
import unittest
import urllib.parse

from harness import RecordingServer, ServerTestCase, require_binary

UNKNOWN = "+14155550123"
MASKED = "+1415*****23"
PIN_BODY = re.compile(r"^Welcome to callgate, your one-time PIN is (\d{6})$")

TWILIO_SID = "AC0123456789abcdef0123456789abcdef"
TWILIO_TOKEN = "twilio-secret-token-0123456789"
TWILIO_FROM = "+15005550006"
CALLBACK_URL = "https://callgate.example.com/sms/v1/twilio/status"
MESSAGE_SID = "SM0123456789abcdef0123456789abcdef"

AWS_KEY_ID = "AKIDEXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SNS_MESSAGE_ID = "567910cd-659e-55d4-8ccb-5aaf14679dc0"
SNS_OK = ("<PublishResponse xmlns=\"https://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult>"
          f"<MessageId>{SNS_MESSAGE_ID}</MessageId></PublishResult><ResponseMetadata>"
          "<RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId></ResponseMetadata>"
          "</PublishResponse>")


def twilio_signature(url, params, token):
    """Twilio's algorithm (WIRE.md §3), written independently of callgate's."""
    data = url + "".join(k + v for k, v in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def sigv4_signature(method, path, headers, signed, body, secret, amz_date, region, service):
    """AWS Signature Version 4 (WIRE.md §5), written independently of callgate's."""
    canonical_headers = "".join(f"{h}:{' '.join(headers[h].split())}\n" for h in signed)
    canonical = "\n".join([method, path, "", canonical_headers, ";".join(signed),
                           hashlib.sha256(body).hexdigest()])
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (amz_date[:8], region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def form(body):
    """A form body as a dict, failing on repeated fields."""
    pairs = urllib.parse.parse_qsl(body.decode("ascii"), keep_blank_values=True, strict_parsing=True)
    fields = dict(pairs)
    assert len(fields) == len(pairs), f"repeated field in {pairs}"
    return fields


class ProviderTestCase(ServerTestCase):
    """A recording provider endpoint and a callgate configured to send through it."""

    provider = None

    def setUp(self):
        super().setUp()
        self.api = RecordingServer()
        self.addCleanup(self.api.close)
        self.ws.sms_flag = None  # the provider comes from the config file

    def start(self, config, env):
        path = self.ws.write("callgate.toml", config)
        self.server = self.start_server("--config", path, env=env)
        return self.server

    def sms_rows(self):
        con = sqlite3.connect(f"file:{self.ws.db}?mode=ro", uri=True, timeout=5)
        try:
            con.row_factory = sqlite3.Row
            return [dict(r) for r in con.execute("SELECT * FROM sms_messages ORDER BY created_at_ms")]
        finally:
            con.close()

    def send_otp(self, number=UNKNOWN):
        return self.server.call("send-otp", number)

    def assert_log_is_clean(self, *secrets):
        """Stops the server (which flushes its asynchronous log), then reads the whole log."""
        self.assertEqual(self.server.stop(), 0)
        with open(self.server.log_path, encoding="utf-8", errors="replace") as f:
            log = f.read()
        self.assertIn(MASKED, log)  # the masked number is there, so the check below means something
        for secret in (UNKNOWN, *secrets):
            self.assertNotIn(secret, log)
        for code in re.findall(r"PIN is (\d+)", log):
            self.fail(f"a PIN reached the log: {code}")


@require_binary
class TwilioContractTest(ProviderTestCase):

    def start_twilio(self, extra=""):
        return self.start(f"""
[sms]
provider = "twilio"
max_attempts = 3
total_timeout_ms = 8000
{extra}
[sms.twilio]
account_sid = "{TWILIO_SID}"
from = "{TWILIO_FROM}"
base_url = "{self.api.url}"
status_callback_url = "{CALLBACK_URL}"
""", env={"CALLGATE_TWILIO_AUTH_TOKEN": TWILIO_TOKEN})

    def created(self, sid=MESSAGE_SID):
        self.api.respond(201, f'{{"sid": "{sid}", "status": "queued", "to": "{UNKNOWN}", '
                              f'"from": "{TWILIO_FROM}", "num_segments": "1"}}',
                         {"Content-Type": "application/json"})

    def test_request_matches_the_messages_api_field_by_field(self):
        self.created()
        self.start_twilio()
        answer = self.send_otp()
        self.assertEqual(answer["lambdaResult"], "Success")
        self.assertEqual(answer["otpResult"], "Sent")

        [req] = self.api.requests_snapshot()
        self.assertEqual(req["method"], "POST")
        self.assertEqual(req["path"], f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json")
        self.assertEqual(req["query"], "")
        basic = base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
        self.assertEqual(req["headers"]["authorization"], "Basic " + basic)
        self.assertEqual(req["headers"]["content-type"], "application/x-www-form-urlencoded")
        self.assertEqual(req["headers"]["accept"], "application/json")
        self.assertEqual(req["headers"]["host"], f"127.0.0.1:{self.api.port}")
        self.assertEqual(int(req["headers"]["content-length"]), len(req["body"]))
        fields = form(req["body"])
        self.assertEqual(set(fields), {"To", "From", "Body", "StatusCallback"})
        self.assertEqual(fields["To"], UNKNOWN)
        self.assertEqual(fields["From"], TWILIO_FROM)
        self.assertRegex(fields["Body"], PIN_BODY)
        self.assertRegex(fields["StatusCallback"], "^" + re.escape(CALLBACK_URL) + r"\?id=[0-9a-f]{32}$")

        # The texted code is the live one.
        code = PIN_BODY.match(fields["Body"]).group(1)
        self.assertEqual(self.server.call("verify-otp", UNKNOWN, code=code)["otpResult"], "Verified")

        [row] = self.sms_rows()
        self.assertEqual(row["provider"], "twilio")
        self.assertEqual(row["provider_message_id"], MESSAGE_SID)
        self.assertEqual(row["to_masked"], MASKED)
        self.assertEqual(row["status"], "queued")
        self.assertEqual(row["id"], fields["StatusCallback"].rsplit("=", 1)[1])
        self.assertFalse(self.ws.outbox_messages())
        self.assert_log_is_clean(TWILIO_TOKEN, basic)

    def test_server_error_then_success_is_retried(self):
        self.api.respond(500, '{"code": 20500, "message": "Internal Server Error", "status": 500}')
        self.api.respond(503, "")
        self.created()
        self.start_twilio()
        self.assertEqual(self.send_otp()["otpResult"], "Sent")
        reqs = self.api.requests_snapshot()
        self.assertEqual(len(reqs), 3)
        self.assertEqual(reqs[0]["body"], reqs[2]["body"])  # the very same message
        self.assertEqual(self.sms_rows()[0]["status"], "queued")

    def test_too_many_requests_waits_for_retry_after(self):
        self.api.respond(429, '{"code": 20429, "message": "Too Many Requests", "status": 429}',
                         {"Retry-After": "1"})
        self.created()
        self.start_twilio()
        self.assertEqual(self.send_otp()["otpResult"], "Sent")
        first, second = self.api.requests_snapshot()
        self.assertGreaterEqual(second["at"] - first["at"], 0.9)

    def test_client_error_is_not_retried_and_the_flow_hears_send_failed(self):
        self.api.respond(400, f'{{"code": 21211, "message": "The \'To\' number {UNKNOWN} is not a '
                              'valid phone number.", "more_info": "https://www.twilio.com/docs/errors/21211", '
                              '"status": 400}')
        self.start_twilio()
        answer = self.send_otp()
        self.assertEqual(answer["lambdaResult"], "Error")
        self.assertEqual(answer["otpResult"], "SendFailed")
        self.assertEqual(len(self.api.requests_snapshot()), 1)
        [row] = self.sms_rows()
        self.assertEqual((row["status"], row["error_code"]), ("failed", "21211"))
        self.assert_log_is_clean(TWILIO_TOKEN)

    def test_persistent_server_errors_give_up_after_the_attempt_limit(self):
        self.api.default = (503, {}, b"")
        self.start_twilio()
        self.assertEqual(self.send_otp()["otpResult"], "SendFailed")
        self.assertEqual(len(self.api.requests_snapshot()), 3)
        self.assertEqual(self.sms_rows()[0]["error_code"], "http_503")

    def test_signed_status_callback_is_recorded_and_a_bad_signature_is_refused(self):
        self.created()
        server = self.start_twilio()
        self.send_otp()
        callback = form(self.api.requests_snapshot()[0]["body"])["StatusCallback"]
        query = urllib.parse.urlsplit(callback).query
        path = "/sms/v1/twilio/status?" + query
        params = [("AccountSid", TWILIO_SID), ("ApiVersion", "2010-04-01"), ("From", TWILIO_FROM),
                  ("MessageSid", MESSAGE_SID), ("MessageStatus", "delivered"), ("SmsSid", MESSAGE_SID),
                  ("SmsStatus", "delivered"), ("To", UNKNOWN)]
        body = urllib.parse.urlencode(params)
        form_type = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}

        bad = twilio_signature(callback, params, "not-the-token")
        status, _, _ = server.request("POST", path, body, {**form_type, "X-Twilio-Signature": bad})
        self.assertEqual(status, 403)
        status, _, _ = server.request("POST", path, body, form_type)
        self.assertEqual(status, 403)
        self.assertEqual(self.sms_rows()[0]["status"], "queued")

        good = twilio_signature(callback, params, TWILIO_TOKEN)
        tampered = body.replace("delivered", "failed")
        status, _, _ = server.request("POST", path, tampered, {**form_type, "X-Twilio-Signature": good})
        self.assertEqual(status, 403)

        status, _, data = server.request("POST", path, body, {**form_type, "X-Twilio-Signature": good})
        self.assertEqual(status, 200, data)
        self.assertEqual(self.sms_rows()[0]["status"], "delivered")

        # An older status arriving late does not move the message backwards.
        sent = [(k, "sent" if v == "delivered" else v) for k, v in params]
        status, _, data = server.request("POST", path, urllib.parse.urlencode(sent),
                                         {**form_type, "X-Twilio-Signature": twilio_signature(callback, sent, TWILIO_TOKEN)})
        self.assertEqual((status, data), (200, b'{"status":"stale"}'))
        self.assertEqual(self.sms_rows()[0]["status"], "delivered")
        self.assert_log_is_clean(TWILIO_TOKEN)


@require_binary
class SnsContractTest(ProviderTestCase):

    def start_sns(self, session_token=None):
        env = {"AWS_ACCESS_KEY_ID": AWS_KEY_ID, "AWS_SECRET_ACCESS_KEY": AWS_SECRET}
        if session_token:
            env["AWS_SESSION_TOKEN"] = session_token
        return self.start(f"""
[sms]
provider = "sns"
[sms.sns]
region = "us-east-1"
endpoint = "{self.api.url}/"
sender_id = "CallGate"
sms_type = "Transactional"
""", env=env)

    def check_signature(self, req, expect_signed):
        auth = req["headers"]["authorization"]
        m = re.fullmatch(r"AWS4-HMAC-SHA256 Credential=(\w+)/(\d{8})/us-east-1/sns/aws4_request, "
                         r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})", auth)
        self.assertIsNotNone(m, auth)
        key_id, date, signed, signature = m.groups()
        amz_date = req["headers"]["x-amz-date"]
        self.assertRegex(amz_date, r"^\d{8}T\d{6}Z$")
        self.assertEqual(date, amz_date[:8])
        when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
        self.assertLess(abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds()), 300)
        self.assertEqual(key_id, AWS_KEY_ID)
        self.assertEqual(signed, expect_signed)
        expected = sigv4_signature("POST", "/", req["headers"], signed.split(";"), req["body"],
                                   AWS_SECRET, amz_date, "us-east-1", "sns")
        self.assertEqual(signature, expected)

    def test_publish_request_matches_the_documented_format(self):
        self.api.respond(200, SNS_OK, {"Content-Type": "text/xml"})
        self.start_sns()
        self.assertEqual(self.send_otp()["otpResult"], "Sent")
        [req] = self.api.requests_snapshot()
        self.assertEqual(req["method"], "POST")
        self.assertEqual(req["path"], "/")
        self.assertEqual(req["query"], "")
        self.assertEqual(req["headers"]["content-type"], "application/x-www-form-urlencoded; charset=utf-8")
        self.assertEqual(req["headers"]["host"], f"127.0.0.1:{self.api.port}")
        self.assertNotIn("x-amz-security-token", req["headers"])
        fields = form(req["body"])
        self.assertRegex(fields.pop("Message"), PIN_BODY)
        self.assertEqual(fields, {
            "Action": "Publish",
            "Version": "2010-03-31",
            "PhoneNumber": UNKNOWN,
            "MessageAttributes.entry.1.Name": "AWS.SNS.SMS.SMSType",
            "MessageAttributes.entry.1.Value.DataType": "String",
            "MessageAttributes.entry.1.Value.StringValue": "Transactional",
            "MessageAttributes.entry.2.Name": "AWS.SNS.SMS.SenderID",
            "MessageAttributes.entry.2.Value.DataType": "String",
            "MessageAttributes.entry.2.Value.StringValue": "CallGate",
        })
        self.assertIn(b"PhoneNumber=%2B14155550123", req["body"])
        self.check_signature(req, "content-type;host;x-amz-date")
        [row] = self.sms_rows()
        self.assertEqual((row["provider"], row["provider_message_id"], row["status"], row["to_masked"]),
                         ("sns", SNS_MESSAGE_ID, "accepted", MASKED))
        self.assert_log_is_clean(AWS_SECRET)

    def test_temporary_credentials_send_and_sign_the_session_token(self):
        self.api.respond(200, SNS_OK)
        self.start_sns(session_token="FQoGZXIvYXdzEXAMPLE//token")
        self.assertEqual(self.send_otp()["otpResult"], "Sent")
        [req] = self.api.requests_snapshot()
        self.assertEqual(req["headers"]["x-amz-security-token"], "FQoGZXIvYXdzEXAMPLE//token")
        self.check_signature(req, "content-type;host;x-amz-date;x-amz-security-token")
        self.assert_log_is_clean(AWS_SECRET, "FQoGZXIvYXdzEXAMPLE//token")

    def test_server_error_then_success_is_retried_with_a_valid_signature(self):
        self.api.respond(500, "<ErrorResponse><Error><Code>InternalError</Code></Error></ErrorResponse>")
        self.api.respond(200, SNS_OK)
        self.start_sns()
        self.assertEqual(self.send_otp()["otpResult"], "Sent")
        reqs = self.api.requests_snapshot()
        self.assertEqual(len(reqs), 2)
        self.check_signature(reqs[1], "content-type;host;x-amz-date")

    def test_client_error_is_not_retried(self):
        self.api.respond(400, "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code>"
                              f"<Message>Invalid parameter: PhoneNumber Reason: {UNKNOWN}</Message>"
                              "</Error></ErrorResponse>")
        self.start_sns()
        answer = self.send_otp()
        self.assertEqual((answer["lambdaResult"], answer["otpResult"]), ("Error", "SendFailed"))
        self.assertEqual(len(self.api.requests_snapshot()), 1)
        [row] = self.sms_rows()
        self.assertEqual((row["status"], row["error_code"]), ("failed", "InvalidParameter"))
        self.assert_log_is_clean(AWS_SECRET)


if __name__ == "__main__":
    unittest.main()
