// issue-action-link: texts an authenticated caller a single-use link for one action. Parameters
// `userId` and `action` (default account:add_member). The contact must be authenticated: its
// attribute `authenticated` is "True" (set by the flow after verify-pin) and, when the contact
// carries a `userId` attribute, it names the same user id, so a flow cannot send a link for one
// account after authenticating another. The link goes to the number on file for the user id.
//
// Answers lambdaResult "Success" and linkResult "Sent" (with linkExpiresInMinutes) or "Error"
// with reason not_authenticated | unknown_action | unknown_user | rate_limited | sms_failed. A
// Result error only for a failing dependency (the database). Thread-safe; borrows ActionLinks.
#pragma once

#include "functions/action_links.h"
#include "functions/function.h"

namespace callgate {

class IssueActionLink : public Function {
 public:
  explicit IssueActionLink(ActionLinks& links) : links_(links) {}
  std::string_view name() const override { return "issue-action-link"; }
  Result<StringMap> invoke(const FunctionRequest& request) override;

 private:
  ActionLinks& links_;
};

}  // namespace callgate
