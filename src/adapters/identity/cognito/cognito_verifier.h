// CognitoPasswordVerifier: the CredentialVerifier for an Amazon Cognito user pool, through the
// InitiateAuth API with the USER_PASSWORD_AUTH flow (the app client must allow
// ALLOW_USER_PASSWORD_AUTH):
//
//   POST https://cognito-idp.{region}.amazonaws.com/        (endpoint overridable)
//   Content-Type: application/x-amz-json-1.1
//   X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth
//   {"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"..","AuthParameters":
//     {"USERNAME":"..","PASSWORD":"..","SECRET_HASH":".."}}
//
// InitiateAuth is an unauthenticated API (no SigV4); an app client with a secret needs
// SECRET_HASH = Base64(HMAC-SHA256(key = client secret, message = username + client id)).
//
// Answers:
//  - AuthenticationResult: kVerified. Its IdToken is verified (RS256, the user pool's JWKS at
//    https://cognito-idp.{region}.amazonaws.com/{userPoolId}/.well-known/jwks.json, iss = that
//    pool, aud = the client id, token_use = "id"), and the identity read from its claims (sub,
//    phone_number if phone_number_verified, given_name, family_name, locale).
//  - ChallengeName (NEW_PASSWORD_REQUIRED, SMS_MFA, SOFTWARE_TOKEN_MFA, ...): kRejected with the
//    challenge in `detail`: a call cannot complete it.
//  - NotAuthorizedException, UserNotFoundException, PasswordResetRequiredException,
//    UserNotConfirmedException: kRejected, the exception in `detail` (audit only). A
//    NotAuthorizedException about the SECRET_HASH or about a client that needs a secret is a
//    misconfiguration, so an error.
//  - TooManyRequestsException, InternalErrorException, ResourceNotFoundException (no such
//    client), InvalidParameterException (e.g. the flow is not enabled), any other exception,
//    5xx, timeouts, a token that does not verify: an error (verify-pin fails safe).
// Messages name the host, the HTTP status and the exception type, never the password, the
// client secret, the SECRET_HASH or a token. No request is retried (a retry could count twice
// against Cognito's own lockout).
//
// Owns its config; borrows the HttpClient and the Clock. Blocking; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "adapters/identity/cognito/cognito_options.h"
#include "adapters/identity/id_token_verifier.h"
#include "adapters/identity/jwks_cache.h"
#include "adapters/net/http_client/http_client.h"
#include "core/credential_verifier.h"

namespace callgate::identity {

// Base64(HMAC-SHA256(clientSecret, username + clientId)).
std::string cognitoSecretHash(std::string_view username, std::string_view clientId,
                              std::string_view clientSecret);

class CognitoPasswordVerifier final : public CredentialVerifier {
 public:
  // `config` must have passed validateCognitoConfig.
  CognitoPasswordVerifier(CognitoVerifierConfig config, HttpClient& http, const Clock& clock);

  std::string_view name() const override { return "cognito"; }
  Result<CredentialCheck> verify(std::string_view userId, std::string_view secret) override;

  // The InitiateAuth request for `userId` / `secret` (for tests).
  HttpClientRequest buildRequest(std::string_view userId, std::string_view secret) const;

 private:
  const CognitoVerifierConfig config_;
  HttpClient& http_;
  JwksCache jwks_;
  IdTokenVerifier idTokens_;
};

}  // namespace callgate::identity
