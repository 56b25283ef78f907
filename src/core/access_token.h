// Access tokens as the core sees them: the claims of callgate's short-lived Ed25519 JWTs and the
// PURE rules that decide whether a token's claims are acceptable (issuer, audience, lifetime and
// clock, then scope and subject). Encoding, signatures, keys and revocation live in
// src/adapters/security/token; everything here is plain values and functions of an explicit `now`,
// so the rules are tested with a fake clock. Thread-safe (no shared state).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "core/time.h"

namespace callgate {

// DESIGN §4: access tokens live at most 5 minutes.
inline constexpr Seconds kMaxTokenLifetime{300};
// Clock skew tolerated on iat/exp; kept small so a token cannot outlive its TTL by much.
inline constexpr Seconds kMaxClockLeeway{30};
inline constexpr Seconds kDefaultClockLeeway{5};

struct AccessTokenClaims {
  std::string issuer;            // iss
  std::string subject;           // sub: the customer's user id
  std::string audience;          // aud (a single string in our tokens)
  std::string scope;             // scope: one action, e.g. "account:add_member"
  std::string jti;               // unique token id (128 random bits, base64url)
  std::vector<std::string> amr;  // authentication methods, e.g. {"pin", "sms"}
  TimePoint issuedAt{};          // iat (whole seconds)
  TimePoint expiresAt{};         // exp (whole seconds)
};

// What a resource asks of a token: the scope it requires (required, never empty) and, when the
// resource belongs to one customer, the subject it must be about.
struct TokenCheck {
  std::string scope;
  std::optional<std::string> subject;
};

// What every token of this issuer must satisfy, whatever it is used for.
struct TokenPolicy {
  std::string issuer;
  std::string audience;
  Seconds leeway = kDefaultClockLeeway;  // clamped to kMaxClockLeeway
};

// Issuer, audience, jti/subject present, iat/exp sane (exp after iat, lifetime at most
// kMaxTokenLifetime), not issued in the future and not expired at `now`, each with the policy's
// leeway. kUnauthenticated naming the first rule broken; never echoes claim values.
Status checkTokenClaims(const AccessTokenClaims& claims, const TokenPolicy& policy, TimePoint now);

// Scope and subject. kPermissionDenied if the token does not grant check.scope (an empty
// check.scope is refused too: a caller must say what it needs) or is about another subject.
Status checkTokenAccess(const AccessTokenClaims& claims, const TokenCheck& check);

// Does the space-separated scope list (RFC 6749 §3.3) contain `scope` exactly?
bool scopeIncludes(std::string_view scopeList, std::string_view scope);

// An RFC 6749 scope-token: 1*( %x21 / %x23-5B / %x5D-7E ), at most 128 characters.
bool isValidScopeToken(std::string_view scope);

}  // namespace callgate
