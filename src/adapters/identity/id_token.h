// The claims of an OpenID Connect ID token (OIDC Core §2, §3.1.3.7) and of an Amazon Cognito
// ID token, checked against what this relying party expects, and mapped to the caller's
// identity (core/credential_verifier.h).
//
// checkIdTokenClaims (after the signature, jose.h):
//  - iss equals the configured issuer exactly;
//  - aud (a string or an array) contains the client id; with several audiences azp must be
//    present, and whenever azp is present it must be the client id;
//  - exp is after now - leeway; iat (required) and nbf (if present) not after now + leeway;
//  - token_use equals `tokenUse` when that is set (Cognito: "id", so an access token never
//    passes for an ID token).
// Every failure is kUnauthenticated naming the claim, never quoting a value.
//
// IdentityMapping picks the claims a directory uses; mapIdentity never fails: a claim that is
// absent or malformed leaves the field empty (a phone number that is not verified, when
// verification is required, or not a valid number, is ""). Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "core/credential_verifier.h"
#include "core/time.h"

namespace callgate::identity {

struct IdTokenClaims {
  // Every top-level claim whose value is a string, a boolean ("true"/"false") or an integer
  // (decimal), by name. Objects, arrays and other numbers are left out.
  std::map<std::string, std::string> values;
  std::vector<std::string> audience;

  // The value of claim `name`, or "".
  std::string get(std::string_view name) const;
};

struct IdTokenExpectations {
  std::string issuer;
  std::string clientId;
  Seconds leeway{60};
  std::string tokenUse;  // "" = not checked
};

// Parses the (verified) payload and checks it as described above.
Result<IdTokenClaims> checkIdTokenClaims(std::string_view payloadJson,
                                         const IdTokenExpectations& expected, TimePoint now);

struct IdentityMapping {
  std::string subjectClaim = "sub";
  std::string phoneClaim = "phone_number";
  // The claim that must be true for the phone number to be used; "" = use it unverified.
  std::string phoneVerifiedClaim = "phone_number_verified";
  std::string firstNameClaim = "given_name";
  std::string lastNameClaim = "family_name";
  std::string languageClaim = "locale";
  std::string levelClaim;     // "" = none (the customer store's level, if it knows the number)
  std::string defaultRegion;  // for phone numbers written without a country code
};

// The caller's identity from verified, checked claims. `userId` is kept as the caller gave it.
VerifiedIdentity mapIdentity(std::string_view userId, const IdTokenClaims& claims,
                             const IdentityMapping& mapping);

// A BCP 47 tag from an OIDC `locale` ("en-US"; also "en_US" as some IdPs write it), or "".
std::string languageTag(std::string_view locale);

}  // namespace callgate::identity
