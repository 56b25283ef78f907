// OidcPasswordVerifier: the CredentialVerifier for an OpenID Connect provider that allows the
// OAuth 2.0 Resource Owner Password Credentials grant (RFC 6749 §4.3): Keycloak's "direct access
// grants", Okta, Auth0 and the like.
//
//   POST {token_endpoint}
//   Content-Type: application/x-www-form-urlencoded
//   Authorization: Basic base64(urlencode(client_id) ":" urlencode(client_secret))   (basic)
//   grant_type=password&username={user id}&password={secret}&scope=openid ...
//        [&client_id=..&client_secret=..]   (client_secret_post; client_id alone for "none")
//
// 200 with an ID token whose signature (the IdP's JWKS), issuer, audience and times check
// (id_token_verifier.h) = kVerified, the identity from its claims (id_token.h IdentityMapping);
// a 4xx with `invalid_grant` (wrong password, unknown user, disabled account: the IdP does not
// tell them apart, and neither do we; RFC 6749 says 400, Keycloak sends 401, Auth0 403) =
// kRejected; every other answer (invalid_client,
// unauthorized_client, unsupported_grant_type, invalid_scope, 5xx, a timeout, no ID token, one
// that does not verify) = an error, so verify-pin fails safe. Error messages name the host, the
// HTTP status and the IdP's error code, never the password, the client secret or a token.
//
// One check (discovery, token request, JWKS, as needed) must finish within config.timeout: each
// request gets the time that is left.
// The token endpoint and JWKS URI are configured, or read from the issuer's discovery document
// ({issuer}/.well-known/openid-configuration, whose "issuer" must equal the configured one),
// fetched on first use and cached for discoveryMaxAge (a failed refresh keeps the old one).
// No request is retried: a retried password grant could count twice against the IdP's own
// lockout.
//
// Owns its config (the client secret: never logged); borrows the HttpClient and the Clock.
// Blocking (up to a few timeouts); thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/identity/id_token_verifier.h"
#include "adapters/identity/jwks_cache.h"
#include "adapters/identity/oidc/oidc_options.h"
#include "adapters/net/http_client/http_client.h"
#include "core/credential_verifier.h"

namespace callgate::identity {

class OidcPasswordVerifier final : public CredentialVerifier {
 public:
  // `config` must have passed validateOidcConfig.
  OidcPasswordVerifier(OidcVerifierConfig config, HttpClient& http, const Clock& clock);

  std::string_view name() const override { return "oidc"; }
  Result<CredentialCheck> verify(std::string_view userId, std::string_view secret) override;

  // The token request for `userId` / `secret` (for tests).
  HttpClientRequest buildTokenRequest(std::string_view tokenEndpoint, std::string_view userId,
                                      std::string_view secret) const;

  struct Endpoints {
    std::string tokenEndpoint;
    std::string jwksUri;
  };
  // The configured endpoints, or the discovered ones (fetching the discovery document if needed).
  Result<Endpoints> endpoints(Deadline deadline);

 private:
  Result<Endpoints> discoverLocked(Deadline deadline);

  const OidcVerifierConfig config_;
  HttpClient& http_;
  const Clock& clock_;
  JwksCache jwks_;
  IdTokenVerifier idTokens_;
  std::mutex mu_;
  std::optional<Endpoints> discovered_;  // guarded by mu_
  TimePoint discoveredAt_{};             // guarded by mu_
};

}  // namespace callgate::identity
