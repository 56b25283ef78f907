// issue-action-link: texts an authenticated caller a single-use link for one action. Parameters
// `userId` and `action` (default account:add_member). The contact must have been seen to
// authenticate by callgate itself: its contact id (non-empty) has an unexpired ContactAuthLedger
// record, written by verify-pin or verify-otp, that names the user id or is for
// the number on file of the user id. No contact attribute counts: `authenticated` and `userId`
// come from the request (the Connect endpoints take them from the body) or from the flow, and
// either can be wrong. The record also makes a cross-check of the `userId` attribute moot: a
// contact that authenticated as one account has no record for another. The link goes to the
// number on file (LinkNumberSource): with callgate's own credential store, the customer store's
// number for the user id, read now; with a directory verifying PINs, the number the directory
// stated at sign-in, which verify-pin wrote into the record (the customer store's when it
// stated none). Either way the user id must have an account in the customer store (the grant
// and the member it adds belong to it): reason unknown_user otherwise.
//
// Answers lambdaResult "Success" and linkResult "Sent" (with linkExpiresInMinutes) or "Error"
// with reason not_authenticated | unknown_action | unknown_user | rate_limited | sms_failed. A
// Result error only for a failing dependency (the database). Thread-safe; borrows ActionLinks.
#pragma once

#include "functions/action_links.h"
#include "functions/contact_auth.h"
#include "functions/function.h"

namespace callgate {

// Where "the number on file" comes from: kCustomerStore with the builtin verifier; kSignIn with a
// directory ([credentials] verifier other than builtin), whose users callgate may not store.
enum class LinkNumberSource { kCustomerStore, kSignIn };

class IssueActionLink : public Function {
 public:
  IssueActionLink(ActionLinks& links, ContactAuthLedger& ledger,
                  LinkNumberSource numbers = LinkNumberSource::kCustomerStore)
      : links_(links), ledger_(ledger), numbers_(numbers) {}
  std::string_view name() const override { return "issue-action-link"; }
  Result<StringMap> invoke(const FunctionRequest& request) override;

 private:
  ActionLinks& links_;
  ContactAuthLedger& ledger_;
  const LinkNumberSource numbers_;
};

}  // namespace callgate
