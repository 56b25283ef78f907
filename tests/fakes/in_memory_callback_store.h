// InMemoryCallbackStore: the CallbackStore port (core/callback.h) in memory. tests/contracts runs
// the CallbackStore suite against it, SQLite and PostgreSQL, so they keep one meaning.
// Thread-safe through its methods; `failing` makes every call fail as an unreachable store would.
#pragma once

#include <algorithm>
#include <mutex>
#include <vector>

#include "core/callback.h"

namespace callgate::testing {

class InMemoryCallbackStore : public CallbackStore {
 public:
  Result<int64_t> add(const CallbackRequest& request) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    rows_.push_back(request);
    rows_.back().id = ++lastId_;
    return lastId_;
  }
  Result<std::vector<CallbackRequest>> list(std::size_t limit) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    std::vector<CallbackRequest> out = rows_;
    std::sort(out.begin(), out.end(), [](const CallbackRequest& a, const CallbackRequest& b) {
      return a.notBefore != b.notBefore ? a.notBefore < b.notBefore : a.id < b.id;
    });
    if (out.size() > limit) out.resize(limit);
    return out;
  }
  Result<int64_t> countCreatedSince(const std::string& phone, TimePoint since) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    return static_cast<int64_t>(std::count_if(rows_.begin(), rows_.end(), [&](const auto& r) {
      return r.phone == phone && r.createdAt >= since;
    }));
  }

  bool failing = false;

 private:
  std::mutex mu_;
  std::vector<CallbackRequest> rows_;
  int64_t lastId_ = 0;
};

}  // namespace callgate::testing
