// InMemoryStaffStore: the StaffStore port in a map, for unit tests; held to the SQLite and
// PostgreSQL stores' semantics by the contract suite (contracts/staff_store_contract.h).
// Thread-safe (one mutex).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/staff.h"

namespace callgate::testing {

class InMemoryStaffStore final : public StaffStore {
 public:
  Status add(const StaffAccount& account) override {
    std::lock_guard lock(mu_);
    if (!accounts_.emplace(account.username, account).second) {
      return Error::alreadyExists("staff account " + account.username + " exists");
    }
    return okStatus();
  }
  Result<std::optional<StaffAccount>> find(const std::string& username) override {
    std::lock_guard lock(mu_);
    auto it = accounts_.find(username);
    if (it == accounts_.end()) return std::optional<StaffAccount>();
    return std::optional<StaffAccount>(it->second);
  }
  Result<std::vector<StaffAccount>> list() override {
    std::lock_guard lock(mu_);
    std::vector<StaffAccount> out;
    for (const auto& [name, account] : accounts_) out.push_back(account);
    return out;
  }
  Status resetCredentials(const std::string& username, StaffRole role,
                          const std::string& passwordHash,
                          const std::string& totpSeedSealed) override {
    std::lock_guard lock(mu_);
    auto it = accounts_.find(username);
    if (it == accounts_.end()) return Error::notFound("no staff account " + username);
    StaffAccount& a = it->second;
    a.role = role;
    a.passwordHash = passwordHash;
    a.totpSeedSealed = totpSeedSealed;
    a.failures = 0;
    a.lockedUntil = TimePoint{};
    a.lastTotpStep = 0;
    ++a.epoch;
    return okStatus();
  }
  Status remove(const std::string& username) override {
    std::lock_guard lock(mu_);
    if (accounts_.erase(username) == 0) return Error::notFound("no staff account " + username);
    std::erase_if(sessions_, [&](const auto& kv) { return kv.second.username == username; });
    return okStatus();
  }
  Result<bool> beginSignIn(const std::string& username, TimePoint now, int lockAfter,
                           Seconds lockFor) override {
    std::lock_guard lock(mu_);
    auto it = accounts_.find(username);
    if (it == accounts_.end()) return Error::notFound("no staff account " + username);
    StaffAccount& a = it->second;
    if (a.lockedUntil > now) return false;
    if (a.failures + 1 >= lockAfter) {
      a.failures = 0;
      a.lockedUntil = now + lockFor;
    } else {
      ++a.failures;
    }
    return true;
  }
  Result<bool> completeSignIn(const std::string& username, int64_t step, TimePoint now) override {
    std::lock_guard lock(mu_);
    auto it = accounts_.find(username);
    if (it == accounts_.end()) return Error::notFound("no staff account " + username);
    StaffAccount& a = it->second;
    if (step <= a.lastTotpStep) return false;
    a.failures = 0;
    a.lockedUntil = TimePoint{};
    a.lastTotpStep = step;
    a.lastSignIn = now;
    return true;
  }
  Status createSession(const StaffSession& session) override {
    std::lock_guard lock(mu_);
    auto it = accounts_.find(session.username);
    if (it == accounts_.end() || it->second.epoch != session.accountEpoch) {
      return Error::failedPrecondition("staff account " + session.username +
                                       " was reset or removed");
    }
    sessions_[session.idHash] = session;
    return okStatus();
  }
  Result<std::optional<StaffSessionView>> findSession(const std::string& idHash, TimePoint now,
                                                      Seconds idle) override {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(idHash);
    if (it == sessions_.end()) return std::optional<StaffSessionView>();
    const StaffSession& s = it->second;
    auto account = accounts_.find(s.username);
    if (account == accounts_.end() || account->second.epoch != s.accountEpoch ||
        s.expiresAt <= now || s.lastSeen <= now - idle) {
      return std::optional<StaffSessionView>();
    }
    return std::optional<StaffSessionView>(StaffSessionView{s, account->second.role});
  }
  Status touchSession(const std::string& idHash, TimePoint now) override {
    std::lock_guard lock(mu_);
    if (auto it = sessions_.find(idHash); it != sessions_.end()) it->second.lastSeen = now;
    return okStatus();
  }
  Status deleteSession(const std::string& idHash) override {
    std::lock_guard lock(mu_);
    sessions_.erase(idHash);
    return okStatus();
  }
  Result<int64_t> removeExpiredSessions(TimePoint now, Seconds idle, int limit) override {
    std::lock_guard lock(mu_);
    int64_t removed = 0;
    for (auto it = sessions_.begin(); it != sessions_.end() && removed < limit;) {
      if (it->second.expiresAt <= now || it->second.lastSeen <= now - idle) {
        it = sessions_.erase(it);
        ++removed;
      } else {
        ++it;
      }
    }
    return removed;
  }

 private:
  std::mutex mu_;
  std::map<std::string, StaffAccount> accounts_;
  std::map<std::string, StaffSession> sessions_;
};

}  // namespace callgate::testing
