#include "functions/member_action.h"

#include <spdlog/spdlog.h>

#include "core/action_grant.h"

namespace callgate {

Result<MemberPermit> MemberAction::authorize(std::string_view accessToken,
                                             const std::string& accountUserId) {
  auto claims = tokens_.verify(accessToken, TokenCheck{kActionAddMember, accountUserId});
  if (!claims.ok()) {
    const ErrorCode code = claims.error().code();
    if (code == ErrorCode::kUnauthenticated || code == ErrorCode::kPermissionDenied)
      return claims.error();
    spdlog::warn("event=token_verify_failed error=\"{}\"", claims.error().message());
    return Error::unavailable(claims.error().message());
  }
  return MemberPermit(std::move(*claims), accountUserId);
}

Result<Member> MemberAction::add(MemberPermit permit, const MemberInput& input) {
  // Check before consuming: a refused form leaves the token usable for the corrected one.
  if (auto valid = members_.check(input); !valid.ok()) return valid.error();

  auto first = tokens_.consume(permit.claims_);
  if (!first.ok()) {
    spdlog::warn("event=token_consume_failed error=\"{}\"", first.error().message());
    return Error::unavailable(first.error().message());
  }
  if (!*first) return Error::unauthenticated("the access token was used already");

  auto added = members_.add(permit.accountUserId_, input);
  if (!added.ok()) {
    const ErrorCode code = added.error().code();
    if (code == ErrorCode::kInvalidArgument || code == ErrorCode::kNotFound) return added.error();
    spdlog::error("event=member_add_failed error=\"{}\"", added.error().message());
    return Error::unavailable(added.error().message());
  }
  return added;
}

Result<Member> MemberAction::run(std::string_view accessToken, const std::string& accountUserId,
                                 const MemberInput& input) {
  auto permit = authorize(accessToken, accountUserId);
  if (!permit.ok()) return permit.error();
  return add(std::move(*permit), input);
}

}  // namespace callgate
