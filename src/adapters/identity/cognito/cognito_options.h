// [credentials.cognito]: the options of the Cognito USER_PASSWORD_AUTH verifier
// (cognito_verifier.h), read by app/config and checked by validateCognitoConfig. Plain data.
#pragma once

#include <string>

#include "adapters/identity/id_token.h"
#include "common/result.h"
#include "core/time.h"

namespace callgate::identity {

struct CognitoVerifierConfig {
  std::string region;        // required, e.g. "eu-west-1"
  std::string userPoolId;    // required, e.g. "eu-west-1_AbCdEf123"
  std::string clientId;      // required
  std::string clientSecret;  // "" = an app client without a secret (no SECRET_HASH)
  std::string endpoint;      // "" = https://cognito-idp.{region}.amazonaws.com/
  std::string jwksUri;       // "" = {issuer}/.well-known/jwks.json
  IdentityMapping mapping;
  Seconds leeway{60};
  Millis timeout{3000};  // the whole check ([credentials] timeout_ms)
  bool allowInsecure = false;
  std::string caFile;  // PEM CA bundle for the IdP's certificate; "" = the system store
  Seconds jwksMaxAge{3600};
  Seconds jwksMinRefetchInterval{30};

  std::string effectiveEndpoint() const;
  // https://cognito-idp.{region}.amazonaws.com/{userPoolId}: the "iss" of the pool's tokens.
  std::string issuer() const;
  std::string effectiveJwksUri() const;
};

Status validateCognitoConfig(const CognitoVerifierConfig& config);

}  // namespace callgate::identity
