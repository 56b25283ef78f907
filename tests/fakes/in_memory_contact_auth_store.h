// InMemoryContactAuthStore: the ContactAuthStore port (core/ports.h) in memory. tests/contracts
// runs the ContactAuthStore suite against it, SQLite and PostgreSQL, so they keep one meaning.
// Thread-safe through its methods; `failing` makes every call fail as an unreachable store would.
// `rows` is for tests to arrange and inspect while no other thread uses the store.
#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/ports.h"

namespace callgate::testing {

class InMemoryContactAuthStore : public ContactAuthStore {
 public:
  Status record(const ContactAuthRecord& record, TimePoint now) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    if (record.contactId.empty()) return Error::invalidArgument("empty contact id");
    rows[{record.contactId, record.method}] = record;
    purge(now, kContactAuthPurgeBatch);
    return okStatus();
  }
  Result<std::vector<ContactAuthRecord>> find(const std::string& contactId,
                                              TimePoint now) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    std::vector<ContactAuthRecord> out;
    // The map orders by (contactId, method), so the records come ordered by method.
    for (const auto& [key, row] : rows) {
      if (key.first == contactId && row.expiresAt > now) out.push_back(row);
    }
    return out;
  }
  Result<int64_t> removeExpired(TimePoint now, int limit) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    return purge(now, limit);
  }

  std::map<std::pair<std::string, std::string>, ContactAuthRecord> rows;
  bool failing = false;

 private:
  // The oldest expired rows first, at most `limit`, as the SQL stores do.
  int64_t purge(TimePoint now, int limit) {
    std::vector<std::pair<TimePoint, std::pair<std::string, std::string>>> expired;
    for (const auto& [key, row] : rows) {
      if (row.expiresAt <= now) expired.emplace_back(row.expiresAt, key);
    }
    std::sort(expired.begin(), expired.end());
    int64_t removed = 0;
    for (const auto& entry : expired) {
      if (removed >= limit) break;
      rows.erase(entry.second);
      ++removed;
    }
    return removed;
  }

  std::mutex mu_;
};

}  // namespace callgate::testing
