// InMemoryCallbackStore: the CallbackStore port (core/callback.h) in memory. tests/contracts runs
// the CallbackStore suite against it, SQLite and PostgreSQL, so they keep one meaning.
// Thread-safe through its methods; `failing` makes every call fail as an unreachable store would.
#pragma once

#include <algorithm>
#include <mutex>
#include <optional>
#include <vector>

#include "core/callback.h"

namespace callgate::testing {

class InMemoryCallbackStore : public CallbackStore {
 public:
  Result<std::optional<int64_t>> add(const CallbackRequest& request,
                                     const CallbackLimit& limit) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    const auto recent = std::count_if(rows_.begin(), rows_.end(), [&](const auto& r) {
      return r.phone == request.phone && r.createdAt >= limit.since;
    });
    if (recent >= limit.max) return std::optional<int64_t>();
    rows_.push_back(request);
    rows_.back().id = ++lastId_;
    return std::optional<int64_t>(lastId_);
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

  bool failing = false;

 private:
  std::mutex mu_;
  std::vector<CallbackRequest> rows_;
  int64_t lastId_ = 0;
};

}  // namespace callgate::testing
