#include "adapters/security/token/token_service.h"

#include <algorithm>

#include "adapters/security/token/base64url.h"
#include "adapters/security/token/jwt.h"

namespace callgate {

namespace {

constexpr size_t kJtiBytes = 16;
constexpr size_t kMaxSubjectBytes = 256;

TokenServiceOptions clamped(TokenServiceOptions o) {
  o.ttl = std::clamp(o.ttl, Seconds(1), kMaxTokenLifetime);
  o.leeway = std::clamp(o.leeway, Seconds(0), kMaxClockLeeway);
  return o;
}

bool isPrintableAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

// True if `jwt`'s header names a well-formed kid that is not in `keys` at all (not even as a key
// retired too long ago): the only failure a newer ring could cure.
bool hasUnknownKid(std::string_view jwt, const token::KeySet& keys) {
  const size_t dot = jwt.find('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  std::string header;
  if (!token::base64UrlDecode(jwt.substr(0, dot), header)) return false;
  auto kid = token::parseJwtHeader(header);
  if (!kid) return false;
  return std::none_of(keys.keys().begin(), keys.keys().end(),
                      [&](const token::Ed25519Key& k) { return k.kid == *kid; });
}

}  // namespace

TokenService::TokenService(token::KeyRing& keys, TokenStateStore& states, Random& random,
                           const Clock& clock, TokenServiceOptions options)
    : keys_(keys),
      states_(states),
      random_(random),
      clock_(clock),
      options_(clamped(std::move(options))),
      policy_{options_.issuer, options_.audience, options_.leeway} {}

Result<IssuedToken> TokenService::issue(const std::string& subject, const std::string& scope,
                                        std::vector<std::string> amr) {
  if (subject.empty() || subject.size() > kMaxSubjectBytes || !isPrintableAscii(subject)) {
    return Error::invalidArgument("token subject must be 1-256 printable ASCII characters");
  }
  if (!isValidScopeToken(scope))
    return Error::invalidArgument("token scope must be one scope-token");
  for (const std::string& method : amr) {
    if (method.empty() || method.size() > 32 || !isPrintableAscii(method)) {
      return Error::invalidArgument("token amr values must be short printable words");
    }
  }

  IssuedToken out;
  AccessTokenClaims& c = out.claims;
  c.issuer = options_.issuer;
  c.subject = subject;
  c.audience = options_.audience;
  c.scope = scope;
  c.amr = std::move(amr);
  c.issuedAt = std::chrono::floor<Seconds>(clock_.now());
  c.expiresAt = c.issuedAt + options_.ttl;
  uint8_t jti[kJtiBytes];
  random_.fill(jti);
  token::appendBase64Url(c.jti, jti, sizeof jti);

  const std::shared_ptr<const token::KeySet> keys = keys_.current();
  out.jwt = token::signAccessToken(c, keys->signingKey());
  return out;
}

Result<AccessTokenClaims> TokenService::validate(std::string_view jwt) {
  const TimePoint now = clock_.now();
  std::shared_ptr<const token::KeySet> keys = keys_.current();
  auto claims = token::verifySignedToken(jwt, *keys, now);
  if (!claims && hasUnknownKid(jwt, *keys)) {
    // Another node may have rotated in a key this node has not polled yet: look once more.
    auto fresher = keys_.refreshForUnknownKid();
    if (fresher != keys) claims = token::verifySignedToken(jwt, *fresher, now);
  }
  if (!claims) return claims.error();
  if (Status s = checkTokenClaims(*claims, policy_, now); !s.ok()) return s.error();
  auto revoked = states_.isRevoked(claims->jti);
  if (!revoked) return revoked.error();
  if (*revoked) return Error::unauthenticated("token has been revoked or already used");
  return claims;
}

Result<AccessTokenClaims> TokenService::verify(std::string_view jwt, const TokenCheck& check) {
  auto claims = validate(jwt);
  if (!claims) return claims.error();
  if (Status s = checkTokenAccess(*claims, check); !s.ok()) return s.error();
  return claims;
}

Result<bool> TokenService::consume(const AccessTokenClaims& claims) {
  if (claims.jti.empty()) return Error::invalidArgument("token has no jti");
  return states_.consume(claims.jti, stateExpiry(claims));
}

Result<bool> TokenService::revoke(std::string_view jwt) {
  auto claims = validate(jwt);
  if (!claims) {
    if (claims.error().code() == ErrorCode::kUnauthenticated) return false;
    return claims.error();
  }
  if (Status s = states_.revoke(claims->jti, stateExpiry(*claims)); !s.ok()) return s.error();
  return true;
}

std::string TokenService::jwks() { return keys_.current()->jwks(clock_.now()); }

}  // namespace callgate
