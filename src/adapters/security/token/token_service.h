// TokenService: mints and checks callgate's access tokens (see jwt.h for the format): short-lived
// Ed25519 JWTs for exactly one scope, about one subject (the customer's user id), for one
// audience. Verification is signature first, then the claims (core/access_token.h), then the
// token's state (revoked or already used, in a TokenStateStore), then scope and subject.
//
// Thread-safe: the key ring is, the state store and Random must be (production ones are), and
// the service itself holds only immutable options. Borrows everything given to the constructor,
// which must outlive it. It is the AccessTokenIssuer and AccessTokenVerifier of core/token_ports.h
// that the functions use.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "adapters/security/token/key_ring.h"
#include "core/access_token.h"
#include "core/ports.h"
#include "core/token_ports.h"

namespace callgate {

struct TokenServiceOptions {
  std::string issuer;                     // iss, e.g. "https://callgate.example.com"
  std::string audience = "callgate-api";  // aud
  Seconds ttl{300};                       // clamped to 1..kMaxTokenLifetime
  Seconds leeway = kDefaultClockLeeway;   // clamped to 0..kMaxClockLeeway
};

class TokenService : public AccessTokenIssuer, public AccessTokenVerifier {
 public:
  TokenService(token::KeyRing& keys, TokenStateStore& states, Random& random, const Clock& clock,
               TokenServiceOptions options);

  // A new token, signed with the newest key: iat = now (whole seconds), exp = iat + ttl, jti =
  // 16 CSPRNG bytes. kInvalidArgument for an empty or oversized subject, a scope that is not one
  // RFC 6749 scope-token, or an amr entry that is not a short token.
  Result<IssuedToken> issue(const std::string& subject, const std::string& scope,
                            std::vector<std::string> amr) override;

  // Signature, alg (EdDSA only), kid, typ, iss, aud, exp, iat, revocation; then scope/subject.
  // kUnauthenticated: malformed/tampered/alg none/unknown kid/expired/wrong issuer or audience/
  // revoked/used. kPermissionDenied: valid token but wrong scope or subject. kUnavailable when the
  // state store fails.
  Result<AccessTokenClaims> verify(std::string_view jwt, const TokenCheck& check) override;

  // Everything verify() checks except scope and subject: is this an active token of ours?
  // (Introspection and revocation.)
  Result<AccessTokenClaims> validate(std::string_view jwt);

  // Single use: marks the token used; true for the first caller only. Call after verify().
  Result<bool> consume(const AccessTokenClaims& claims) override;

  // RFC 7009: revokes the token if it is an active token of ours; true if it was revoked now,
  // false if it was not an active token (invalid, expired, already revoked or used).
  Result<bool> revoke(std::string_view jwt);

  // The JWKS document (RFC 8037 OKP keys) with every key that may still verify.
  std::string jwks();

  const TokenServiceOptions& options() const { return options_; }

 private:
  // How long a state row must live: until no verifier would accept the token anyway.
  TimePoint stateExpiry(const AccessTokenClaims& claims) const {
    return claims.expiresAt + policy_.leeway;
  }

  token::KeyRing& keys_;
  TokenStateStore& states_;
  Random& random_;
  const Clock& clock_;
  const TokenServiceOptions options_;
  const TokenPolicy policy_;
};

}  // namespace callgate
