#include "channels/oauth/oauth_routes.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "channels/oauth/client_auth.h"
#include "common/form.h"
#include "common/json_writer.h"

namespace callgate::oauth {

namespace {

std::chrono::seconds::rep unixSeconds(TimePoint t) {
  return std::chrono::duration_cast<Seconds>(t.time_since_epoch()).count();
}

// RFC 6749 §5.2 error object.
http::Response oauthError(int status, const char* error, std::string_view description = {}) {
  http::Response r;
  r.status = status;
  r.body = "{\"error\":";
  json::appendString(r.body, error);
  if (!description.empty()) {
    r.body += ",\"error_description\":";
    json::appendString(r.body, description);
  }
  r.body += "}";
  r.headers.emplace_back("Cache-Control", "no-store");
  r.logFields = std::string("outcome=") + error;
  return r;
}

http::Response unauthorizedClient() {
  http::Response r = oauthError(401, "invalid_client", "client authentication failed");
  r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"callgate\", charset=\"UTF-8\"");
  return r;
}

http::Response storageError(const Error& error, const char* what) {
  if (error.code() == ErrorCode::kUnavailable || error.code() == ErrorCode::kResourceExhausted) {
    spdlog::warn("event={}_unavailable error=\"{}\"", what, error.message());
    return oauthError(503, "temporarily_unavailable");
  }
  spdlog::error("event={}_error code={} error=\"{}\"", what, errorCodeName(error.code()),
                error.message());
  return oauthError(500, "server_error");
}

// The shared front of both POST endpoints: client authentication, then the form and its token.
struct TokenRequest {
  std::string client;
  std::string token;
};

std::optional<http::Response> readTokenRequest(const ClientAuthenticator& clients,
                                               const http::Request& request, TokenRequest& out) {
  auto client = clients.authenticate(request.header("authorization"));
  if (!client) return unauthorizedClient();
  out.client = std::move(*client);
  if (!http::isFormContentType(request.header("content-type"))) {
    return oauthError(400, "invalid_request", "the body must be application/x-www-form-urlencoded");
  }
  auto form = http::parseForm(request.body);
  if (!form) return oauthError(400, "invalid_request", form.error().message());
  auto token = form->find("token");
  if (token == form->end() || token->second.empty()) {
    return oauthError(400, "invalid_request", "the token parameter is required");
  }
  out.token = std::move(token->second);
  return std::nullopt;
}

std::string introspectionBody(const AccessTokenClaims& c) {
  std::string out = "{\"active\":true,\"scope\":";
  json::appendString(out, c.scope);
  out += ",\"sub\":";
  json::appendString(out, c.subject);
  out += ",\"aud\":";
  json::appendString(out, c.audience);
  out += ",\"iss\":";
  json::appendString(out, c.issuer);
  out += ",\"exp\":" + std::to_string(unixSeconds(c.expiresAt));
  out += ",\"iat\":" + std::to_string(unixSeconds(c.issuedAt));
  out += ",\"jti\":";
  json::appendString(out, c.jti);
  out += ",\"token_type\":\"Bearer\"}";
  return out;
}

}  // namespace

std::string discoveryDocument(const std::string& issuer) {
  std::string out = "{\"issuer\":";
  json::appendString(out, issuer);
  out += ",\"jwks_uri\":";
  json::appendString(out, issuer + kJwksPath);
  out += ",\"introspection_endpoint\":";
  json::appendString(out, issuer + kIntrospectPath);
  out += ",\"introspection_endpoint_auth_methods_supported\":[\"client_secret_basic\"]";
  out += ",\"revocation_endpoint\":";
  json::appendString(out, issuer + kRevokePath);
  out += ",\"revocation_endpoint_auth_methods_supported\":[\"client_secret_basic\"]";
  out += ",\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\"]";
  // Access tokens are JWTs signed like ID tokens would be; resource servers look here for it.
  out += ",\"id_token_signing_alg_values_supported\":[\"EdDSA\"]";
  out += "}";
  return out;
}

void addOAuthRoutes(http::Router& router, TokenService& tokens, const OAuthOptions& options) {
  auto clients = std::make_shared<const ClientAuthenticator>(options.clients);
  TokenService* service = &tokens;

  router.add(
      "GET", kJwksPath,
      [service](const http::Request&) {
        http::Response r;
        r.body = service->jwks();  // may re-read the key file after a rotation: blocking
        r.headers.emplace_back("Cache-Control", "public, max-age=300");
        return r;
      },
      http::Lane::kWorker);

  router.add(
      "GET", kDiscoveryPath,
      [doc = discoveryDocument(options.issuer)](const http::Request&) {
        http::Response r;
        r.body = doc;
        r.headers.emplace_back("Cache-Control", "public, max-age=300");
        return r;
      },
      http::Lane::kIoThread);

  router.add(
      "POST", kIntrospectPath,
      [service, clients](const http::Request& request) {
        TokenRequest req;
        if (auto refused = readTokenRequest(*clients, request, req)) return *refused;
        auto claims = service->validate(req.token);
        http::Response r;
        r.headers.emplace_back("Cache-Control", "no-store");
        if (claims) {
          r.body = introspectionBody(*claims);
          r.logFields = "client=" + req.client + " active=true";
          return r;
        }
        if (claims.error().code() != ErrorCode::kUnauthenticated)
          return storageError(claims.error(), "introspect");
        r.body = R"({"active":false})";
        r.logFields = "client=" + req.client + " active=false";
        return r;
      },
      http::Lane::kWorker);

  router.add(
      "POST", kRevokePath,
      [service, clients](const http::Request& request) {
        TokenRequest req;
        if (auto refused = readTokenRequest(*clients, request, req)) return *refused;
        auto revoked = service->revoke(req.token);
        if (!revoked) return storageError(revoked.error(), "revoke");
        // RFC 7009 §2.2: 200 whether or not the token was valid, so callers learn nothing from it.
        http::Response r;
        r.contentType.clear();
        r.headers.emplace_back("Cache-Control", "no-store");
        r.logFields = "client=" + req.client + (*revoked ? " revoked=true" : " revoked=false");
        return r;
      },
      http::Lane::kWorker);
}

}  // namespace callgate::oauth
