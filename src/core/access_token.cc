#include "core/access_token.h"

#include <algorithm>

namespace callgate {

Status checkTokenClaims(const AccessTokenClaims& claims, const TokenPolicy& policy, TimePoint now) {
  if (claims.issuer != policy.issuer)
    return Error::unauthenticated("token issuer is not this server");
  if (claims.audience != policy.audience)
    return Error::unauthenticated("token audience does not match");
  if (claims.subject.empty()) return Error::unauthenticated("token has no subject");
  if (claims.jti.empty()) return Error::unauthenticated("token has no jti");
  if (claims.expiresAt <= claims.issuedAt)
    return Error::unauthenticated("token expires before it was issued");
  if (claims.expiresAt - claims.issuedAt > kMaxTokenLifetime) {
    return Error::unauthenticated("token lifetime exceeds " +
                                  std::to_string(kMaxTokenLifetime.count()) + " s");
  }
  const Seconds leeway = std::clamp(policy.leeway, Seconds(0), kMaxClockLeeway);
  if (claims.issuedAt > now + leeway) return Error::unauthenticated("token is not valid yet");
  if (now >= claims.expiresAt + leeway) return Error::unauthenticated("token has expired");
  return okStatus();
}

Status checkTokenAccess(const AccessTokenClaims& claims, const TokenCheck& check) {
  if (check.scope.empty()) return Error::permissionDenied("no scope was requested");
  if (!scopeIncludes(claims.scope, check.scope)) {
    return Error::permissionDenied("token scope does not allow " + check.scope);
  }
  if (check.subject && *check.subject != claims.subject) {
    return Error::permissionDenied("token subject does not match");
  }
  return okStatus();
}

bool scopeIncludes(std::string_view scopeList, std::string_view scope) {
  if (scope.empty()) return false;
  size_t pos = 0;
  while (pos <= scopeList.size()) {
    size_t end = scopeList.find(' ', pos);
    if (end == std::string_view::npos) end = scopeList.size();
    if (scopeList.substr(pos, end - pos) == scope) return true;
    pos = end + 1;
  }
  return false;
}

bool isValidScopeToken(std::string_view scope) {
  if (scope.empty() || scope.size() > 128) return false;
  return std::all_of(scope.begin(), scope.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
  });
}

}  // namespace callgate
