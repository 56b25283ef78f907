"""Bad input to the real binary: each gets a clear error and changes nothing (DESIGN §4)."""

import copy
import json
import socket
import unittest

from harness import DEFAULT_FLOW, ServerTestCase, Workspace, connect_event, require_binary

PHONE = "+14155550100"
FUNCTIONS = ("lookup-caller", "send-otp", "verify-otp")


def without(event, *path):
    """A copy of `event` with the key at `path` removed."""
    e = copy.deepcopy(event)
    node = e
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return e


def with_value(event, value, *path):
    e = copy.deepcopy(event)
    node = e
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return e


@require_binary
class BadHttpInputTest(ServerTestCase):

    def setUp(self):
        super().setUp()
        self.ws.add_customer(PHONE, "Ada", "Lovelace", level="Gold")
        self.server = self.start_server()
        # A challenge exists, so "unchanged" covers the challenges table too.
        self.server.call("send-otp", "+14155550199")
        self.before = self.ws.snapshot()

    def tearDown(self):
        self.assertEqual(self.ws.snapshot(), self.before, "bad input changed stored state")

    def assertJsonError(self, status, headers, body, expected_status, *fragments):
        self.assertEqual(status, expected_status, body)
        self.assertTrue(headers.get("content-type", "").startswith("application/json"), headers)
        parsed = json.loads(body)
        self.assertIsInstance(parsed, dict)
        self.assertIsInstance(parsed.get("error"), str, parsed)
        self.assertTrue(parsed["error"], "empty error message")
        for fragment in fragments:
            self.assertIn(fragment, parsed["error"])
        return parsed["error"]

    def post(self, function, body):
        return self.server.request("POST", "/connect/v1/" + function, body)

    def test_malformed_json(self):
        for body in ("{", "not json", '{"Details": {}', "{'Name': 'x'}", '{"a":1,}', "\x00\xff"):
            for function in FUNCTIONS:
                with self.subTest(body=body, function=function):
                    self.assertJsonError(*self.post(function, body), 400, "JSON")

    def test_empty_body_and_non_object_json(self):
        for function in FUNCTIONS:
            with self.subTest(function=function):
                self.assertJsonError(*self.post(function, ""), 400)
                for body in ("[]", "42", '"ContactFlowEvent"', "null", "true"):
                    self.assertJsonError(*self.post(function, body), 400, "object")

    def test_deeply_nested_json(self):
        body = "[" * 10000 + "]" * 10000
        self.assertJsonError(*self.post("lookup-caller", body), 400)

    def test_missing_fields_are_named(self):
        event = connect_event(PHONE, {"code": "123456"})
        cases = [
            (without(event, "Name"), "Name"),
            (without(event, "Details"), "Details"),
            (without(event, "Details", "ContactData"), "Details.ContactData"),
            (without(event, "Details", "Parameters"), "Details.Parameters"),
            (without(event, "Details", "ContactData", "CustomerEndpoint"),
             "Details.ContactData.CustomerEndpoint"),
            (without(event, "Details", "ContactData", "CustomerEndpoint", "Address"),
             "Details.ContactData.CustomerEndpoint.Address"),
        ]
        for body, field in cases:
            for function in FUNCTIONS:
                with self.subTest(field=field, function=function):
                    self.assertJsonError(*self.post(function, body), 400, field)

    def test_wrong_types_are_named(self):
        event = connect_event(PHONE, {"code": "123456"})
        cases = [
            (with_value(event, "OtherEvent", "Name"), "Name"),
            (with_value(event, 7, "Name"), "Name"),
            (with_value(event, [], "Details"), "Details"),
            (with_value(event, "x", "Details", "ContactData"), "Details.ContactData"),
            (with_value(event, ["a"], "Details", "Parameters"), "Details.Parameters"),
            (with_value(event, 123456, "Details", "Parameters", "code"), "Details.Parameters.code"),
            (with_value(event, None, "Details", "Parameters", "code"), "Details.Parameters.code"),
            (with_value(event, "+14155550100", "Details", "ContactData", "CustomerEndpoint"),
             "Details.ContactData.CustomerEndpoint"),
            (with_value(event, 14155550100, "Details", "ContactData", "CustomerEndpoint",
                        "Address"), "Details.ContactData.CustomerEndpoint.Address"),
            (with_value(event, {"x": 1}, "Details", "ContactData", "Attributes"),
             "Details.ContactData.Attributes.x"),
            (with_value(event, 5, "Details", "ContactData", "LanguageCode"),
             "Details.ContactData.LanguageCode"),
            (with_value(event, "Z", "Details", "Parameters", "attestation"),
             "Details.Parameters.attestation"),
        ]
        for body, field in cases:
            for function in FUNCTIONS:
                with self.subTest(field=field, function=function):
                    self.assertJsonError(*self.post(function, body), 400, field)

    def test_invalid_phone_numbers(self):
        for address in ("+1555", "hello", "+", "+1415555010012345678", "+00000000000", "<script>"):
            for function in FUNCTIONS:
                with self.subTest(address=address, function=function):
                    event = connect_event(address, {"code": "123456"})
                    error = self.assertJsonError(*self.post(function, event), 400)
                    self.assertNotIn("<script>", error.replace("'<script>'", ""))

    def test_oversized_body_is_413(self):
        event = connect_event(PHONE, {"pad": "x" * (65 * 1024)})
        for function in FUNCTIONS:
            with self.subTest(function=function):
                self.assertJsonError(*self.post(function, event), 413)
        # The server is still fine afterwards.
        self.assertEqual(self.server.call("lookup-caller", PHONE)["recordFound"], "True")

    def test_unknown_path_is_404(self):
        for path in ("/", "/connect/v1/", "/connect/v1/no-such-function", "/connect/v2/lookup-caller",
                     "/connect/v1/lookup-caller/extra"):
            with self.subTest(path=path):
                self.assertJsonError(*self.server.request("POST", path, connect_event(PHONE)), 404)

    def test_wrong_method_is_405_with_allow(self):
        for method in ("GET", "PUT", "DELETE"):
            with self.subTest(method=method):
                status, headers, body = self.server.request(method, "/connect/v1/lookup-caller")
                self.assertJsonError(status, headers, body, 405)
                self.assertEqual(headers.get("allow"), "POST")

    def test_malformed_http_is_400(self):
        with socket.create_connection((self.server.host, self.server.port), timeout=5) as s:
            s.sendall(b"NOT HTTP AT ALL\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        self.assertTrue(data.startswith(b"HTTP/1.1 400 "), data)
        self.assertIn(b'"error"', data)


@require_binary
class BadCliInputTest(unittest.TestCase):

    def setUp(self):
        self.ws = Workspace()
        self.addCleanup(self.ws.cleanup)

    def import_csv(self, text):
        path = self.ws.write("customers.csv", text)
        return self.ws.run("customers", "import", path, *self.ws.store_args())

    def test_bad_csv_row_names_the_line_and_imports_nothing(self):
        header = "phone,first_name,last_name,level,language\n"
        good = "+14155550101,Grace,Hopper,Gold,en-US\n+14155550102,Alan,Turing,Silver,en-GB\n"
        cases = [
            ("+1555,Bad,Phone,Gold,en-US\n", 4),
            ("hello,Bad,Phone,Gold,en-US\n", 4),
            ("+14155550103,OnlyTwo\n", 4),
            ("+14155550103,,Blank,Gold,en-US\n", 4),
        ]
        for bad_row, line in cases:
            with self.subTest(row=bad_row):
                r = self.import_csv(header + good + bad_row)
                self.assertNotEqual(r.returncode, 0, r.stdout)
                self.assertIn(f"line {line}", r.stderr)
                self.assertEqual(self.ws.table("customers"), [])

    def test_bad_csv_header_is_rejected(self):
        r = self.import_csv("number,name\n+14155550101,Grace\n")
        self.assertNotEqual(r.returncode, 0)
        self.assertTrue(r.stderr.strip())
        self.assertEqual(self.ws.table("customers"), [])

    def test_good_csv_imports_everything(self):
        r = self.import_csv("phone,first_name,last_name,level,language\n"
                            "+14155550101,Grace,Hopper,Gold,en-US\n"
                            "+14155550102,Alan,Turing,Silver,en-GB\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(self.ws.table("customers")), 2)

    def test_customers_add_rejects_a_bad_phone(self):
        r = self.ws.run("customers", "add", *self.ws.store_args(), "--phone", "+1555",
                        "--first-name", "A", "--last-name", "B")
        self.assertNotEqual(r.returncode, 0)
        self.assertTrue(r.stderr.strip())
        self.assertEqual(self.ws.table("customers"), [])

    def flow(self, *, next_action="bye", type_="MessageParticipant", text="Hello"):
        return {
            "Version": "2019-10-30",
            "StartAction": "greet",
            "Actions": [
                {"Identifier": "greet", "Type": type_, "Parameters": {"Text": text},
                 "Transitions": {"NextAction": next_action}},
                {"Identifier": "set-name", "Type": "UpdateContactAttributes",
                 "Parameters": {"Attributes": {"who": "$.Attributes.name"}},
                 "Transitions": {"NextAction": "bye"}},
                {"Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {},
                 "Transitions": {}},
            ],
        }

    def check(self, flow):
        path = self.ws.write("flow.json", flow if isinstance(flow, str) else json.dumps(flow))
        return self.ws.run("flow", "check", path)

    def test_flow_check_accepts_a_valid_flow(self):
        r = self.check(self.flow(next_action="set-name"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("OK", r.stdout)
        r = self.ws.run("flow", "check", DEFAULT_FLOW)  # the shipped flow
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_flow_check_names_the_broken_action(self):
        broken = self.flow()
        broken["Actions"][1]["Parameters"]["Attributes"]["who"] = "$.Nonsense.name"
        cases = [
            ("dangling NextAction", self.flow(next_action="nowhere"), "greet", "nowhere"),
            ("unknown Type", self.flow(type_="BrewCoffee"), "greet", "BrewCoffee"),
            ("bad reference in text", self.flow(text="Hi $.Bogus.name"), "greet", "$.Bogus.name"),
            ("bad reference in attributes", broken, "set-name", "$.Nonsense.name"),
        ]
        for what, flow, identifier, detail in cases:
            with self.subTest(what):
                r = self.check(flow)
                self.assertNotEqual(r.returncode, 0, r.stdout)
                output = r.stderr + r.stdout
                self.assertIn(identifier, output)
                self.assertIn(detail, output)

    def test_flow_check_rejects_malformed_json(self):
        r = self.check('{"Version": ')
        self.assertNotEqual(r.returncode, 0)
        self.assertTrue(r.stderr.strip())


if __name__ == "__main__":
    unittest.main()
