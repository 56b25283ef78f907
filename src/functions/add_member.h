// AddMember: adds a member (spouse, child, ...) to an account, after the account holder proved
// their right to (a redeemed link and its access token; the web layer checks those). Validates
// the input (core/member.h); kInvalidArgument names the field ("dateOfBirth must be a date in the
// past"), kNotFound means no account has the user id. Audit member_added with the account, the
// member id, the relationship and a masked phone; never the name or date of birth.
// Thread-safe (stateless over thread-safe ports).
#pragma once

#include <string>

#include "core/handoff.h"
#include "core/member.h"
#include "core/ports.h"

namespace callgate {

class AddMember {
 public:
  AddMember(CustomerStore& customers, MemberStore& members, const Clock& clock, AuditLog& audit)
      : customers_(customers), members_(members), clock_(clock), audit_(audit) {}

  Result<Member> add(const std::string& accountUserId, const MemberInput& input);

  // The input as add() would store it, or add()'s kInvalidArgument for it, without touching a
  // store: for callers that must refuse a bad form before they spend something on it.
  Result<MemberInput> check(const MemberInput& input) const;

  // Where an added member is noted for the agent console (link_activity.h); nullptr = nowhere.
  // Set while wiring, before any request.
  void setHandoffs(HandoffStore* handoffs) { handoffs_ = handoffs; }

 private:
  CustomerStore& customers_;
  MemberStore& members_;
  const Clock& clock_;
  AuditLog& audit_;
  HandoffStore* handoffs_ = nullptr;
};

}  // namespace callgate
