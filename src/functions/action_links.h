// ActionLinks: single-use links that let an authenticated caller do exactly one action on the web
// (DESIGN §4 "Links"). issue() creates a grant with a fresh random code (128 bits), stores only
// the code's keyed hash, and texts <publicBaseUrl>/l/<code> to the number on file for the user
// id (never to a number from the request). inspect() reads a link without changing it (GET, so
// link scanners and previews cannot burn it); redeem() uses it up, atomically, once.
//
// The CSRF token of a link's confirm form is a keyed digest of its code: deterministic, so the
// GET page and the POST handler agree without server-side session state, and unguessable without
// the server key.
//
// Borrows every port in LinkDeps, which must outlive it. Thread-safe: the ports are, and the only
// mutable state (the public base URL, which `serve` may fix once it knows its port) is guarded.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "common/result.h"
#include "core/action_grant.h"
#include "core/handoff.h"
#include "core/ports.h"

namespace callgate {

enum class LinkState { kValid, kUsed, kExpired, kUnknown };

const char* linkStateName(LinkState state);  // "valid", "used", "expired", "unknown"

struct LinkView {
  LinkState state = LinkState::kUnknown;
  int64_t grantId = 0;
  std::string action;
  std::string userId;
  TimePoint expiresAt{};
};

struct LinkConfig {
  std::string publicBaseUrl = "http://127.0.0.1:8080";  // no trailing slash
  Seconds ttl{600};
  int perUserLimit = 3;  // links issued per user id per window
  Seconds perUserWindow{600};
  std::string brand = "callgate";
};

struct LinkDeps {
  CustomerStore& customers;
  GrantStore& grants;
  SmsSender& sms;
  const CodeHasher& hasher;
  Random& random;
  const Clock& clock;
  AuditLog& audit;
  LinkConfig config;
};

enum class IssueOutcome {
  kSent,
  kUnknownAction,  // not an action links can grant
  kUnknownUser,    // no customer has the user id
  kRateLimited,    // perUserLimit reached
  kSmsFailed,      // the grant exists but the text could not be sent
};

struct IssuedLink {
  IssueOutcome outcome = IssueOutcome::kSent;
  int64_t grantId = 0;
  TimePoint expiresAt{};
};

// The SMS text for a link, e.g. "callgate: tap to add a member to your account: URL (valid 10
// minutes). Didn't ask? Ignore this."
std::string linkMessageBody(const std::string& brand, std::string_view action,
                            const std::string& url, Seconds ttl);

class ActionLinks {
 public:
  explicit ActionLinks(LinkDeps deps);

  // Creates the grant and texts the link to `phoneOnFile` (E.164), the number callgate's record of
  // the sign-in holds (a directory's number for a directory user), or when that is "" to the
  // customer store's number for the user id. Never a number from the request. The user id must
  // be a customer's either way (kUnknownUser otherwise): the grant, and what it allows, belong to
  // that account. Business outcomes are values; a Result error means a dependency (the
  // database) failed.
  Result<IssuedLink> issue(const std::string& userId, std::string_view action,
                           const std::string& phoneOnFile = "");
  // What the link is and whether it can still be used; changes nothing.
  Result<LinkView> inspect(std::string_view code);
  // Uses the link up: kValid for the one caller that redeemed it, kUsed/kExpired/kUnknown for
  // everyone else.
  Result<LinkView> redeem(std::string_view code);

  std::string csrfToken(std::string_view code) const;
  bool csrfMatches(std::string_view code, std::string_view token) const;  // constant time

  // For `serve` on port 0: the default base URL only becomes known once the server listens.
  void setPublicBaseUrl(std::string url);
  std::string publicBaseUrl() const;
  const LinkConfig& config() const { return deps_.config; }
  // Where opening and redeeming a link are noted for the agent console (link_activity.h);
  // nullptr = nowhere. Set while wiring, before any request.
  void setHandoffs(HandoffStore* handoffs) { handoffs_ = handoffs; }

 private:
  Result<std::optional<Grant>> find(std::string_view code);

  LinkDeps deps_;
  HandoffStore* handoffs_ = nullptr;
  mutable std::mutex mutex_;
  std::string publicBaseUrl_;  // guarded by mutex_
};

}  // namespace callgate
