// Test doubles for the functions that mint and check access tokens: FakeTokens implements both
// token ports (core/token_ports.h) with the core's real claim and scope rules but no signing,
// plus thread-safe, failure-injecting wrappers of the in-memory grant and member stores, and a
// rendezvous that holds threads inside a call until all of them are there (to open a race
// window on purpose). Everything here is thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/access_token.h"
#include "core/ports.h"
#include "core/token_ports.h"
#include "fakes/fakes.h"

namespace callgate::testing {

// The order in which the fakes were called ("inspect" is not recorded: ActionLinks reads the
// grant store twice), shared by the fakes of one test.
class CallLog {
 public:
  void add(std::string call) {
    std::lock_guard lock(mu_);
    calls_.push_back(std::move(call));
  }
  std::vector<std::string> calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }
  size_t count(const std::string& call) const {
    std::lock_guard lock(mu_);
    size_t n = 0;
    for (const auto& c : calls_) n += c == call ? 1 : 0;
    return n;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> calls_;
};

class FakeTokens : public AccessTokenIssuer, public AccessTokenVerifier {
 public:
  FakeTokens(const Clock& clock, CallLog& log) : clock_(clock), log_(log) {}

  static constexpr const char* kIssuer = "https://cg.example";
  static constexpr const char* kAudience = "callgate-api";

  Result<IssuedToken> issue(const std::string& subject, const std::string& scope,
                            std::vector<std::string> amr) override {
    IssuedToken out;
    std::function<void()> hook;
    {
      std::lock_guard lock(mu_);
      log_.add("issue");
      if (issueError) return *issueError;
      AccessTokenClaims& c = out.claims;
      c.issuer = kIssuer;
      c.subject = subject;
      c.audience = kAudience;
      c.scope = scope;
      c.amr = std::move(amr);
      c.issuedAt = std::chrono::floor<Seconds>(clock_.now());
      c.expiresAt = c.issuedAt + Seconds(300);
      c.jti = "jti-" + std::to_string(minted_.size() + 1);
      out.jwt = "token." + c.jti;
      minted_[out.jwt] = c;
      hook = onIssue;
    }
    if (hook) hook();  // outside the lock: it may call back into the ports
    return out;
  }

  Result<AccessTokenClaims> verify(std::string_view jwt, const TokenCheck& check) override {
    std::lock_guard lock(mu_);
    log_.add("verify");
    if (verifyError) return *verifyError;
    auto it = minted_.find(std::string(jwt));
    if (it == minted_.end()) return Error::unauthenticated("not a token of ours");
    const AccessTokenClaims& claims = it->second;
    if (Status s = checkTokenClaims(claims, TokenPolicy{kIssuer, kAudience}, clock_.now()); !s.ok())
      return s.error();
    if (used.count(claims.jti) > 0) return Error::unauthenticated("token already used");
    if (Status s = checkTokenAccess(claims, check); !s.ok()) return s.error();
    return claims;
  }

  Result<bool> consume(const AccessTokenClaims& claims) override {
    std::lock_guard lock(mu_);
    log_.add("consume");
    if (consumeError) return *consumeError;
    return used.insert(claims.jti).second;
  }

  // A token minted as the issuer would, for tests that start with one in hand.
  std::string mint(const std::string& subject, const std::string& scope = kActionAddMember) {
    auto t = issue(subject, scope, {"pin", "sms"});
    return t.ok() ? t->jwt : "";
  }
  AccessTokenClaims claimsOf(const std::string& jwt) {
    std::lock_guard lock(mu_);
    return minted_.at(jwt);
  }
  // Tokens minted, including ones never handed out.
  size_t mintedCount() {
    std::lock_guard lock(mu_);
    return minted_.size();
  }

  // Set before the calls under test (not guarded against concurrent change).
  std::optional<Error> issueError, verifyError, consumeError;
  std::function<void()> onIssue;  // runs after each successful issue()
  std::set<std::string> used;     // consumed jtis

 private:
  const Clock& clock_;
  CallLog& log_;
  std::mutex mu_;
  std::map<std::string, AccessTokenClaims> minted_;
};

// InMemoryGrantStore behind a mutex, with switchable failures; logs "redeem".
class LockedGrantStore : public GrantStore {
 public:
  explicit LockedGrantStore(CallLog& log) : log_(log) {}
  Result<int64_t> insert(const Grant& grant) override {
    std::lock_guard lock(mu_);
    return inner.insert(grant);
  }
  Result<std::optional<Grant>> findByCodeHash(const std::string& codeHash) override {
    std::lock_guard lock(mu_);
    if (findError) return *findError;
    return inner.findByCodeHash(codeHash);
  }
  Result<bool> redeem(int64_t id, TimePoint now) override {
    std::lock_guard lock(mu_);
    log_.add("redeem");
    if (redeemError) return *redeemError;
    return inner.redeem(id, now);
  }
  Result<int64_t> countIssuedSince(const std::string& userId, TimePoint since) override {
    std::lock_guard lock(mu_);
    return inner.countIssuedSince(userId, since);
  }
  GrantState stateOf(int64_t id) {
    std::lock_guard lock(mu_);
    return inner.rows.at(static_cast<size_t>(id - 1)).state;
  }

  std::optional<Error> findError, redeemError;  // set before the calls under test

 private:
  CallLog& log_;
  std::mutex mu_;
  InMemoryGrantStore inner;
};

// InMemoryMemberStore behind a mutex, with a switchable failure; logs "add".
class LockedMemberStore : public MemberStore {
 public:
  LockedMemberStore(InMemoryCustomerStore& customers, CallLog& log)
      : log_(log), inner_(customers) {}
  Result<int64_t> add(const Member& member) override {
    std::lock_guard lock(mu_);
    log_.add("add");
    if (addError) return *addError;
    return inner_.add(member);
  }
  Result<std::vector<Member>> listByAccount(const std::string& accountUserId) override {
    std::lock_guard lock(mu_);
    return inner_.listByAccount(accountUserId);
  }
  size_t size() {
    std::lock_guard lock(mu_);
    return inner_.rows.size();
  }

  std::optional<Error> addError;  // set before the calls under test

 private:
  CallLog& log_;
  std::mutex mu_;
  InMemoryMemberStore inner_;
};

// Holds each arriving thread until `parties` have arrived (or a few seconds passed, so a broken
// test fails instead of hanging). Returns whether all arrived.
class Rendezvous {
 public:
  explicit Rendezvous(int parties) : waiting_(parties) {}
  bool arriveAndWait() {
    std::unique_lock lock(mu_);
    if (--waiting_ <= 0) {
      cv_.notify_all();
      return true;
    }
    return cv_.wait_for(lock, std::chrono::seconds(5), [this] { return waiting_ <= 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int waiting_;
};

}  // namespace callgate::testing
