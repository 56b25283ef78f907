#!/usr/bin/python3
"""Writes the hand-made seeds of fuzz/corpus/ (run from the repository root; idempotent).

Seeds are small, realistic inputs for each target: real-looking SIP requests with SDP, HTTP
requests, Connect events, the shipped flows, the demo config, forms, tokens signed with the jwt
target's fixed key, Identity headers signed with fuzz/keys/stir-test-only.key, digit phrases and
short WAV files. Crash regressions found by `make fuzz` are added by hand (named crash-*) and are
never touched here. Needs Debian's python3-cryptography (installed by scripts/install-deps.sh).
"""
import base64
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import wave

ROOT = os.getcwd()
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def crlf(text):
    return text.replace("\n", "\r\n")


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# ---- SDP and SIP -------------------------------------------------------------------------------
SDP_OFFERS = {
    "pcmu_pcma_dtmf": "v=0\no=alice 2890844526 2890844526 IN IP4 198.51.100.7\ns=-\n"
    "c=IN IP4 198.51.100.7\nt=0 0\nm=audio 49170 RTP/AVP 0 8 101\na=rtpmap:0 PCMU/8000\n"
    "a=rtpmap:8 PCMA/8000\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-16\na=ptime:20\n"
    "a=sendrecv\n",
    "pcma_first": "v=0\no=- 1 1 IN IP4 10.0.0.7\ns=call\nc=IN IP4 10.0.0.7\nt=0 0\n"
    "m=audio 30000 RTP/AVP 8 0\na=rtpmap:8 PCMA/8000\na=rtpmap:0 PCMU/8000\n",
    "hold_sendonly": "v=0\no=- 1 2 IN IP4 10.0.0.7\ns=-\nc=IN IP4 0.0.0.0\nt=0 0\n"
    "m=audio 30000 RTP/AVP 0 101\na=rtpmap:101 telephone-event/8000\na=sendonly\n",
    "dynamic_pt": "v=0\no=- 5 5 IN IP4 192.0.2.5\ns=-\nt=0 0\nm=audio 4000 RTP/AVP 96 97\n"
    "c=IN IP4 192.0.2.5\na=rtpmap:96 PCMU/8000\na=rtpmap:97 telephone-event/8000\na=inactive\n",
    "g729_only": "v=0\no=- 1 1 IN IP4 10.0.0.7\ns=-\nc=IN IP4 10.0.0.7\nt=0 0\n"
    "m=audio 30000 RTP/AVP 18\na=rtpmap:18 G729/8000\n",
    "srtp_and_video": "v=0\no=- 1 1 IN IP4 10.0.0.7\ns=-\nc=IN IP4 10.0.0.7\nt=0 0\n"
    "m=video 0 RTP/AVP 96\nm=audio 30002 RTP/SAVP 0\n"
    "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\n"
    "m=audio 0 RTP/AVP 0\n",
    "ipv6": "v=0\no=- 1 1 IN IP6 2001:db8::7\ns=-\nc=IN IP6 2001:db8::7\nt=0 0\n"
    "m=audio 30000 RTP/AVP 0\n",
}


def sip_request(method, cseq, body="", extra="", to_tag="", uri="sip:+18005550199@127.0.0.1:5060"):
    head = (f"{method} {uri} SIP/2.0\n"
            "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK776asdhds;rport\n"
            "Max-Forwards: 70\n"
            "From: \"Alice\" <sip:+14155550100@carrier.example>;tag=1928301774\n"
            f"To: <sip:+18005550199@127.0.0.1>{to_tag}\n"
            "Call-ID: a84b4c76e66710@198.51.100.7\n"
            f"CSeq: {cseq} {method}\n"
            "Contact: <sip:alice@198.51.100.7:5060;transport=udp>\n"
            f"{extra}")
    if body:
        head += "Content-Type: application/sdp\n"
    head += f"Content-Length: {len(crlf(body))}\n\n"
    return crlf(head) + crlf(body)


