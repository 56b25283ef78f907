#include "adapters/identity/cognito/cognito_options.h"

#include <algorithm>
#include <cctype>

#include "adapters/identity/idp_http.h"

namespace callgate::identity {

namespace {

bool isRegion(std::string_view r) {
  return !r.empty() && r.size() <= 32 && std::all_of(r.begin(), r.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

}  // namespace

std::string CognitoVerifierConfig::effectiveEndpoint() const {
  return endpoint.empty() ? "https://cognito-idp." + region + ".amazonaws.com/" : endpoint;
}

std::string CognitoVerifierConfig::issuer() const {
  return "https://cognito-idp." + region + ".amazonaws.com/" + userPoolId;
}

std::string CognitoVerifierConfig::effectiveJwksUri() const {
  return jwksUri.empty() ? issuer() + "/.well-known/jwks.json" : jwksUri;
}

Status validateCognitoConfig(const CognitoVerifierConfig& c) {
  if (!isRegion(c.region)) {
    return Error::invalidArgument(
        "credentials.cognito.region is required (lower-case letters, digits, '-')");
  }
  // A user pool id is "{region}_{id}".
  if (c.userPoolId.rfind(c.region + "_", 0) != 0 || c.userPoolId.size() <= c.region.size() + 1 ||
      !std::all_of(c.userPoolId.begin() + static_cast<long>(c.region.size()) + 1,
                   c.userPoolId.end(),
                   [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0; })) {
    return Error::invalidArgument(
        "credentials.cognito.user_pool_id must be \"{region}_{id}\" in the configured region");
  }
  if (c.clientId.empty() || !std::all_of(c.clientId.begin(), c.clientId.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) != 0;
      })) {
    return Error::invalidArgument("credentials.cognito.client_id is required (letters and digits)");
  }
  if (auto s =
          checkEndpointUrl("credentials.cognito.endpoint", c.effectiveEndpoint(), c.allowInsecure);
      !s) {
    return s;
  }
  if (auto s =
          checkEndpointUrl("credentials.cognito.jwks_uri", c.effectiveJwksUri(), c.allowInsecure);
      !s) {
    return s;
  }
  if (c.timeout.count() <= 0) {
    return Error::invalidArgument("credentials.timeout_ms must be positive");
  }
  return okStatus();
}

}  // namespace callgate::identity
