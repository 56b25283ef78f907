// RedeemLink: the POST behind a single-use link (DESIGN §4 "Links"): uses the link up and hands
// its holder the one-scope access token that lets them do the link's action. The order is the
// security contract, and this class is the one place that fixes it:
//   1. inspect the grant (exists, not expired, not redeemed): nothing is minted for a link that
//      cannot be used;
//   2. mint the access token (scope = the grant's action, subject = its account, amr pin+sms):
//      a signing failure leaves the link unused, so the caller can simply try again;
//   3. redeem the grant, atomically, exactly once: of two concurrent redemptions only the one
//      that wins the store's compare-and-set gets its token; the loser's token is dropped unseen.
// CSRF and origin checks are the web page's (channels/web); this works on the code alone.
//
// Audit: link_redeemed (by ActionLinks::redeem) for the winner only; nothing for refusals.
// Borrows its ports, which must outlive it. Thread-safe (stateless over thread-safe ports).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "core/token_ports.h"
#include "functions/action_links.h"

namespace callgate {

struct Redemption {
  // kValid: this call redeemed the link and accessToken holds the token. kUnknown, kExpired,
  // kUsed: the link could not be used (kUsed also when another request redeemed it first).
  LinkView link;
  std::string accessToken;  // the encoded token; empty unless link.state is kValid

  bool redeemed() const { return link.state == LinkState::kValid; }
};

// How the holder of a redeemed link authenticated: a PIN on the call that issued it, then
// possession of the phone the link was texted to.
const std::vector<std::string>& linkTokenAmr();

class RedeemLink {
 public:
  RedeemLink(ActionLinks& links, AccessTokenIssuer& tokens) : links_(links), tokens_(tokens) {}

  // Business outcomes are values; a Result error means a dependency (the grant store or the
  // token issuer) failed and the link, if it was usable, still is.
  Result<Redemption> redeem(std::string_view code);

 private:
  ActionLinks& links_;
  AccessTokenIssuer& tokens_;
};

}  // namespace callgate