def sip_seeds(identity):
    offer = SDP_OFFERS["pcmu_pcma_dtmf"]
    put("sip_message", "invite_sdp", sip_request(
        "INVITE", 314159, offer,
        "Record-Route: <sip:192.0.2.1;lr>\nAllow: INVITE, ACK, CANCEL, BYE, OPTIONS, REFER\n"
        "P-Asserted-Identity: <tel:+14155550100;verstat=TN-Validation-Passed>\n"
        f"Identity: {identity}\n"))
    put("sip_message", "invite_compact_tel", crlf(
        "INVITE tel:+18005550199 SIP/2.0\nv: SIP/2.0/TCP 10.0.0.7:5070;branch=z9hG4bKabc\n"
        "f: <tel:+14155550100>;tag=t1\nt: <tel:+18005550199>\ni: abc123@10.0.0.7\n"
        "CSeq: 7 INVITE\nm: <sip:bob@10.0.0.7:5070;transport=tcp>\nc: application/sdp\n"
        f"l: {len(crlf(SDP_OFFERS['pcma_first']))}\n\n") + crlf(SDP_OFFERS["pcma_first"]))
    put("sip_message", "ack", sip_request("ACK", 314159, to_tag=";tag=cg1"))
    put("sip_message", "bye", sip_request("BYE", 314160, to_tag=";tag=cg1"))
    put("sip_message", "cancel", sip_request("CANCEL", 314159))
    put("sip_message", "options", sip_request("OPTIONS", 1, uri="sip:127.0.0.1:5060",
                                              extra="Accept: application/sdp\n"))
    put("sip_message", "info_dtmf", sip_request(
        "INFO", 314161, to_tag=";tag=cg1",
        extra="Content-Type: application/dtmf-relay\n").replace(
            "Content-Length: 0", "Content-Length: 24") + "Signal=5\r\nDuration=160\r\n")
    put("sip_message", "response_200", crlf(
        "SIP/2.0 200 OK\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKcg;received=127.0.0.1\n"
        "From: <sip:callgate@127.0.0.1>;tag=cg1\nTo: <sip:agent@127.0.0.1:5070>;tag=ag9\n"
        "Call-ID: cgref@127.0.0.1\nCSeq: 2 REFER\nContent-Length: 0\n\n"))
    put("sip_message", "notify_sipfrag", sip_request(
        "NOTIFY", 9, to_tag=";tag=cg1",
        extra="Event: refer\nSubscription-State: terminated;reason=noresource\n"
        "Content-Type: message/sipfrag;version=2.0\n").replace(
            "Content-Length: 0", "Content-Length: 16") + "SIP/2.0 200 OK\r\n")
    put("sip_message", "tcp_two_messages_and_ping",
        sip_request("OPTIONS", 1) + "\r\n\r\n" + sip_request("BYE", 2, to_tag=";tag=x"))
    for name, sdp in SDP_OFFERS.items():
        put("sdp", name, crlf(sdp))


# ---- HTTP --------------------------------------------------------------------------------------
def http_seeds():
    event = json.dumps(connect_event())
    requests = {
        "get_health": "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n",
        "post_connect": "POST /connect/lookup-caller HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nAuthorization: Bearer abc\r\n"
        f"Content-Length: {len(event)}\r\n\r\n{event}",
        "post_form_expect": "POST /oauth/token HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 29\r\n\r\n"
        "grant_type=client_credentials",
        "chunked": "POST /twilio/voice HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nCallS\r\n8;ext=1\r\nid=CA123\r\n0\r\nTrailer: y\r\n\r\n",
        "pipelined_http10": "GET /l/AAAAAAAAAAAAAAAAAAAAAA?x=1 HTTP/1.0\r\n\r\n"
        "GET /metrics HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n"
        "GET /jwks.json HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        "smuggle_te_cl": "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
        "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "gzip_coding": "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        "two_hosts": "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "repeated_header": "GET /v1/accounts/1/members HTTP/1.1\r\nHost: a\r\nAccept: a\r\n"
        "Accept: b\r\nCookie: c=1\r\n\r\n",
    }
    # The first byte is the read size - 1 (see http_request.cc): whole, 1-byte and 7-byte reads.
    for name, text in requests.items():
        for prefix, size in (("", 255), ("bytewise_", 0), ("split7_", 6)):
            if prefix and name not in ("post_connect", "chunked", "pipelined_http10"):
                continue
            put("http_request", prefix + name, bytes([size]) + text.encode())


