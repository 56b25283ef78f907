// MemberAction: the "add a member" action a redeemed link leads to (POST
// /v1/accounts/{id}/members), over the token port and AddMember. The order is the security
// contract, and this class is the one place that fixes it:
//   1. authorize(): verify the access token (signature, issuer, audience, expiry, not used or
//      revoked, scope account:add_member, subject = the account). Nothing is consumed.
//   2. add(): check the member input (a typo must not cost the caller their single-use token),
//      then consume the token's jti (single use: of two concurrent requests one wins), then add
//      the member.
// The two steps are apart so the web layer can read the request body between them (it answers a
// bad token before a bad body); add() takes the MemberPermit that only authorize() makes, so
// nothing can add a member without a verified token, and the permit names the account.
//
// Errors, each a distinct answer:
//   authorize(): kUnauthenticated (no valid token), kPermissionDenied (valid token, wrong scope or
//     account), kUnavailable (the token state could not be read; logged).
//   add(): kInvalidArgument naming the field (nothing consumed), kUnauthenticated (the token was
//     used meanwhile), kNotFound (no such account; the token is used), kUnavailable (a store
//     failed; logged).
// Audit: member_added (by AddMember). Borrows its collaborators, which must outlive it.
// Thread-safe (stateless over thread-safe ports).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "core/access_token.h"
#include "core/member.h"
#include "core/token_ports.h"
#include "functions/add_member.h"

namespace callgate {

// Proof that authorize() accepted a token for one account. Move-only; made only by MemberAction.
class MemberPermit {
 public:
  MemberPermit(MemberPermit&&) = default;
  MemberPermit& operator=(MemberPermit&&) = default;
  MemberPermit(const MemberPermit&) = delete;
  MemberPermit& operator=(const MemberPermit&) = delete;

  const std::string& accountUserId() const { return accountUserId_; }

 private:
  friend class MemberAction;
  MemberPermit(AccessTokenClaims claims, std::string accountUserId)
      : claims_(std::move(claims)), accountUserId_(std::move(accountUserId)) {}

  AccessTokenClaims claims_;
  std::string accountUserId_;
};

class MemberAction {
 public:
  MemberAction(AccessTokenVerifier& tokens, AddMember& members)
      : tokens_(tokens), members_(members) {}

  // Step 1: may this token add a member to this account? Changes nothing.
  Result<MemberPermit> authorize(std::string_view accessToken, const std::string& accountUserId);

  // Step 2: checks the input, uses the token up, adds the member.
  Result<Member> add(MemberPermit permit, const MemberInput& input);

  // Both steps, for callers that hold the input before they ask.
  Result<Member> run(std::string_view accessToken, const std::string& accountUserId,
                     const MemberInput& input);

 private:
  AccessTokenVerifier& tokens_;
  AddMember& members_;
};

}  // namespace callgate
