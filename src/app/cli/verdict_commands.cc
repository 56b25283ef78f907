// `callgate verdict verify`: checks a signed verdict the way an agent side should (docs/API.md
// "Signed verdict"): signature against callgate's public keys (a saved JWKS document, offline, or
// the key ring in the database), then issuer, lifetime, clock and the call it is bound to. A
// verdict replayed on another call fails here. Prints the claims on success; never logs the token.

#include <iostream>
#include <optional>
#include <sstream>

#include "adapters/platform/clock/system_clock.h"
#include "adapters/security/token/verdict_jwt.h"
#include "app/cli/commands.h"
#include "app/cli/key_ring_access.h"

namespace callgate::app {

namespace {

int fail(const std::string& message, int code = 1) {
  std::cerr << "callgate: " << message << "\n";
  return code;
}

std::string readAll(std::istream& in) {
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trimmed(std::string text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

Result<VerdictClaims> verifyWithRing(const Config& config, const std::string& jwt, TimePoint now) {
  auto keys = readKeyRing(config);
  if (!keys.ok()) return Error(keys.error().code(), "JWT keys: " + keys.error().message());
  return token::verifyVerdictSignature(jwt, [&](std::string_view kid) {
    const token::Ed25519Key* key = (*keys)->verificationKey(kid, now);
    return key == nullptr ? nullptr : key->publicKey.data();
  });
}

}  // namespace

int verdictVerifyCommand(const Config& config, const VerdictToCheck& check) {
  std::string jwt = check.token;
  if (jwt == "-") {
    jwt = trimmed(readAll(std::cin));
  }
  if (jwt.empty()) return fail("no verdict token given", 2);
  const TimePoint now = SystemClock().now();

  std::optional<token::JwksKeys> jwks;
  if (!check.jwksFile.empty()) {
    auto text = readWholeFile(check.jwksFile);
    if (!text.ok()) return fail("the JWKS file: " + text.error().message(), 2);
    auto keys = token::JwksKeys::parse(*text);
    if (!keys.ok()) return fail(check.jwksFile + ": " + keys.error().message(), 2);
    jwks = std::move(*keys);
  }
  const Result<VerdictClaims> claims =
      jwks ? token::verifyVerdictSignature(jwt, jwks->lookup()) : verifyWithRing(config, jwt, now);
  if (!claims.ok()) return fail("verdict rejected: " + claims.error().message());

  VerdictCheck rules;
  rules.issuer = check.issuer.empty() ? config.tokens.issuer : check.issuer;
  rules.callId = check.callId;
  rules.target = check.target;
  if (Status s = checkVerdictClaims(*claims, rules, now); !s.ok())
    return fail("verdict rejected: " + s.error().message());
  std::cout << verdictClaimsJson(*claims) << "\n";
  return 0;
}

}  // namespace callgate::app
