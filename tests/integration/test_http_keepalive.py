"""HTTP/1.1 keep-alive on the real server: one TCP connection serves many requests."""

import json
import re
import socket
import subprocess
import unittest

from harness import ServerTestCase, connect_event, require_binary, require_programs

PHONE = "+14155550100"


@require_programs("curl")
@require_binary
class HttpKeepAliveTest(ServerTestCase):

    def setUp(self):
        super().setUp()
        self.ws.add_customer(PHONE, "Ada", "Lovelace", level="Gold")
        self.server = self.start_server()
        self.base = f"http://127.0.0.1:{self.server.port}"

    def test_curl_reuses_one_connection_for_several_urls(self):
        event = self.ws.write("event.json", json.dumps(connect_event(PHONE, {"attestation": "A"})))
        url = self.base + "/connect/v1/lookup-caller"
        r = subprocess.run(
            ["curl", "-sv", "--max-time", "10", "-H", "Content-Type: application/json",
             "--data-binary", "@" + event, url, url, url],
            capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(re.findall(r"Re-using existing connection", r.stderr)), 2, r.stderr)
        self.assertEqual(len(re.findall(r"Connected to 127\.0\.0\.1", r.stderr)), 1, r.stderr)
        # Three JSON answers back to back on stdout.
        answers = [json.loads(a) for a in re.findall(r"\{[^{}]*\}", r.stdout)]
        self.assertEqual(len(answers), 3, r.stdout)
        for answer in answers:
            self.assertEqual(answer["firstName"], "Ada")

    def test_curl_with_connection_close_does_not_reuse(self):
        url = self.base + "/healthz"
        r = subprocess.run(["curl", "-sv", "--max-time", "10", "-H", "Connection: close", url, url],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("Re-using existing connection", r.stderr)
        self.assertEqual(len(re.findall(r"Connected to 127\.0\.0\.1", r.stderr)), 2, r.stderr)

    def test_http_client_keeps_one_socket_across_requests_and_errors(self):
        conn = self.server.connection()
        self.addCleanup(conn.close)
        status, _, _ = self.server.request("GET", "/healthz", conn=conn)
        self.assertEqual(status, 200)
        first_socket = conn.sock
        local = first_socket.getsockname()
        for i in range(20):
            answer = self.server.call("lookup-caller", PHONE, conn=conn, attestation="A")
            self.assertEqual(answer["firstName"], "Ada", i)
        # Error answers (404, 405, 400) keep the connection too.
        self.assertEqual(self.server.request("GET", "/nope", conn=conn)[0], 404)
        self.assertEqual(self.server.request("GET", "/connect/v1/lookup-caller", conn=conn)[0], 405)
        self.assertEqual(self.server.request("POST", "/connect/v1/lookup-caller", "{", conn=conn)[0],
                         400)
        self.assertEqual(self.server.call("lookup-caller", PHONE, conn=conn)["recordFound"], "True")
        self.assertIs(conn.sock, first_socket)
        self.assertEqual(conn.sock.getsockname(), local)

    def test_pipelined_requests_are_answered_in_order(self):
        body = json.dumps(connect_event(PHONE, {"attestation": "A"})).encode()
        one = (b"POST /connect/v1/lookup-caller HTTP/1.1\r\nHost: t\r\n"
               b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode() +
               b"\r\n\r\n" + body)
        last = b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
            s.sendall(one * 3 + last)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        self.assertEqual(data.count(b"HTTP/1.1 200 OK"), 4, data)
        self.assertEqual(data.count(b'"firstName":"Ada"'), 3, data)
        self.assertTrue(data.rstrip().endswith(b"}"), data)

    def test_response_headers(self):
        status, headers, body = self.server.request("POST", "/connect/v1/lookup-caller",
                                                    connect_event(PHONE))
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("server"), "callgate")
        self.assertEqual(headers.get("content-type"), "application/json")
        self.assertEqual(int(headers.get("content-length")), len(body))


if __name__ == "__main__":
    unittest.main()