# ---- Connect events and JSON -------------------------------------------------------------------
def connect_event(params=None, address="+14155550100"):
    return {
        "Details": {
            "ContactData": {
                "Attributes": {"existing": "yes", "greeting": "caf\u00e9 \u2603"},
                "Channel": "VOICE",
                "ContactId": "4a573372-1f28-4e26-b97b-0123456789ab",
                "CustomerEndpoint": {"Address": address, "Type": "TELEPHONE_NUMBER"},
                "InitialContactId": "4a573372-1f28-4e26-b97b-0123456789ab",
                "InitiationMethod": "INBOUND",
                "InstanceARN": "arn:aws:connect:us-east-1:123456789012:instance/abc",
                "LanguageCode": "en-US",
                "MediaStreams": {"Customer": {"Audio": None}},
                "PreviousContactId": "4a573372-1f28-4e26-b97b-0123456789ab",
                "Queue": {"Name": "BasicQueue", "ARN": "arn:aws:connect:q"},
                "SystemEndpoint": {"Address": "+18005550199", "Type": "TELEPHONE_NUMBER"},
            },
            "Parameters": params if params is not None else {"code": "123456",
                                                              "attestation": "A"},
        },
        "Name": "ContactFlowEvent",
    }


def json_seeds():
    events = {
        "lookup_caller": connect_event({}),
        "verify_otp": connect_event({"code": "123456", "attestation": "TN-Validation-Passed-A"}),
        "verify_pin": connect_event({"userId": "12345678", "pin": "4321"}),
        "no_endpoint": {"Details": {"ContactData": {"ContactId": "c1", "CustomerEndpoint": None},
                                    "Parameters": {}}, "Name": "ContactFlowEvent"},
    }
    for name, event in events.items():
        put("connect_event", name, json.dumps(event, ensure_ascii=False))
        put("json_scanner", "event_" + name, json.dumps(event, indent=1))
    put("connect_event", "escapes", '{"Details":{"ContactData":{"ContactId":"\\u0063\\ud83d\\ude00",'
        '"CustomerEndpoint":{"Address":"+1415\\/5550100","Type":"TELEPHONE_NUMBER"},'
        '"Attributes":{"k\\n":"v\\t\\"q\\""}},"Parameters":{"a":"\\u00e9"}},'
        '"Name":"ContactFlowEvent"}')
    misc = {
        "numbers": '[0,-0,1.5e10,-2E-3,123456789012345678901234567890,0.0]',
        "literals": ' {"a":true,"b":false,"c":null,"d":[],"e":{}} ',
        "nested": '{"a":[{"b":[[{"c":"d"}]]}]}',
        "unicode": '["\\u00e9\\u2603\\ud834\\udd1e", "\u00e9\u2603"]',
        "lone_surrogate": '["\\ud800"]',
        "bad_utf8": b'["\xc3\x28"]',
        "trailing_comma": '{"a":1,}',
        "deep": "[" * 40 + "]" * 40,
        "string": '"just a string"',
    }
    for name, text in misc.items():
        put("json_scanner", name, text)


# ---- Flows, config -----------------------------------------------------------------------------
def flow_seeds():
    for folder in ("flows", "tests/flows/connect", "tests/flows/lex"):
        for name in sorted(os.listdir(os.path.join(ROOT, folder))):
            if name.endswith(".json"):
                shutil.copy(os.path.join(ROOT, folder, name),
                            os.path.join(CORPUS, "flow_loader", name))
    with open(os.path.join(ROOT, "flows", "caller-id-otp.json")) as f:
        content = f.read()
    put("flow_loader", "wrapped-content-string",
        json.dumps({"Name": "wrapped", "Type": "CONTACT_FLOW", "Arn": "arn:aws:connect:flow/1",
                    "Content": content}))


def config_seeds():
    shutil.copy(os.path.join(ROOT, "demo", "callgate.toml"),
                os.path.join(CORPUS, "config_toml", "demo.toml"))
    put("config_toml", "minimal.toml",
        '[storage]\ndb = "/tmp/x.db"\n[security]\npin_pepper_file = "/tmp/pepper"\n')
    put("config_toml", "sip_twilio.toml",
        '[server]\nhttp = "[::1]:8080"\n[security]\npin_pepper_file = "p"\ncaller_id_trust = "any"\n'
        '[sip]\nlisten = "127.0.0.1:5060"\nrtp_ports = "40000-40100"\n'
        '[twilio]\npublic_base_url = "https://voice.example.com/"\n'
        '[sms]\nprovider = "twilio"\n[sms.twilio]\naccount_sid = "AC123"\nfrom = "+14155550100"\n')
    put("config_toml", "bad_syntax.toml", '[server\nhttp = 1\n"unterminated = \n')
    put("config_toml", "types.toml", 'a = 1979-05-27T07:32:00Z\nb = [1, "x", {c = 3.5e2}]\n'
        '[[d]]\ne = 0x1F\n[f."g h"]\ni = """\nmulti\n"""\n')


