#include "adapters/identity/cognito/cognito_verifier.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>
#include <utility>

#include "adapters/identity/idp_http.h"

namespace callgate::identity {

namespace {

std::string hostOf(std::string_view url) {
  auto parts = splitUrl(url);
  return parts.ok() ? parts->host : std::string("?");
}

// The exception's short name from a JSON 1.1 error: "__type" may carry a namespace
// ("com.amazonaws.cognito#NotAuthorizedException"); the x-amzn-ErrorType header may carry a
// ":"-suffix.
std::string exceptionName(const HttpClientResponse& response, const nlohmann::json& doc) {
  std::string type;
  if (doc.is_object()) {
    const auto it = doc.find("__type");
    if (it != doc.end() && it->is_string()) type = it->get<std::string>();
  }
  if (type.empty()) type = response.header("x-amzn-errortype").value_or("");
  if (const size_t hash = type.rfind('#'); hash != std::string::npos) type.erase(0, hash + 1);
  if (const size_t colon = type.find(':'); colon != std::string::npos) type.resize(colon);
  return safeCode(type);
}

std::string errorMessage(const nlohmann::json& doc) {
  if (!doc.is_object()) return "";
  for (const char* key : {"message", "Message"}) {
    const auto it = doc.find(key);
    if (it != doc.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

bool containsNoCase(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                        });
  return it != haystack.end();
}

CredentialCheck rejected(std::string detail) {
  CredentialCheck check;
  check.outcome = CredentialOutcome::kRejected;
  check.detail = std::move(detail);
  return check;
}

}  // namespace

std::string cognitoSecretHash(std::string_view username, std::string_view clientId,
                              std::string_view clientSecret) {
  const std::string message = std::string(username) + std::string(clientId);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), clientSecret.data(), static_cast<int>(clientSecret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &len);
  return base64Encode(std::string_view(reinterpret_cast<const char*>(mac.data()), len));
}

CognitoPasswordVerifier::CognitoPasswordVerifier(CognitoVerifierConfig config, HttpClient& http,
                                                 const Clock& clock)
    : config_(std::move(config)),
      http_(http),
      jwks_(
          http, clock, [uri = config_.effectiveJwksUri()]() -> Result<std::string> { return uri; },
          JwksCacheOptions{config_.jwksMaxAge, config_.jwksMinRefetchInterval}),
      idTokens_(jwks_, clock,
                IdTokenExpectations{config_.issuer(), config_.clientId, config_.leeway, "id"},
                {"RS256"}) {}

HttpClientRequest CognitoPasswordVerifier::buildRequest(std::string_view userId,
                                                        std::string_view secret) const {
  nlohmann::json params = {{"USERNAME", userId}, {"PASSWORD", secret}};
  if (!config_.clientSecret.empty()) {
    params["SECRET_HASH"] = cognitoSecretHash(userId, config_.clientId, config_.clientSecret);
  }
  const nlohmann::json body = {{"AuthFlow", "USER_PASSWORD_AUTH"},
                               {"ClientId", config_.clientId},
                               {"AuthParameters", params}};
  HttpClientRequest request;
  request.method = "POST";
  request.url = config_.effectiveEndpoint();
  request.timeout = config_.timeout;
  request.headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
  request.headers.emplace_back("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth");
  // Invalid UTF-8 (never in a well-formed user id or PIN) is replaced rather than thrown on.
  request.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return request;
}

Result<CredentialCheck> CognitoPasswordVerifier::verify(std::string_view userId,
                                                        std::string_view secret) {
  const Deadline deadline = std::chrono::steady_clock::now() + config_.timeout;
  const std::string host = hostOf(config_.effectiveEndpoint());
  auto response = http_.send(buildRequest(userId, secret));
  if (!response.ok()) {
    return Error::unavailable("Cognito InitiateAuth at " + host + ": " +
                              response.error().message());
  }
  const nlohmann::json doc =
      nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (response->status == 200) {
    if (doc.is_discarded() || !doc.is_object()) {
      return Error::unavailable("Cognito InitiateAuth at " + host + " answered 200 without JSON");
    }
    const auto challenge = doc.find("ChallengeName");
    if (challenge != doc.end() && challenge->is_string()) {
      return rejected("challenge:" + safeCode(challenge->get<std::string>()));
    }
    const auto result = doc.find("AuthenticationResult");
    const nlohmann::json* idToken = nullptr;
    if (result != doc.end() && result->is_object()) {
      const auto it = result->find("IdToken");
      if (it != result->end() && it->is_string()) idToken = &*it;
    }
    if (idToken == nullptr) {
      return Error::unavailable("Cognito InitiateAuth at " + host +
                                " answered 200 with neither a challenge nor an IdToken");
    }
    return idTokens_.verifiedCheck(idToken->get_ref<const std::string&>(), deadline, userId,
                                   config_.mapping, "Cognito IdToken from " + host);
  }

  const std::string type = exceptionName(*response, doc.is_discarded() ? nlohmann::json() : doc);
  if (response->status == 400) {
    if (type == "NotAuthorizedException") {
      const std::string message = errorMessage(doc.is_discarded() ? nlohmann::json() : doc);
      // "Unable to verify secret hash for client ..." / "Client ... is configured for secret
      // but secret was not received": every caller would be refused; that is our fault.
      if (containsNoCase(message, "secret hash") ||
          containsNoCase(message, "configured for secret")) {
        return Error::unavailable("Cognito InitiateAuth at " + host +
                                  " refused the SECRET_HASH: check client_secret and client_id");
      }
      return rejected("not_authorized");
    }
    if (type == "UserNotFoundException") return rejected("unknown_user");
    if (type == "PasswordResetRequiredException") return rejected("password_reset_required");
    if (type == "UserNotConfirmedException") return rejected("user_not_confirmed");
  }
  std::string what =
      "Cognito InitiateAuth at " + host + " answered HTTP " + std::to_string(response->status);
  if (!type.empty()) what += " " + type;
  if (type == "ResourceNotFoundException") {
    what += " (check client_id and region)";
  } else if (type == "InvalidParameterException") {
    what += " (is ALLOW_USER_PASSWORD_AUTH enabled for the app client?)";
  }
  return Error::unavailable(what);
}

}  // namespace callgate::identity
