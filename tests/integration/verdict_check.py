"""The signed verdict (X-Callgate-Verdict, contact attribute callgateVerdict) checked the way an
agent side would, with an independent JWT library: PyJWT and nothing but callgate's published
JWKS. Shared by the SIP, Twilio and Connect tests."""

import json
import urllib.request

try:
    import jwt  # PyJWT
except ImportError as e:  # a clear failure, not a skip: install-deps.sh installs python3-jwt
    raise ImportError(f"PyJWT is missing ({e}); run scripts/install-deps.sh and use /usr/bin/python3")

VERDICT_TYP = "callgate-verdict+jwt"
VERDICT_AUDIENCE = "callgate-agent"


def _get_json(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
        return json.loads(r.read())


def agent_keys(port):
    """What an agent side saves once: callgate's issuer (discovery) and its JWKS."""
    return (_get_json(port, "/.well-known/openid-configuration")["issuer"],
            _get_json(port, "/.well-known/jwks.json"))


def verify_verdict(test, token, keys, call_id, target=None):
    """PyJWT verifies `token` with `keys` (agent_keys(): issuer, JWKS; EdDSA only) for the agent
    audience, then the test checks the binding; returns the claims."""
    issuer, jwks = keys
    test.assertTrue(token, "no signed verdict")
    header = jwt.get_unverified_header(token)
    test.assertEqual(header.get("typ"), VERDICT_TYP, header)
    key = jwt.PyJWKSet.from_dict(jwks)[header["kid"]]  # KeyError = kid not published
    claims = jwt.decode(token, key=key.key, algorithms=["EdDSA"], audience=VERDICT_AUDIENCE,
                        issuer=issuer, options={"require": ["exp", "iat", "jti", "iss", "aud"]})
    test.assertEqual(claims["cid"], call_id, claims)
    test.assertLessEqual(claims["exp"] - claims["iat"], 60, claims)
    if target is not None:
        test.assertEqual(claims.get("tgt"), target, claims)
    return claims
