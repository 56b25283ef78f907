#include "adapters/identity/oidc/oidc_options.h"

#include <algorithm>
#include <utility>

#include "adapters/identity/idp_http.h"

namespace callgate::identity {

std::optional<OidcClientAuth> parseOidcClientAuth(std::string_view name) {
  if (name == "client_secret_basic") return OidcClientAuth::kClientSecretBasic;
  if (name == "client_secret_post") return OidcClientAuth::kClientSecretPost;
  if (name == "none") return OidcClientAuth::kNone;
  return std::nullopt;
}

Status validateOidcConfig(const OidcVerifierConfig& c) {
  if (c.issuer.empty()) return Error::invalidArgument("credentials.oidc.issuer is required");
  if (auto s = checkEndpointUrl("credentials.oidc.issuer", c.issuer, c.allowInsecure); !s) {
    return s;
  }
  if (c.clientId.empty()) return Error::invalidArgument("credentials.oidc.client_id is required");
  if (c.clientAuth != OidcClientAuth::kNone && c.clientSecret.empty()) {
    return Error::invalidArgument(
        "credentials.oidc.client_secret (or CALLGATE_OIDC_CLIENT_SECRET) is required unless "
        "client_auth = \"none\"");
  }
  for (const auto& [what, url] :
       {std::pair{"token_endpoint", &c.tokenEndpoint}, std::pair{"jwks_uri", &c.jwksUri}}) {
    if (url->empty()) continue;
    if (auto s = checkEndpointUrl(std::string("credentials.oidc.") + what, *url, c.allowInsecure);
        !s) {
      return s;
    }
  }
  if (c.algorithms.empty()) {
    return Error::invalidArgument("credentials.oidc.id_token_algorithms must not be empty");
  }
  for (const auto& alg : c.algorithms) {
    const auto& ok = supportedJwsAlgorithms();
    if (std::find(ok.begin(), ok.end(), alg) == ok.end()) {
      return Error::invalidArgument("credentials.oidc.id_token_algorithms: \"" + alg +
                                    "\" is not one of RS256, RS384, RS512, PS256, PS384, PS512, "
                                    "ES256, ES384, ES512, EdDSA");
    }
  }
  const std::string padded = " " + c.scope + " ";
  if (padded.find(" openid ") == std::string::npos) {
    return Error::invalidArgument(
        "credentials.oidc.scope must include \"openid\" (no ID token otherwise)");
  }
  if (c.timeout.count() <= 0) {
    return Error::invalidArgument("credentials.timeout_ms must be positive");
  }
  return okStatus();
}

}  // namespace callgate::identity
