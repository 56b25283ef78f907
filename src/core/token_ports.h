// Token ports: how the functions mint and check callgate's access tokens without knowing how they
// are encoded, signed or remembered (the adapter, adapters/security/token's TokenService, signs
// Ed25519 JWTs and keeps used and revoked token ids in a TokenStateStore). Kept apart from
// core/ports.h so the storage and messaging ports there stay one contract.
//
// Implementations must be safe to call from several threads at once (the HTTP server redeems
// links and adds members from a worker pool).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "core/access_token.h"
#include "core/verdict_token.h"

namespace callgate {

// A freshly minted token: the encoded form handed to the holder and the claims it carries.
struct IssuedToken {
  std::string jwt;
  AccessTokenClaims claims;
};

class AccessTokenIssuer {
 public:
  virtual ~AccessTokenIssuer() = default;
  // A new token for one scope about one subject, with the ways the holder authenticated (amr).
  // kInvalidArgument for a subject, scope or amr entry the issuer cannot put in a token; any
  // other error means the issuer could not sign just now.
  virtual Result<IssuedToken> issue(const std::string& subject, const std::string& scope,
                                    std::vector<std::string> amr) = 0;
};

class AccessTokenVerifier {
 public:
  virtual ~AccessTokenVerifier() = default;
  // The claims of a token that is ours, intact, current, neither revoked nor used, and grants
  // check.scope about check.subject. kUnauthenticated for a token that is not (bad, tampered,
  // expired, wrong issuer or audience, revoked, used); kPermissionDenied for a valid token with
  // the wrong scope or subject; kUnavailable when the token state cannot be read.
  virtual Result<AccessTokenClaims> verify(std::string_view jwt, const TokenCheck& check) = 0;
  // Single use: marks the token used, atomically; true for the first caller only, false if it
  // was used or revoked already. Call after verify().
  virtual Result<bool> consume(const AccessTokenClaims& claims) = 0;
};

// Signs verdicts (core/verdict_token.h) with the server's current key. The claims are complete
// when given (issuer, jti, times: the caller sets them); the signer only encodes and signs.
class VerdictSigner {
 public:
  virtual ~VerdictSigner() = default;
  // The compact JWT; an error only when no key can sign just now.
  virtual Result<std::string> sign(const VerdictClaims& claims) = 0;
  // callgate's own check of a verdict, as an agent side holding the JWKS would make it: the
  // signature under one of the server's keys, then checkVerdictClaims (issuer, audience, binding,
  // lifetime at `now`). kUnauthenticated naming the first thing wrong.
  virtual Status verify(std::string_view jwt, const VerdictCheck& check, TimePoint now) = 0;
};

}  // namespace callgate
