#include "adapters/identity/oidc/oidc_password_verifier.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "adapters/identity/idp_http.h"

namespace callgate::identity {

namespace {

std::string hostOf(std::string_view url) {
  auto parts = splitUrl(url);
  return parts.ok() ? parts->host : std::string("?");
}

std::string stringMember(const nlohmann::json& doc, const char* name) {
  const auto it = doc.find(name);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

OidcPasswordVerifier::OidcPasswordVerifier(OidcVerifierConfig config, HttpClient& http,
                                           const Clock& clock)
    : config_(std::move(config)),
      http_(http),
      clock_(clock),
      jwks_(
          http, clock,
          // Called by the cache only after verify() has its endpoints, so it never fetches.
          [this]() -> Result<std::string> {
            auto e = endpoints(std::chrono::steady_clock::now() + config_.timeout);
            if (!e.ok()) return e.error();
            return e->jwksUri;
          },
          JwksCacheOptions{config_.jwksMaxAge, config_.jwksMinRefetchInterval}),
      idTokens_(jwks_, clock,
                IdTokenExpectations{config_.issuer, config_.clientId, config_.leeway, ""},
                config_.algorithms) {}

Result<OidcPasswordVerifier::Endpoints> OidcPasswordVerifier::endpoints(Deadline deadline) {
  if (!config_.tokenEndpoint.empty() && !config_.jwksUri.empty()) {
    return Endpoints{config_.tokenEndpoint, config_.jwksUri};
  }
  std::lock_guard lock(mu_);
  if (discovered_ && clock_.now() - discoveredAt_ < config_.discoveryMaxAge) return *discovered_;
  auto fresh = discoverLocked(deadline);
  if (!fresh.ok() && discovered_) return *discovered_;  // keep the last good one
  return fresh;
}

Result<OidcPasswordVerifier::Endpoints> OidcPasswordVerifier::discoverLocked(Deadline deadline) {
  const Millis left = timeLeft(deadline);
  if (left.count() == 0) return Error::unavailable("no time left for OIDC discovery");
  std::string url = config_.issuer;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/.well-known/openid-configuration";
  const std::string host = hostOf(url);
  HttpClientRequest request;
  request.method = "GET";
  request.url = url;
  request.headers.emplace_back("Accept", "application/json");
  request.timeout = left;
  auto response = http_.send(request);
  if (!response.ok()) {
    return Error::unavailable("OIDC discovery at " + host + ": " + response.error().message());
  }
  if (response->status != 200) {
    return Error::unavailable("OIDC discovery at " + host + " answered HTTP " +
                              std::to_string(response->status));
  }
  const nlohmann::json doc =
      nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Error::unavailable("OIDC discovery at " + host + " is not a JSON object");
  }
  // OIDC Discovery §4.3: the document's issuer must be exactly the one we asked about.
  if (stringMember(doc, "issuer") != config_.issuer) {
    return Error::unavailable("OIDC discovery at " + host +
                              " names another issuer than credentials.oidc.issuer");
  }
  Endpoints e{config_.tokenEndpoint, config_.jwksUri};
  if (e.tokenEndpoint.empty()) e.tokenEndpoint = stringMember(doc, "token_endpoint");
  if (e.jwksUri.empty()) e.jwksUri = stringMember(doc, "jwks_uri");
  if (e.tokenEndpoint.empty() || e.jwksUri.empty()) {
    return Error::unavailable("OIDC discovery at " + host + " lacks token_endpoint or jwks_uri");
  }
  for (const auto& [what, u] :
       {std::pair{"token_endpoint", &e.tokenEndpoint}, std::pair{"jwks_uri", &e.jwksUri}}) {
    if (auto s = checkEndpointUrl(std::string("OIDC discovery ") + what, *u, config_.allowInsecure);
        !s) {
      return Error::unavailable(s.error().message());
    }
  }
  discovered_ = e;
  discoveredAt_ = clock_.now();
  return e;
}

HttpClientRequest OidcPasswordVerifier::buildTokenRequest(std::string_view tokenEndpoint,
                                                          std::string_view userId,
                                                          std::string_view secret) const {
  HttpClientRequest request;
  request.method = "POST";
  request.url = std::string(tokenEndpoint);
  request.timeout = config_.timeout;
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  request.headers.emplace_back("Accept", "application/json");
  std::string body = "grant_type=password&username=" + formUrlEncode(userId) +
                     "&password=" + formUrlEncode(secret) +
                     "&scope=" + formUrlEncode(config_.scope);
  switch (config_.clientAuth) {
    case OidcClientAuth::kClientSecretBasic:
      request.headers.emplace_back("Authorization",
                                   basicAuthorization(config_.clientId, config_.clientSecret));
      break;
    case OidcClientAuth::kClientSecretPost:
      body += "&client_id=" + formUrlEncode(config_.clientId) +
              "&client_secret=" + formUrlEncode(config_.clientSecret);
      break;
    case OidcClientAuth::kNone:
      body += "&client_id=" + formUrlEncode(config_.clientId);
      break;
  }
  request.body = std::move(body);
  return request;
}

Result<CredentialCheck> OidcPasswordVerifier::verify(std::string_view userId,
                                                     std::string_view secret) {
  const Deadline deadline = std::chrono::steady_clock::now() + config_.timeout;
  auto ep = endpoints(deadline);
  if (!ep.ok()) return ep.error();
  const std::string host = hostOf(ep->tokenEndpoint);
  HttpClientRequest request = buildTokenRequest(ep->tokenEndpoint, userId, secret);
  request.timeout = timeLeft(deadline);
  if (request.timeout.count() == 0) {
    return Error::unavailable("OIDC token endpoint " + host + ": no time left after discovery");
  }
  auto response = http_.send(request);
  if (!response.ok()) {
    return Error::unavailable("OIDC token endpoint " + host + ": " + response.error().message());
  }
  const nlohmann::json doc =
      nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  const bool isObject = !doc.is_discarded() && doc.is_object();
  if (response->status == 200) {
    const std::string idToken = isObject ? stringMember(doc, "id_token") : std::string();
    if (idToken.empty()) {
      return Error::unavailable("OIDC token endpoint " + host +
                                " answered 200 without an id_token (is \"openid\" in scope?)");
    }
    return idTokens_.verifiedCheck(idToken, deadline, userId, config_.mapping,
                                   "OIDC ID token from " + host);
  }
  const std::string code = isObject ? safeCode(stringMember(doc, "error")) : std::string();
  // RFC 6749 §5.2 says 400; Keycloak answers 401 and Auth0 403 for the same wrong password.
  if (response->status >= 400 && response->status < 500 && code == "invalid_grant") {
    CredentialCheck check;
    check.outcome = CredentialOutcome::kRejected;
    check.detail = "invalid_grant";
    return check;
  }
  std::string what =
      "OIDC token endpoint " + host + " answered HTTP " + std::to_string(response->status);
  if (!code.empty()) what += " " + code;
  if (code == "invalid_client" || code == "unauthorized_client") {
    what +=
        " (check client_id, the client secret, client_auth, and that the client may use the "
        "password grant)";
  } else if (code == "unsupported_grant_type") {
    what += " (the IdP does not allow the password grant for this client)";
  }
  return Error::unavailable(what);
}

}  // namespace callgate::identity
