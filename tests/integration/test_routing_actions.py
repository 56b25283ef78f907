"""Routing and data flow actions through the console simulator (`callgate call`) on the real
binary: CheckHoursOfOperation with a holiday override, CheckMetricData against a configured queue,
GetCustomerProfile, and CreateCallbackContact listed by `callgate callbacks list`."""

import datetime
import json
import unittest

from harness import Workspace, parse_events, require_binary

KNOWN = "+14155550100"
HOURS_ARN = "arn:aws:connect:us-east-1:111122223333:instance/i-1/operating-hours/hours-office"
QUEUE_ARN = "arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q-support"


def action(identifier, type_, parameters, transitions):
    return {"Identifier": identifier, "Type": type_, "Parameters": parameters,
            "Transitions": transitions}


def say(identifier, text):
    return action(identifier, "MessageParticipant", {"Text": text}, {"NextAction": "end"})


def hours_check(identifier, parameters):
    return action(identifier, "CheckHoursOfOperation", parameters, {
        "Conditions": [
            {"NextAction": "open", "Condition": {"Operator": "Equals", "Operands": ["True"]}},
            {"NextAction": "closed", "Condition": {"Operator": "Equals", "Operands": ["False"]}}],
        "Errors": [{"NextAction": "oops", "ErrorType": "NoMatchingError"}]})


def flow(start, *actions):
    body = list(actions) + [say("open", "We are open"), say("closed", "We are closed"),
                            say("oops", "Something went wrong"),
                            action("end", "DisconnectParticipant", {}, {})]
    return json.dumps({"Version": "2019-10-30", "StartAction": start,
                       "Metadata": {"entryPointPosition": {"x": 0, "y": 0}}, "Actions": body})


def days_around_today():
    """Yesterday..tomorrow in UTC, so a test running across midnight still sees today covered."""
    today = datetime.datetime.now(datetime.timezone.utc).date()
    one = datetime.timedelta(days=1)
    return f"{today - one}..{today + one}"


