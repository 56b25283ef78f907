// IdTokenVerifier: an ID token as an identity provider returned it, checked end to end: the
// JWS signature against the IdP's JWKS (jose.h, refetching once for an unknown kid through
// JwksCache), then the claims (id_token.h).
//
// Errors: kUnavailable when the keys cannot be had; kUnauthenticated for a token that does not
// verify (bad signature, an alg that is not accepted, a kid the IdP does not publish, a wrong
// issuer or audience, expired). Both mean "the directory's answer is unusable": a verifier
// reports them as errors, never as a rejected secret. Messages never quote the token.
// Borrows the cache and the clock. Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "adapters/identity/id_token.h"
#include "adapters/identity/jwks_cache.h"
#include "core/credential_verifier.h"

namespace callgate::identity {

class IdTokenVerifier {
 public:
  IdTokenVerifier(JwksCache& keys, const Clock& clock, IdTokenExpectations expected,
                  std::vector<std::string> algorithms);

  // Fetches the keys, if needed, within `deadline`.
  Result<IdTokenClaims> verify(std::string_view idToken, Deadline deadline);
  // What a password grant that returned `idToken` means for `userId`: kVerified with the mapped
  // identity, or kUnavailable ("<source>: ...") when the token does not verify or lacks the
  // subject claim. `source` names the answer for the message ("Cognito IdToken from HOST").
  Result<CredentialCheck> verifiedCheck(std::string_view idToken, Deadline deadline,
                                        std::string_view userId, const IdentityMapping& mapping,
                                        const std::string& source);

 private:
  JwksCache& keys_;
  const Clock& clock_;
  const IdTokenExpectations expected_;
  const std::vector<std::string> algorithms_;
};

}  // namespace callgate::identity
