#include "adapters/identity/id_token_verifier.h"

#include <utility>

namespace callgate::identity {

IdTokenVerifier::IdTokenVerifier(JwksCache& keys, const Clock& clock, IdTokenExpectations expected,
                                 std::vector<std::string> algorithms)
    : keys_(keys),
      clock_(clock),
      expected_(std::move(expected)),
      algorithms_(std::move(algorithms)) {}

Result<IdTokenClaims> IdTokenVerifier::verify(std::string_view idToken, Deadline deadline) {
  auto keys = keys_.get(deadline);
  if (!keys.ok()) return keys.error();
  auto jws = verifyJws(idToken, **keys, algorithms_);
  if (!jws.ok() && jws.error().code() == ErrorCode::kNotFound) {
    auto fresh = keys_.refreshForUnknownKid(deadline);
    if (!fresh.ok()) return fresh.error();
    if (*fresh != *keys) jws = verifyJws(idToken, **fresh, algorithms_);
  }
  if (!jws.ok()) {
    if (jws.error().code() == ErrorCode::kNotFound) {
      return Error::unauthenticated(jws.error().message());
    }
    return jws.error();
  }
  return checkIdTokenClaims(jws->payload, expected_, clock_.now());
}

Result<CredentialCheck> IdTokenVerifier::verifiedCheck(std::string_view idToken, Deadline deadline,
                                                       std::string_view userId,
                                                       const IdentityMapping& mapping,
                                                       const std::string& source) {
  auto claims = verify(idToken, deadline);
  if (!claims.ok()) return Error::unavailable(source + ": " + claims.error().message());
  CredentialCheck check;
  check.outcome = CredentialOutcome::kVerified;
  check.identity = mapIdentity(userId, *claims, mapping);
  if (check.identity.subject.empty()) {
    return Error::unavailable(source + " has no \"" + mapping.subjectClaim + "\" claim");
  }
  return check;
}

}  // namespace callgate::identity
