// POST /v1/accounts/{id}/members: adds a member to the account named in the path, for the
// holder of a one-scope access token whose subject is that account (RFC 6750 bearer usage).
// The token is single use: it is consumed only once the request is known to be valid, so a
// typo in the form does not cost the caller their link (functions/member_action.h fixes the
// order: verify, check, consume, add).
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "adapters/security/token/token_service.h"
#include "channels/web/web_routes.h"
#include "core/member.h"
#include "functions/action_links.h"
#include "functions/add_member.h"
#include "functions/member_action.h"

namespace callgate::web {

namespace {

http::Response bearerError(int status, std::string_view error, std::string_view description) {
  http::Response r = http::jsonError(status, description);
  std::string challenge = "Bearer realm=\"callgate\", error=\"";
  challenge.append(error).append("\"");
  if (error == "insufficient_scope")
    challenge.append(", scope=\"").append(kActionAddMember).append("\"");
  r.headers.emplace_back("WWW-Authenticate", std::move(challenge));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// The token after "Bearer " (the scheme is case-insensitive), or "" if there is none.
std::string_view bearerToken(const std::string& authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return {};
  for (size_t i = 0; i < kScheme.size(); ++i) {
    const char c = authorization[i];
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower != kScheme[i]) return {};
  }
  return std::string_view(authorization).substr(kScheme.size());
}

// The JSON body as a MemberInput: an object of strings with only the known keys.
Result<MemberInput> parseMemberInput(const std::string& body) {
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return Error::invalidArgument("the body must be a JSON object");
  MemberInput in;
  for (const auto& [key, value] : doc.items()) {
    std::string* field = key == "name"           ? &in.name
                         : key == "relationship" ? &in.relationship
                         : key == "dateOfBirth"  ? &in.dateOfBirth
                         : key == "phone"        ? &in.phone
                                                 : nullptr;
    if (field == nullptr) return Error::invalidArgument("unknown field " + key);
    if (value.is_null() && key == "phone") continue;
    if (!value.is_string()) return Error::invalidArgument(key + " must be a string");
    *field = value.get<std::string>();
  }
  return in;
}

http::Response addMember(MemberAction& action, const http::Request& request) {
  const std::string& account = request.param("id");
  const std::string_view jwt = bearerToken(request.header("authorization"));
  if (jwt.empty()) return bearerError(401, "invalid_token", "a Bearer access token is required");

  auto permit = action.authorize(jwt, account);
  if (!permit.ok()) {
    if (permit.error().code() == ErrorCode::kPermissionDenied) {
      return bearerError(403, "insufficient_scope", "the token does not allow this");
    }
    if (permit.error().code() == ErrorCode::kUnauthenticated) {
      return bearerError(401, "invalid_token", "the access token is invalid, expired or used");
    }
    return http::jsonError(503, "temporarily unavailable; retry later");
  }
  if (!request.header("content-type").starts_with("application/json")) {
    return http::jsonError(415, "send the member as application/json");
  }
  auto input = parseMemberInput(request.body);
  if (!input.ok()) return http::jsonError(400, input.error().message());

  auto added = action.add(std::move(*permit), *input);
  if (!added.ok()) {
    switch (added.error().code()) {
      case ErrorCode::kInvalidArgument:
        return http::jsonError(400, added.error().message());
      case ErrorCode::kUnauthenticated:
        return bearerError(401, "invalid_token", "the access token is invalid, expired or used");
      case ErrorCode::kNotFound:
        return http::jsonError(404, "no such account");
      default:
        return http::jsonError(503, "temporarily unavailable; retry later");
    }
  }
  nlohmann::json out = {{"id", added->id},
                        {"name", added->name},
                        {"relationship", added->relationship},
                        {"dateOfBirth", added->dateOfBirth}};
  if (!added->phone.empty()) out["phone"] = added->phone;
  http::Response r;
  r.status = 201;
  r.body = out.dump();
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace

void addMemberApiRoutes(http::Router& router, const WebDeps& deps) {
  // The token service is the AccessTokenVerifier port the function verifies and consumes through.
  auto action = std::make_shared<MemberAction>(deps.tokens, deps.members);
  router.add("POST", "/v1/accounts/{id}/members",
             [action](const http::Request& r) { return addMember(*action, r); });
}

}  // namespace callgate::web