# ---- Forms and Twilio --------------------------------------------------------------------------
TWILIO_TOKEN = b"0123456789abcdef0123456789abcdef"
TWILIO_URL = "https://voice.example.com:443/twilio/voice/gather/AAAAAAAAAAAAAAAAAAAAAA"


def twilio_signature(url, pairs):
    import hmac
    data = url + "".join(k + v for k, v in sorted(pairs))
    return base64.b64encode(hmac.new(TWILIO_TOKEN, data.encode(), hashlib.sha1).digest()).decode()


def form_twilio_seeds():
    from urllib.parse import quote_plus, urlencode
    forms = {
        "oauth_token": "grant_type=client_credentials&client_id=agent-desk&scope=account%3Aread",
        "member": "name=William+King&relationship=spouse&dob=1990-01-31&csrf=abc_-123",
        "utf8_and_empty": "a=%C3%A9%E2%98%83&&b=&c&d=x%2By+z",
        "bad_escape": "a=%zz&b=%4",
        "repeated": "a=1&a=2",
        "nul": "a=%00",
    }
    for name, text in forms.items():
        put("form", name, text)
    hooks = {
        "incoming": ([("AccountSid", "AC123"), ("CallSid", "CA" + "0" * 32),
                      ("From", "+14155550100"), ("To", "+18005550199"),
                      ("CallStatus", "ringing"), ("StirVerstat", "TN-Validation-Passed-A")], ""),
        "gather_digits": ([("CallSid", "CA" + "1" * 32), ("Digits", "123456#"),
                           ("CallStatus", "in-progress")], "step=3"),
        "gather_speech": ([("CallSid", "CA" + "2" * 32), ("SpeechResult", "one two three four"),
                           ("Confidence", "0.87"), ("CallStatus", "in-progress")], "step=12"),
        "dial_action": ([("CallSid", "CA" + "3" * 32), ("DialCallStatus", "no-answer"),
                         ("CallStatus", "completed"), ("ParentCallSid", "CA" + "4" * 32)], ""),
    }
    for name, (pairs, query) in hooks.items():
        url = TWILIO_URL + ("?" + query if query else "")
        body = urlencode(pairs, quote_via=quote_plus)
        put("twilio_webhook", name, f"{twilio_signature(url, pairs)}\n{query}\n{body}")
    put("twilio_webhook", "bad_signature", "AAAA\n\nCallSid=CA1&From=%2B1415")


# ---- Tokens ------------------------------------------------------------------------------------
def jwt_seeds():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives import serialization
    seed = bytes((i * 7 + 1) & 0xFF for i in range(32))  # the jwt target's fixed key
    key = Ed25519PrivateKey.from_private_bytes(seed)
    x = b64u(key.public_key().public_bytes(serialization.Encoding.Raw,
                                           serialization.PublicFormat.Raw))
    kid = b64u(hashlib.sha256(('{"crv":"Ed25519","kty":"OKP","x":"%s"}' % x).encode()).digest())
    header = b64u(json.dumps({"alg": "EdDSA", "kid": kid, "typ": "at+jwt"},
                             separators=(",", ":")).encode())
    now = 1796083200 + 60
    claims = {"iss": "https://callgate.example", "sub": "12345678", "aud": "callgate",
              "scope": "account:add_member", "amr": ["pin", "sms"], "iat": now - 10,
              "exp": now + 290, "jti": "b2x2b2x2b2x2b2x2b2x2bw"}

    def mint(payload):
        signing_input = header + "." + b64u(payload.encode())
        return signing_input + "." + b64u(key.sign(signing_input.encode()))

    put("jwt", "token_valid", mint(json.dumps(claims, separators=(",", ":"))))
    expired = dict(claims, exp=now - 100)
    put("jwt", "token_expired", mint(json.dumps(expired)))
    put("jwt", "token_bad_signature", mint(json.dumps(claims))[:-4] + "AAAA")
    put("jwt", "alg_none", b64u(b'{"alg":"none","typ":"at+jwt"}') + "." +
        b64u(json.dumps(claims).encode()) + ".")
    # Raw claims: the target also signs the input itself as a payload.
    put("jwt", "claims", json.dumps(claims))
    put("jwt", "claims_extra", json.dumps(dict(claims, nbf=1, amr=[], extra={"a": [1]})))
    put("jwt", "header", '{"alg":"EdDSA","kid":"%s","typ":"at+jwt"}' % kid)


