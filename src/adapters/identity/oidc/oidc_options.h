// [credentials.oidc]: the options of the OIDC password-grant verifier
// (oidc_password_verifier.h), read by app/config and checked by validateOidcConfig. Plain data.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/identity/id_token.h"
#include "adapters/identity/jose.h"
#include "common/result.h"
#include "core/time.h"

namespace callgate::identity {

enum class OidcClientAuth { kClientSecretBasic, kClientSecretPost, kNone };

// "client_secret_basic", "client_secret_post", "none" (OIDC Discovery's names).
std::optional<OidcClientAuth> parseOidcClientAuth(std::string_view name);

struct OidcVerifierConfig {
  std::string issuer;        // required: the "iss" of its ID tokens
  std::string clientId;      // required
  std::string clientSecret;  // required unless clientAuth is kNone
  OidcClientAuth clientAuth = OidcClientAuth::kClientSecretBasic;
  std::string tokenEndpoint;  // "" = from discovery
  std::string jwksUri;        // "" = from discovery
  std::string scope = "openid profile phone";
  std::vector<std::string> algorithms = supportedJwsAlgorithms();
  IdentityMapping mapping;
  Seconds leeway{60};
  Millis timeout{3000};  // the whole check ([credentials] timeout_ms)
  bool allowInsecure = false;
  std::string caFile;  // PEM CA bundle for the IdP's certificate; "" = the system store
  Seconds discoveryMaxAge{3600};
  Seconds jwksMaxAge{3600};
  Seconds jwksMinRefetchInterval{30};
};

// kInvalidArgument naming the first problem of `config` (missing issuer or client, a plain-http
// URL to a non-loopback host without allowInsecure, an unknown algorithm, ...).
Status validateOidcConfig(const OidcVerifierConfig& config);

}  // namespace callgate::identity