@require_binary
class RoutingActionsTest(unittest.TestCase):

    def setUp(self):
        self.ws = Workspace()
        self.addCleanup(self.ws.cleanup)

    def configure(self, hours_extra="", weekly='["00:00-24:00"]'):
        days = "\n".join(f"{d} = {weekly}" for d in
                         ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                          "sunday"))
        self.ws.write("callgate.toml", f"""
[hours.office]
time_zone = "UTC"
id = "hours-office"
{days}
{hours_extra}

[queues.support]
id = "q-support"
hours = "office"
agents_staffed = 3
agents_available = 0
agents_online = 2
""")

    def call(self, flow_json, phone=KNOWN):
        self.ws.write("flow.json", flow_json)
        r = self.ws.run("call", "--json", "--from", phone, "--flow", self.ws.path("flow.json"),
                        "--config", self.ws.path("callgate.toml"), *self.ws.store_args())
        self.assertEqual(r.returncode, 0, r.stderr)
        return parse_events(r.stdout)

    def prompts(self, events):
        return [e["text"] for e in events if e.get("type") == "prompt"]

    def test_hours_are_open_every_day_but_a_holiday_closes_them(self):
        self.configure()
        check = flow("hours", hours_check("hours", {"HoursOfOperationId": HOURS_ARN}))
        self.assertEqual(self.prompts(self.call(check)), ["We are open"])

        self.configure(hours_extra=f'closed = ["{days_around_today()}"]')
        self.assertEqual(self.prompts(self.call(check)), ["We are closed"])

    def test_a_special_day_opens_hours_that_are_closed_every_week(self):
        self.configure(weekly="[]", hours_extra=f'[hours.office.special]\n'
                                                f'"{days_around_today()}" = ["00:00-24:00"]')
        by_queue = flow("queue",
                        action("queue", "UpdateContactTargetQueue", {"QueueId": QUEUE_ARN},
                               {"NextAction": "hours"}),
                        hours_check("hours", {}))
        self.assertEqual(self.prompts(self.call(by_queue)), ["We are open"])

    def test_unknown_hours_take_the_error_branch(self):
        self.configure()
        check = flow("hours", hours_check("hours", {"HoursOfOperationId": "no-such-hours"}))
        self.assertEqual(self.prompts(self.call(check)), ["Something went wrong"])

    def test_staffing_check_reads_the_configured_queue(self):
        self.configure()

        def staffing(metric):
            return flow("queue",
                        action("queue", "UpdateContactTargetQueue", {"QueueId": QUEUE_ARN},
                               {"NextAction": "staffing"}),
                        action("staffing", "CheckMetricData", {"MetricType": metric},
                               {"NextAction": "closed", "Conditions": [
                                   {"NextAction": "open", "Condition": {
                                       "Operator": "NumberGreaterThan", "Operands": ["0"]}}],
                                "Errors": [{"NextAction": "oops",
                                            "ErrorType": "NoMatchingError"}]}))

        self.assertEqual(self.prompts(self.call(staffing("NumberOfAgentsStaffed"))),
                         ["We are open"])
        self.assertEqual(self.prompts(self.call(staffing("NumberOfAgentsAvailable"))),
                         ["We are closed"])

    def test_profile_found_by_the_callers_number_and_a_callback_is_listed(self):
        self.configure()
        self.ws.add_customer(KNOWN, "Ada", "Lovelace", level="Gold")
        profile_then_callback = flow(
            "profile",
            action("profile", "GetCustomerProfile", {
                "ProfileRequestData": {"IdentifierName": "_phone",
                                       "IdentifierValue": "$.CustomerEndpoint.Address"},
                "ProfileResponseData": ["FirstName", "LastName"]},
                {"NextAction": "queue",
                 "Errors": [{"NextAction": "closed", "ErrorType": "NoneFoundError"},
                            {"NextAction": "oops", "ErrorType": "NoMatchingError"}]}),
            action("queue", "UpdateContactTargetQueue", {"QueueId": QUEUE_ARN},
                   {"NextAction": "callback"}),
            action("callback", "CreateCallbackContact", {
                "InitialCallDelaySeconds": 30, "MaximumConnectionAttempts": "2",
                "RetryDelaySeconds": "600"},
                {"NextAction": "open",
                 "Errors": [{"NextAction": "oops", "ErrorType": "NoMatchingError"}]}))
        self.assertEqual(self.prompts(self.call(profile_then_callback)), ["We are open"])
        # An unknown caller: NoneFoundError.
        self.assertEqual(self.prompts(self.call(profile_then_callback, phone="+14155550123")),
                         ["We are closed"])

        listed = self.ws.run("callbacks", "list", "--config", self.ws.path("callgate.toml"),
                             *self.ws.store_args())
        self.assertEqual(listed.returncode, 0, listed.stderr)
        rows = [line.split("\t") for line in listed.stdout.strip().splitlines()[1:]]
        self.assertEqual(len(rows), 1, listed.stdout)
        self.assertEqual(rows[0][3], "q-support")
        self.assertEqual(rows[0][4], "2")
        self.assertNotIn(KNOWN, listed.stdout)  # masked unless --show-numbers
        shown = self.ws.run("callbacks", "list", "--show-numbers", "--config",
                            self.ws.path("callgate.toml"), *self.ws.store_args())
        self.assertIn(KNOWN, shown.stdout)

    def test_a_bad_hours_table_is_refused(self):
        self.ws.write("callgate.toml", '[hours.office]\ntime_zone = "Mars/Olympus"\n'
                                       'monday = ["09:00-17:00"]\n')
        self.ws.write("flow.json", flow("hours", hours_check("hours", {})))
        r = self.ws.run("call", "--from", KNOWN, "--flow", self.ws.path("flow.json"),
                        "--config", self.ws.path("callgate.toml"), *self.ws.store_args())
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Mars/Olympus", r.stderr)
        self.ws.write("callgate.toml", '[hours.office]\ntime_zone = "UTC"\n'
                                       'monday = ["9-5"]\n')
        r = self.ws.run("call", "--from", KNOWN, "--flow", self.ws.path("flow.json"),
                        "--config", self.ws.path("callgate.toml"), *self.ws.store_args())
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("hours.office.monday", r.stderr)


if __name__ == "__main__":
    unittest.main()
