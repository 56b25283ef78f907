#include "functions/issue_action_link.h"

namespace callgate {

namespace {

StringMap linkError(const char* reason) {
  return {{"lambdaResult", "Success"}, {"linkResult", "Error"}, {"reason", reason}};
}

std::string lookup(const StringMap& map, const char* key) {
  auto it = map.find(key);
  return it == map.end() ? std::string() : it->second;
}

}  // namespace

Result<StringMap> IssueActionLink::invoke(const FunctionRequest& request) {
  const std::string userId = lookup(request.parameters, "userId");
  std::string action = lookup(request.parameters, "action");
  if (action.empty()) action = kActionAddMember;

  // callgate's own record decides, never the contact's attributes (see the header).
  auto vouched = ledger_.vouchingRecord(request.contact.contactId, userId);
  if (!vouched.ok()) return vouched.error();
  if (!vouched->has_value()) return linkError("not_authenticated");

  // The number the sign-in established (a directory's, for a directory user); "" = the customer
  // store's.
  const std::string phone =
      numbers_ == LinkNumberSource::kSignIn ? (*vouched)->phone : std::string();
  auto issued = links_.issue(userId, action, phone);
  if (!issued.ok()) return issued.error();
  switch (issued->outcome) {
    case IssueOutcome::kSent:
      break;
    case IssueOutcome::kUnknownAction:
      return linkError("unknown_action");
    case IssueOutcome::kUnknownUser:
      return linkError("unknown_user");
    case IssueOutcome::kRateLimited:
      return linkError("rate_limited");
    case IssueOutcome::kSmsFailed:
      return linkError("sms_failed");
  }
  const int64_t minutes = (links_.config().ttl.count() + 59) / 60;
  return StringMap{{"lambdaResult", "Success"},
                   {"linkResult", "Sent"},
                   {"linkExpiresInMinutes", std::to_string(minutes)}};
}

}  // namespace callgate
