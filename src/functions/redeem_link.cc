#include "functions/redeem_link.h"

#include <spdlog/spdlog.h>

#include "common/metrics_catalog.h"

namespace callgate {

const std::vector<std::string>& linkTokenAmr() {
  static const std::vector<std::string> amr{"pin", "sms"};
  return amr;
}

Result<Redemption> RedeemLink::redeem(std::string_view code) {
  // Look first and sign before redeeming: a signing failure must not use up the caller's link.
  auto view = links_.inspect(code);
  if (!view.ok()) return view.error();
  // Unknown, used or expired: refused (a store error is neither redeemed nor refused).
  auto& refused = metrics::links().with({"refused"});
  if (view->state != LinkState::kValid) {
    refused.inc();
    return Redemption{*view, {}};
  }

  auto token = tokens_.issue(view->userId, view->action, linkTokenAmr());
  if (!token.ok()) {
    spdlog::error("event=token_issue_failed error=\"{}\"", token.error().message());
    return token.error();
  }

  auto redeemed = links_.redeem(code);
  if (!redeemed.ok()) return redeemed.error();
  // Lost a race (or the link expired since we looked): the token just minted is never shown.
  if (redeemed->state != LinkState::kValid) {
    refused.inc();
    return Redemption{*redeemed, {}};
  }
  metrics::links().with({"redeemed"}).inc();
  return Redemption{*redeemed, std::move(token->jwt)};
}

}  // namespace callgate
