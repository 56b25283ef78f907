#include "functions/action_links.h"

#include <spdlog/spdlog.h>

#include "common/metrics_catalog.h"
#include "core/phone.h"
#include "functions/link_activity.h"

namespace callgate {

namespace {

constexpr std::string_view kCsrfDomain = "csrf:";

LinkView viewOf(const Grant& grant, LinkState state) {
  return LinkView{state, grant.id, grant.action, grant.userId, grant.expiresAt};
}

LinkState stateAt(const Grant& grant, TimePoint now) {
  if (grant.state == GrantState::kRedeemed) return LinkState::kUsed;
  if (isGrantExpired(grant, now)) return LinkState::kExpired;
  return LinkState::kValid;
}

}  // namespace

const char* linkStateName(LinkState state) {
  switch (state) {
    case LinkState::kValid:
      return "valid";
    case LinkState::kUsed:
      return "used";
    case LinkState::kExpired:
      return "expired";
    case LinkState::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::string linkMessageBody(const std::string& brand, std::string_view action,
                            const std::string& url, Seconds ttl) {
  const int64_t minutes = (ttl.count() + 59) / 60;
  return brand + ": tap to " + std::string(describeAction(action)) + ": " + url + " (valid " +
         std::to_string(minutes) + (minutes == 1 ? " minute" : " minutes") +
         "). Didn't ask? Ignore this.";
}

ActionLinks::ActionLinks(LinkDeps deps)
    : deps_(std::move(deps)), publicBaseUrl_(deps_.config.publicBaseUrl) {}

void ActionLinks::setPublicBaseUrl(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  std::lock_guard lock(mutex_);
  publicBaseUrl_ = std::move(url);
}

std::string ActionLinks::publicBaseUrl() const {
  std::lock_guard lock(mutex_);
  return publicBaseUrl_;
}

Result<IssuedLink> ActionLinks::issue(const std::string& userId, std::string_view action,
                                      const std::string& phoneOnFile) {
  if (!isKnownAction(action)) return IssuedLink{IssueOutcome::kUnknownAction};
  const LinkConfig& cfg = deps_.config;
  if (!isWellFormedUserId(userId)) return IssuedLink{IssueOutcome::kUnknownUser};
  // The account the action acts on is callgate's (grants and members belong to a customer), even
  // when a directory checked the PIN.
  auto customer = deps_.customers.findByUserId(userId);
  if (!customer.ok()) return customer.error();
  if (!customer->has_value()) return IssuedLink{IssueOutcome::kUnknownUser};
  // The number on file, and no other.
  const std::string phone = phoneOnFile.empty() ? (*customer)->phone : phoneOnFile;

  const TimePoint now = deps_.clock.now();
  auto recent = deps_.grants.countIssuedSince(userId, now - cfg.perUserWindow);
  if (!recent.ok()) return recent.error();
  if (*recent >= cfg.perUserLimit) {
    deps_.audit.record("link_rate_limited", {{"user_id", userId}, {"action", std::string(action)}});
    return IssuedLink{IssueOutcome::kRateLimited};
  }

  const std::string code = generateLinkCode(deps_.random);
  Grant grant;
  grant.codeHash = deps_.hasher.digest(linkHashInput(code));
  grant.userId = userId;
  grant.action = std::string(action);
  grant.phone = phone;
  grant.createdAt = now;
  grant.expiresAt = now + cfg.ttl;
  auto id = deps_.grants.insert(grant);
  if (!id.ok()) return id.error();

  const std::string url = publicBaseUrl() + "/l/" + code;
  const std::string masked = maskPhone(phone);
  auto sent = deps_.sms.send({phone, linkMessageBody(cfg.brand, action, url, cfg.ttl)});
  if (!sent.ok()) {
    // The grant stays: its code was never delivered, so nobody can use it, and it expires.
    spdlog::warn("event=sms_failed phone={} error=\"{}\"", masked, sent.error().message());
    deps_.audit.record("link_send_failed",
                       {{"grant", std::to_string(*id)}, {"user_id", userId}, {"phone", masked}});
    return IssuedLink{IssueOutcome::kSmsFailed, *id, grant.expiresAt};
  }
  deps_.audit.record("link_issued", {{"grant", std::to_string(*id)},
                                     {"user_id", userId},
                                     {"action", grant.action},
                                     {"phone", masked},
                                     {"expires_at", formatRfc3339(grant.expiresAt)}});
  metrics::links().with({"issued"}).inc();
  return IssuedLink{IssueOutcome::kSent, *id, grant.expiresAt};
}

Result<std::optional<Grant>> ActionLinks::find(std::string_view code) {
  // A string that cannot be one of our codes is unknown without a lookup.
  if (!isWellFormedLinkCode(code)) return std::optional<Grant>();
  return deps_.grants.findByCodeHash(deps_.hasher.digest(linkHashInput(code)));
}

Result<LinkView> ActionLinks::inspect(std::string_view code) {
  auto grant = find(code);
  if (!grant.ok()) return grant.error();
  if (!grant->has_value()) return LinkView{};
  noteLinkActivity(handoffs_, deps_.clock, (*grant)->userId, LinkActivity::kOpened);
  return viewOf(**grant, stateAt(**grant, deps_.clock.now()));
}

Result<LinkView> ActionLinks::redeem(std::string_view code) {
  auto grant = find(code);
  if (!grant.ok()) return grant.error();
  if (!grant->has_value()) return LinkView{};
  const Grant& g = **grant;
  const TimePoint now = deps_.clock.now();
  if (LinkState state = stateAt(g, now); state != LinkState::kValid) return viewOf(g, state);

  auto won = deps_.grants.redeem(g.id, now);
  if (!won.ok()) return won.error();
  if (!*won) {
    // Someone else redeemed it between our read and our update (or it just expired): read
    // again to say which.
    auto again = find(code);
    if (!again.ok()) return again.error();
    if (!again->has_value()) return LinkView{};
    const LinkState state = stateAt(**again, now);
    return viewOf(**again, state == LinkState::kValid ? LinkState::kExpired : state);
  }
  deps_.audit.record(
      "link_redeemed",
      {{"grant", std::to_string(g.id)}, {"user_id", g.userId}, {"action", g.action}});
  noteLinkActivity(handoffs_, deps_.clock, g.userId, LinkActivity::kRedeemed);
  return viewOf(g, LinkState::kValid);
}

std::string ActionLinks::csrfToken(std::string_view code) const {
  return deps_.hasher.digest(std::string(kCsrfDomain) + std::string(code));
}

bool ActionLinks::csrfMatches(std::string_view code, std::string_view token) const {
  return deps_.hasher.matches(token, std::string(kCsrfDomain) + std::string(code));
}

}  // namespace callgate