# ---- STIR/SHAKEN -------------------------------------------------------------------------------
def identity_header(attest, orig, dest, iat=1796083200):
    return subprocess.run(
        [os.environ.get("CALLGATE_BIN", "build/callgate"), "sip", "identity", "--key",
         "fuzz/keys/stir-test-only.key", "--attest", attest, "--orig", orig, "--dest", dest,
         "--iat", str(iat)], check=True, capture_output=True, text=True).stdout.strip()


def stir_seeds():
    pai = "<tel:+14155550100;verstat=TN-Validation-Passed>"
    frm = '"Alice" <sip:+14155550100@carrier.example;user=phone>;tag=1928301774'
    a = identity_header("A", "+14155550100", "+18005550199")
    cases = {
        "identity_a": [a, pai, frm, "198.51.100.7", "+14155550100", "+18005550199"],
        "identity_b": [identity_header("B", "14155550100", "18005550199"), "", frm,
                       "198.51.100.7", "14155550100", "18005550199"],
        "identity_c_stale": [identity_header("C", "+14155550100", "+18005550199", 1796000000),
                             "", frm, "198.51.100.7", "+14155550100", "+18005550199"],
        "identity_orig_mismatch": [a, "", frm, "198.51.100.7", "+14155550999", "+18005550199"],
        "verstat_trusted_proxy": ["", pai, frm, "192.0.2.1", "+1-415-555-0100", "18005550199"],
        "verstat_from_untrusted": ["", "", "<sip:+14155550100;verstat=TN-Validation-Failed@x>",
                                   "10.0.0.9", "anonymous", "+18005550199"],
    }
    for name, fields in cases.items():
        put("stir_identity", name, "\n".join(fields))
    return a


# ---- Speech ------------------------------------------------------------------------------------
def speech_seeds():
    phrases = ["five oh five seven", "double two three one", "1 2 3 4.", "twenty one",
               "two thousand and five", "nineteen eighty four", "a hundred", "five hundred oh six",
               "um, four, uh, two!", "triple 9", "I don't know", "yes that's right",
               "that's not correct", "ten thousand one hundred and one", "one million",
               "double", "twenty twenty", "ONE TWO three-four"]
    for i, p in enumerate(phrases):
        put("spoken_digits", f"phrase_{i:02d}", p)


def wav_bytes(rate=8000, channels=1, width=2, samples=800):
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        frames = bytearray()
        for i in range(samples):
            v = int(8000 * ((i % 40) - 20) / 20)  # a 200 Hz sawtooth
            for _ in range(channels):
                frames += struct.pack("<h", v)[:width] if width == 2 else bytes([v & 0xFF])
        w.writeframes(bytes(frames))
    return out.getvalue()


def wav_seeds():
    put("wav", "pcm16_8k_mono.wav", wav_bytes())
    put("wav", "pcm16_16k_mono.wav", wav_bytes(rate=16000))
    put("wav", "pcm16_8k_stereo.wav", wav_bytes(channels=2, samples=200))
    put("wav", "pcm8_8k.wav", wav_bytes(width=1, samples=200))
    put("wav", "empty_data.wav", wav_bytes(samples=0))
    # WAVE_FORMAT_EXTENSIBLE with the PCM subformat, and an extra LIST chunk before data.
    data = struct.pack("<h", 1000) * 160
    fmt = struct.pack("<HHIIHHHHI16s", 0xFFFE, 1, 8000, 16000, 2, 16, 22, 16, 4,
                      bytes.fromhex("0100000000001000800000aa00389b71"))
    chunks = (b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"LIST" + struct.pack("<I", 5) +
              b"INFO\x00\x00" + b"data" + struct.pack("<I", len(data)) + data)
    put("wav", "extensible_list.wav", b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" +
        chunks)


def main():
    if not os.path.isdir(os.path.join(ROOT, "fuzz", "corpus")):
        sys.exit("run from the repository root")
    for target in ("flow_loader", "config_toml"):
        os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    identity = stir_seeds()
    sip_seeds(identity)
    http_seeds()
    json_seeds()
    flow_seeds()
    config_seeds()
    form_twilio_seeds()
    jwt_seeds()
    speech_seeds()
    wav_seeds()


if __name__ == "__main__":
    main()
