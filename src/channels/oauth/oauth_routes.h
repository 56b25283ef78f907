// The OAuth 2.0 / OpenID discovery endpoints over TokenService:
//   GET  /.well-known/jwks.json               the public signing keys (RFC 7517/8037)
//   GET  /.well-known/openid-configuration    discovery metadata (RFC 8414 / OIDC Discovery names)
//   POST /oauth2/introspect                   token introspection (RFC 7662)
//   POST /oauth2/revoke                       token revocation (RFC 7009)
// Introspection and revocation require client authentication with HTTP Basic against the
// configured clients (401 + WWW-Authenticate: Basic otherwise) and take form-encoded bodies.
//
// The TokenService must outlive the Router and any Server using it. Introspection and revocation
// touch storage, so they run on the server's worker pool; handlers are thread-safe.
#pragma once

#include <map>
#include <string>

#include "adapters/net/http/router.h"
#include "adapters/security/token/token_service.h"

namespace callgate::oauth {

inline constexpr const char* kJwksPath = "/.well-known/jwks.json";
inline constexpr const char* kDiscoveryPath = "/.well-known/openid-configuration";
inline constexpr const char* kIntrospectPath = "/oauth2/introspect";
inline constexpr const char* kRevokePath = "/oauth2/revoke";

struct OAuthOptions {
  // The issuer URL (no trailing slash); endpoint URLs in the discovery document are under it.
  std::string issuer;
  // client id -> secret, allowed to introspect and revoke.
  std::map<std::string, std::string> clients;
};

void addOAuthRoutes(http::Router& router, TokenService& tokens, const OAuthOptions& options);

// The discovery document for `issuer` (exposed for tests).
std::string discoveryDocument(const std::string& issuer);

}  // namespace callgate::oauth

namespace callgate {
using oauth::addOAuthRoutes;  // the name the app wires with
}  // namespace callgate
